package dev.nemotron.align.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.align.grpo.GrpoJob;
import dev.nemotron.align.grpo.GrpoRewards;
import dev.nemotron.align.grpo.GrpoSpec;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.train.report.LineSink;
import dev.nemotron.train.report.ProgressBar;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code grpo} stage: {@code nemotron grpo} in a pipeline. Parameters are the GRPO spec's
 * fields ({@link GrpoSpec}; docs/alignment.md) except {@code out} and {@code resume}, plus
 * {@code rollout_backend} (the rollout engine's, default java); {@code prompts} names a JSONL of prompts
 * (e.g. {@code "${arith.jsonl}"}); without {@code init_model} it trains the input model; an
 * interrupted attempt resumes from its latest checkpoint ({@code checkpoint_every}), bit-identically.
 * Output: the trained model; summary: steps, first/last reward_mean, seconds, rollout/train seconds, run.
 */
public final class GrpoStageProvider implements StageProvider {
    @Override
    public String type() {
        return "grpo";
    }

    @Override
    public String description() {
        return "GRPO of the input model on prompts JSONL with reward plugins (engine rollouts from the live weights, clipped ratio, k3 KL)";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        Set<String> known = new HashSet<>(GrpoSpec.fields());
        known.remove("out");
        known.remove("resume");
        known.remove("model_config");
        known.add("rollout_backend");
        p.requireOnly(known);
        GrpoSpec checked = GrpoSpec.parse(node(p, Path.of("/checked-later"), Path.of("/input-model"), false), "stage '" + spec.name() + "'",
                Path.of("/"));
        // the rewards are found and their options checked before any stage runs
        GrpoRewards.create(checked.rewards());
        return context -> run(p, context);
    }

    private static ObjectNode node(StageParams params, Path out, Path inputModel, boolean resume) {
        ObjectNode node = SftStageProvider.specNode(params, out, inputModel, resume);
        node.remove("rollout_backend");
        return node;
    }

    private static StageResult run(StageParams params, StageContext context) {
        Path input = params.has("init_model") ? null : context.requireInputModel();
        Path work = context.workDir();
        GrpoSpec spec = GrpoSpec.parse(node(params, work, input, context.resuming()), "stage '" + context.stageName() + "'",
                context.baseDir());
        String backend = params.string("rollout_backend", "java");
        ProgressBar bar = ProgressBar.builder(spec.training().steps()).mode(ProgressBar.Mode.PLAIN)
                .output(new LineSink(context::progress)).build();
        GrpoJob.Result r = new GrpoJob(spec, backend).run(m -> bar.update(m.step(), m.loss(), m.lr(), m.trainTokensPerSecond()));
        bar.finish();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("steps", r.steps());
        summary.put("first_reward_mean", r.firstRewardMean());
        summary.put("last_reward_mean", r.lastRewardMean());
        summary.put("seconds", Math.round(r.seconds()));
        summary.put("rollout_seconds", Math.round(r.rolloutSeconds()));
        summary.put("train_seconds", Math.round(r.trainSeconds()));
        summary.put("run", work.toString());
        return StageResult.withModel(r.model(), summary);
    }
}
