package dev.nemotron.eval.reward.ifeval;

import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardOption;
import dev.nemotron.api.reward.RewardOptions;
import dev.nemotron.api.reward.RewardProvider;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Provides the {@code ifeval} reward ({@link IfEvalReward}); option {@code mode} = {@code strict} or {@code loose}. */
public final class IfEvalRewardProvider implements RewardProvider {
    /** The name the reward is selected by. */
    public static final String NAME = "ifeval";
    private static final List<RewardOption> OPTIONS = List.of(new RewardOption("mode", "strict",
            "strict: the answer as written; loose: also accept it without its first/last line or without '*' (IFEval's loose score)"));

    /** Called by {@link java.util.ServiceLoader}. */
    public IfEvalRewardProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "fraction of the example's IFEval instructions (metadata instruction_id_list + kwargs) the answer follows, "
                + Instructions.supported().size() + " verifiable checkers, in [0, 1]";
    }

    @Override
    public List<RewardOption> options() {
        return OPTIONS;
    }

    @Override
    public Reward create(Map<String, String> options) {
        RewardOptions o = new RewardOptions(NAME, options).requireOnly(OPTIONS);
        String mode = o.getString("mode", "strict").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "strict" -> new IfEvalReward(false);
            case "loose" -> new IfEvalReward(true);
            default -> throw o.invalid("mode", "expected strict or loose, got '" + options.get("mode") + "'");
        };
    }
}
