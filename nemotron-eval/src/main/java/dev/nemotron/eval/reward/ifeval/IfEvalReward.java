package dev.nemotron.eval.reward.ifeval;

import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.eval.math.Reasoning;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ifeval} reward: the fraction of the example's instructions ({@link Instructions#of})
 * that the answer (the completion after its reasoning, {@link Reasoning#finalPart}) follows.
 *
 * <p>Strict: the answer as it is. Loose (IFEval's second score): an instruction counts as followed
 * when any of eight variants follows it: the answer, without its first line, without its last
 * line, without both, and each of these with every {@code *} removed (Markdown emphasis).
 */
final class IfEvalReward implements Reward {
    private final boolean loose;

    IfEvalReward(boolean loose) {
        this.loose = loose;
    }

    @Override
    public String name() {
        return IfEvalRewardProvider.NAME;
    }

    @Override
    public double score(RewardInput input) {
        List<Instruction> instructions = Instructions.of(input);
        String answer = Reasoning.finalPart(input.completion());
        if (answer.isBlank()) {
            return 0.0;
        }
        List<String> variants = loose ? looseVariants(answer) : List.of(answer);
        int followed = 0;
        for (Instruction i : instructions) {
            if (variants.stream().anyMatch(v -> !v.isBlank() && i.followedBy(v))) {
                followed++;
            }
        }
        return followed / (double) instructions.size();
    }

    static List<String> looseVariants(String answer) {
        String[] lines = answer.split("\n", -1);
        String noFirst = lines.length > 1 ? answer.substring(answer.indexOf('\n') + 1) : "";
        String noLast = lines.length > 1 ? answer.substring(0, answer.lastIndexOf('\n')) : "";
        String noBoth = lines.length > 2 ? noFirst.substring(0, noFirst.lastIndexOf('\n')) : "";
        List<String> out = new ArrayList<>();
        for (String v : List.of(answer, noFirst, noLast, noBoth)) {
            out.add(v);
            out.add(v.replace("*", ""));
        }
        return out;
    }
}
