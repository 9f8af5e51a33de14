package dev.nemotron.align.stage;

import dev.nemotron.align.dpo.DpoJob;
import dev.nemotron.align.dpo.DpoSpec;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.train.report.LineSink;
import dev.nemotron.train.report.ProgressBar;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

/**
 * The {@code dpo} stage: {@code nemotron dpo} in a pipeline, with {@code pretrain}'s conventions.
 * Parameters are the DPO spec's fields ({@link DpoSpec}; docs/alignment.md) except {@code out}
 * and {@code resume}, which the runner decides; {@code data} names pair JSONL files; without
 * {@code init_model} it trains the input model, which is also the frozen reference; an
 * interrupted attempt resumes from its latest checkpoint. Output: the trained model; summary:
 * steps, loss, pairs, tokens, tokens_per_s, run.
 */
public final class DpoStageProvider implements StageProvider {
    @Override
    public String type() {
        return "dpo";
    }

    @Override
    public String description() {
        return "direct preference optimisation of the input model on preference pairs (JSONL: prompt, chosen, rejected; frozen reference = the input model)";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        Set<String> known = new HashSet<>(DpoSpec.fields());
        known.remove("out");
        known.remove("resume");
        known.remove("model_config");
        p.requireOnly(known);
        DpoSpec.parse(SftStageProvider.specNode(p, Path.of("/checked-later"), Path.of("/input-model"), false), "stage '" + spec.name() + "'",
                Path.of("/"));
        return context -> run(p, context);
    }

    private static StageResult run(StageParams params, StageContext context) {
        Path input = params.has("init_model") ? null : context.requireInputModel();
        DpoSpec spec = DpoSpec.parse(SftStageProvider.specNode(params, context.workDir(), input, context.resuming()),
                "stage '" + context.stageName() + "'", context.baseDir());
        ProgressBar bar = ProgressBar.builder(spec.training().steps()).mode(ProgressBar.Mode.PLAIN)
                .output(new LineSink(context::progress)).build();
        DpoJob.Result r = new DpoJob(spec).run(m -> {
            if (m.evalLoss() != null) {
                bar.eval(m.step(), m.evalLoss());
            }
            bar.update(m.step(), m.loss(), m.lr(), m.tokensPerSecond());
        });
        bar.finish();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("steps", r.training().steps());
        summary.put("loss", r.training().finalLoss());
        summary.put("pairs", r.data().pairs().size());
        summary.put("tokens", r.training().tokens());
        summary.put("tokens_per_s", Math.round(r.training().tokensPerSecond()));
        summary.put("run", context.workDir().toString());
        return StageResult.withModel(r.training().model(), summary);
    }
}
