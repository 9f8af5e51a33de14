package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.align.grpo.GrpoJob;
import dev.nemotron.align.grpo.GrpoSpec;
import dev.nemotron.api.NemotronException;
import dev.nemotron.cli.output.Json;
import dev.nemotron.cli.train.TrainingProgress;
import dev.nemotron.train.pretrain.PretrainResult;
import dev.nemotron.train.trainer.StepMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nemotron grpo}: GRPO — rollouts of G samples per prompt with the inference engine from
 * the live weights, rewards from reward plugins, group-normalised advantages, clipped ratio, k3 KL
 * to the frozen init model; {@code pretrain}'s flags ({@code --steps}, {@code --batch} = prompts
 * per step, {@code --lr}, {@code --seed}, {@code --threads}, {@code --out}, {@code --checkpoint-every},
 * {@code --stop-at}, {@code --resume}, ...); {@code --backend cuda [--precision fp32|bf16]} runs the
 * policy updates on the GPU (docs/training.md, "On the GPU"). See docs/alignment.md.
 */
@Command(name = "grpo", mixinStandardHelpOptions = true,
        description = "GRPO on prompts JSONL with reward plugins: --init-model DIR --prompts FILE.jsonl --reward NAME[,NAME...] "
                + "--out DIR, with pretrain's flags (--batch = prompts per step).")
public final class GrpoCommand extends PretrainCommand {
    @Option(names = "--prompts", paramLabel = "FILE.jsonl", description = "Prompts: {\"prompt\": ...} or {\"messages\": [...]} per line, with \"answer\" for the reward.")
    String prompts;

    @Option(names = "--reward", paramLabel = "NAME[,NAME...]", description = "Reward plugins (`nemotron eval rewards` lists them); their weighted sum is the reward.")
    String reward;

    @Option(names = "--reward-weights", paramLabel = "W[,W...]", description = "One weight per reward (default 1 each).")
    String rewardWeights;

    @Option(names = "--reward-option", paramLabel = "NAME.KEY=VALUE", description = "An option of one reward, e.g. math.tolerance=0.01 (repeatable).")
    List<String> rewardOptions = new ArrayList<>();

    @Option(names = "--group", paramLabel = "G", description = "Samples per prompt (default 8).")
    Integer group;

    @Option(names = "--max-tokens", paramLabel = "N", description = "New tokens per sample, reasoning included (default 128).")
    Integer maxTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature of the rollouts (default 1.0).")
    Double temperature;

    @Option(names = "--no-think-fraction", paramLabel = "F", description = "Share of the prompts rendered with reasoning off (default 0).")
    Double noThinkFraction;

    @Option(names = "--epsilon", paramLabel = "E", description = "Clip range of the importance ratio (default 0.2).")
    Double epsilon;

    @Option(names = "--beta", paramLabel = "B", description = "KL (k3) coefficient to the frozen init model (default 0.04; 0: no reference).")
    Double beta;

    @Option(names = "--mean-only", description = "Advantages r - mean of the group, not divided by its std.")
    Boolean meanOnly;

    @Option(names = "--adv-eps", paramLabel = "E", description = "Added to the group's std (default 1e-4).")
    Double advEps;

    @Option(names = "--updates-per-rollout", paramLabel = "K", description = "Optimizer steps on each rollout batch (default 1).")
    Integer updatesPerRollout;

    @Option(names = "--rollout-batch", paramLabel = "N", description = "Sequences the engine decodes together (default 16).")
    Integer rolloutBatch;

    @Mixin
    ChatTemplateOption chatTemplate = new ChatTemplateOption();

    @Option(names = "--rollout-backend", paramLabel = "NAME", description = "Backend of the rollout engine (default java; "
            + "the policy updates run on --backend's device, or on the host trainer without it).")
    String rolloutBackend = "java";

    private ObjectNode lastExtra;

    @Override
    protected void overlayMore(ObjectNode n) {
        put(n, "prompts", prompts);
        put(n, "reward", reward);
        put(n, "reward_weights", rewardWeights);
        if (!rewardOptions.isEmpty()) {
            ObjectNode opts = n.has("reward_options") && n.get("reward_options").isObject()
                    ? (ObjectNode) n.get("reward_options") : n.putObject("reward_options");
            for (String o : rewardOptions) {
                int dot = o.indexOf('.');
                int eq = o.indexOf('=');
                if (dot <= 0 || eq < dot + 2) {
                    throw new NemotronException("--reward-option '" + o + "': expected NAME.KEY=VALUE, e.g. math.tolerance=0.01");
                }
                String name = o.substring(0, dot);
                ObjectNode r = opts.has(name) ? (ObjectNode) opts.get(name) : opts.putObject(name);
                r.put(o.substring(dot + 1, eq), o.substring(eq + 1));
            }
        }
        put(n, "group", group);
        put(n, "max_tokens", maxTokens);
        put(n, "temperature", temperature);
        put(n, "no_think_fraction", noThinkFraction);
        put(n, "epsilon", epsilon);
        put(n, "beta", beta);
        if (meanOnly != null) {
            n.put("scale_rewards", !meanOnly);
        }
        put(n, "adv_eps", advEps);
        put(n, "updates_per_rollout", updatesPerRollout);
        put(n, "rollout_batch", rolloutBatch);
        chatTemplate.overlay(n);
    }

    @Override
    protected PretrainResult train(ObjectNode node, Path cwd, String source) {
        GrpoSpec s = GrpoSpec.parse(node, source, cwd);
        TrainingProgress progress = new TrainingProgress(s.training().steps(), spec.commandLine().getErr());
        GrpoJob.Result r = new GrpoJob(s, rolloutBackend).run(m -> progress.accept(new StepMetrics(m.step(), m.loss(), m.lr(),
                m.gradNorm(), m.trainTokens(), m.trainTokensPerSecond(), null)));
        progress.finish();
        ObjectNode extra = Json.object();
        extra.put("first_reward_mean", r.firstRewardMean());
        extra.put("last_reward_mean", r.lastRewardMean());
        extra.put("rollout_seconds", r.rolloutSeconds());
        extra.put("train_seconds", r.trainSeconds());
        extra.put("rollout_tokens", r.rolloutTokens());
        lastExtra = extra;
        return new PretrainResult(r.model(), r.steps(), r.lastLoss(), Double.NaN, Double.NaN, r.trainTokens(), r.seconds(), 0,
                Double.NaN);
    }

    @Override
    protected void report(PretrainResult r, ObjectNode extra) {
        super.report(r, lastExtra != null ? lastExtra : extra);
    }
}
