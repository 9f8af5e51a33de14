package dev.nemotron.align.grpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.pretrain.PretrainSpec;
import dev.nemotron.train.pretrain.RunRecord;
import dev.nemotron.train.trainer.MetricsLog;
import dev.nemotron.train.trainer.RunDirectory;
import dev.nemotron.train.trainer.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * GRPO's checkpoints and resume, in pretraining's format ({@link TrainingCheckpoint}:
 * {@code OUT/checkpoint-STEP} with the float64 policy weights and the AdamW moments, {@code OUT/latest}).
 * The checkpoint's data state is the run's {@link Progress} (step and running totals): nothing
 * else is needed, because every random choice of a step is seeded by the run's seed and the step
 * (the prompts' order per epoch, reasoning on/off, the rollout's sampling seeds), the frozen
 * reference is the init model again, and the optimizer's update count is step x updates_per_rollout.
 *
 * <pre>
 * prepare: refuse an OUT that holds a run unless resuming; with --resume and OUT/latest, the
 *          settings must be those in OUT/run.json (steps may change: a warning), else one error
 * restore: the weights and moments into the new policy and optimizer; metrics.jsonl and
 *          rollouts.jsonl cut after the checkpoint's step (those steps run again)
 * save:    OUT/checkpoint-STEP, then OUT/latest, each atomically
 * </pre>
 */
final class GrpoCheckpoints {
    private static final Logger LOG = LogManager.getLogger(GrpoCheckpoints.class);
    static final String METRICS = RunDirectory.METRICS;
    static final String ROLLOUTS = "rollouts.jsonl";
    private static final String JOB = "grpo";

    private GrpoCheckpoints() {
    }

    /** The running totals of a run: what a resumed run's summary continues from. */
    static final class Progress {
        long step;
        double firstReward = Double.NaN;
        double lastReward = Double.NaN;
        double lastLoss = Double.NaN;
        double seconds;
        double rolloutSeconds;
        double trainSeconds;
        long rolloutTokens;
        long trainTokens;

        void add(GrpoStep m) {
            step = m.step();
            if (m.step() == 1) {
                firstReward = m.rewardMean();
            }
            lastReward = m.rewardMean();
            lastLoss = m.loss();
            rolloutSeconds += m.rolloutSeconds();
            trainSeconds += m.trainSeconds();
            rolloutTokens += m.rolloutTokens();
            trainTokens += m.trainTokens();
        }

        /** The checkpoint's data state (doubles as Java's shortest exact text: NaN and every bit survive). */
        String toJson() {
            ObjectNode o = JsonMappers.json().createObjectNode();
            o.put("job", JOB);
            o.put("step", step);
            o.put("first_reward_mean", Double.toString(firstReward));
            o.put("last_reward_mean", Double.toString(lastReward));
            o.put("last_loss", Double.toString(lastLoss));
            o.put("seconds", Double.toString(seconds));
            o.put("rollout_seconds", Double.toString(rolloutSeconds));
            o.put("train_seconds", Double.toString(trainSeconds));
            o.put("rollout_tokens", rolloutTokens);
            o.put("train_tokens", trainTokens);
            return o.toString();
        }

        static Progress parse(String json, Path checkpoint, long step) {
            try {
                JsonNode n = JsonMappers.json().readTree(json);
                if (n == null || !JOB.equals(n.path("job").asText()) || n.path("step").asLong(-1) != step) {
                    throw new NemotronException(checkpoint + ": not a GRPO checkpoint (its trainer.json holds another job's state); "
                            + "resume a GRPO run's directory, or start a new run");
                }
                Progress p = new Progress();
                p.step = step;
                p.firstReward = Double.parseDouble(n.path("first_reward_mean").asText());
                p.lastReward = Double.parseDouble(n.path("last_reward_mean").asText());
                p.lastLoss = Double.parseDouble(n.path("last_loss").asText());
                p.seconds = Double.parseDouble(n.path("seconds").asText());
                p.rolloutSeconds = Double.parseDouble(n.path("rollout_seconds").asText());
                p.trainSeconds = Double.parseDouble(n.path("train_seconds").asText());
                p.rolloutTokens = n.path("rollout_tokens").asLong();
                p.trainTokens = n.path("train_tokens").asLong();
                return p;
            } catch (IOException | NumberFormatException e) {
                throw new NemotronException(checkpoint + ": not a GRPO checkpoint (unreadable run state in trainer.json: "
                        + e.getMessage() + "); resume a GRPO run's directory, or start a new run", e);
            }
        }
    }

    /** The settings that decide a GRPO run's trajectory: pretraining's ({@link RunRecord#settings}) and GRPO's own. */
    static Map<String, String> settings(GrpoSpec spec, String rolloutBackend) {
        PretrainSpec t = spec.training();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("job", JOB);
        m.putAll(RunRecord.settings(t));
        m.put("init_model", t.initModel().toAbsolutePath().normalize().toString());
        m.put("prompts", spec.prompts().toAbsolutePath().normalize().toString());
        m.put("rewards", spec.rewards().toString());
        m.put("group", Integer.toString(spec.group()));
        m.put("max_tokens", Integer.toString(spec.maxTokens()));
        m.put("temperature", Double.toString(spec.temperature()));
        m.put("no_think_fraction", Double.toString(spec.noThinkFraction()));
        m.put("epsilon", Double.toString(spec.epsilon()));
        m.put("beta", Double.toString(spec.beta()));
        m.put("scale_rewards", Boolean.toString(spec.scaleRewards()));
        m.put("adv_eps", Double.toString(spec.advEps()));
        m.put("updates_per_rollout", Integer.toString(spec.updatesPerRollout()));
        m.put("rollout_batch", Integer.toString(spec.rolloutBatch()));
        m.put("chat_template", spec.chatTemplate().toString());
        m.put("rollout_backend", rolloutBackend);
        return m;
    }

    /**
     * Checks OUT before anything is loaded and records the run's settings: the checkpoint to
     * resume from, or null for a run from step 0.
     */
    static Path prepare(GrpoSpec spec, String rolloutBackend) {
        PretrainSpec t = spec.training();
        Path out = t.out();
        RunDirectory.open(out, t.resume());
        Map<String, String> settings = settings(spec, rolloutBackend);
        // a run that stopped before its first checkpoint starts over, without its logged steps
        Path checkpoint = RunDirectory.checkpointToResume(out, t.resume(), ROLLOUTS);
        if (checkpoint != null) {
            check(out, settings);
        }
        RunRecord.write(out, settings);
        return checkpoint;
    }

    /** A resumed run must have the settings the run was started with, but for {@code steps}. */
    private static void check(Path out, Map<String, String> settings) {
        List<String> changed = RunRecord.changes(out, settings);
        if (changed == null) {
            throw new NemotronException(out + " has a checkpoint but no " + RunRecord.FILE + " (the settings it was started with): "
                    + "cannot resume it safely; start a new run in another output directory");
        }
        if (changed.stream().anyMatch(c -> c.startsWith("job "))) {
            throw new NemotronException(out + " holds another kind of run (" + RunRecord.FILE + " records no GRPO run); "
                    + "choose another output directory");
        }
        List<String> other = new ArrayList<>();
        for (String c : changed) {
            if (c.startsWith("steps ")) {
                LOG.warn("resuming with changed steps ({}): the LR schedule is reshaped, so the continuation is not the one the "
                        + "original run would have taken", c);
            } else {
                other.add(c);
            }
        }
        if (!other.isEmpty()) {
            throw new NemotronException(out + ": --resume with other settings than the run was started with ("
                    + String.join(", ", other) + "); resume with the same settings (" + RunRecord.FILE
                    + " records them), or start a new run in another output directory");
        }
    }

    /** Loads {@code checkpoint} into the policy's weights and the optimizer; the logs after its step are cut. */
    static Progress restore(Path checkpoint, Path out, Parameters policy, Optimizer optimizer) {
        TrainingCheckpoint.Restored r = TrainingCheckpoint.read(checkpoint);
        Progress p = Progress.parse(r.dataState(), checkpoint, r.step());
        r.copyInto(policy);
        try {
            optimizer.load(r.optimizer());
        } catch (IllegalArgumentException e) {
            throw new NemotronException(checkpoint + ": its optimizer state does not fit the run's optimizer (" + e.getMessage()
                    + "); resume with the optimizer the run was started with, or start a new run", e);
        }
        MetricsLog.keepThrough(out.resolve(METRICS), r.step());
        MetricsLog.keepThrough(out.resolve(ROLLOUTS), r.step());
        LOG.info("resuming from {} (step {})", checkpoint, r.step());
        return p;
    }

    /** Writes OUT/checkpoint-STEP and points OUT/latest at it. */
    static Path save(GrpoSpec spec, Parameters policy, Optimizer optimizer, Progress progress) {
        PretrainSpec t = spec.training();
        return TrainingCheckpoint.save(t.out(), t.initModel().resolve("config.json"), policy, optimizer.state(), progress.step,
                progress.toJson());
    }
}
