package dev.nemotron.align.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.align.sft.SftJob;
import dev.nemotron.align.sft.SftSpec;
import dev.nemotron.api.json.JsonMappers;
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
 * The {@code sft} stage: {@code nemotron sft} in a pipeline, with {@code pretrain}'s conventions.
 * Parameters are the SFT spec's fields ({@link SftSpec}; docs/alignment.md) except {@code out}
 * and {@code resume}, which the runner decides; {@code data} names SFT JSONL files (e.g.
 * {@code "${chat.jsonl}"}); without {@code init_model} it fine-tunes the input model; an
 * interrupted attempt resumes from its latest checkpoint. Output: the fine-tuned model; summary:
 * steps, loss, eval_loss, samples, rows, reasoning_off, truncated, tokens, tokens_per_s, run.
 */
public final class SftStageProvider implements StageProvider {
    private static final ObjectMapper TREES = JsonMappers.json();

    @Override
    public String type() {
        return "sft";
    }

    @Override
    public String description() {
        return "supervised fine-tuning of the input model on chat JSONL (loss on assistant turns; reasoning off, truncated traces)";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        Set<String> known = new HashSet<>(SftSpec.fields());
        known.remove("out");
        known.remove("resume");
        known.remove("model_config");
        p.requireOnly(known);
        SftSpec.parse(specNode(p, Path.of("/checked-later"), Path.of("/input-model"), false), "stage '" + spec.name() + "'",
                Path.of("/"));
        return context -> run(p, context);
    }

    static ObjectNode specNode(StageParams params, Path out, Path inputModel, boolean resume) {
        ObjectNode node = TREES.valueToTree(params.asMap());
        node.put("out", out.toString());
        node.put("resume", resume);
        if (!node.hasNonNull("init_model") && inputModel != null) {
            node.put("init_model", inputModel.toString());
        }
        return node;
    }

    private static StageResult run(StageParams params, StageContext context) {
        Path input = params.has("init_model") ? null : context.requireInputModel();
        SftSpec spec = SftSpec.parse(specNode(params, context.workDir(), input, context.resuming()),
                "stage '" + context.stageName() + "'", context.baseDir());
        ProgressBar bar = ProgressBar.builder(spec.training().steps()).mode(ProgressBar.Mode.PLAIN)
                .output(new LineSink(context::progress)).build();
        SftJob.Result r = new SftJob(spec).run(m -> {
            if (m.evalLoss() != null) {
                bar.eval(m.step(), m.evalLoss());
            }
            bar.update(m.step(), m.loss(), m.lr(), m.tokensPerSecond());
        });
        bar.finish();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("steps", r.training().steps());
        summary.put("loss", r.training().finalLoss());
        if (!Double.isNaN(r.training().evalLoss())) {
            summary.put("initial_eval_loss", r.training().initialEvalLoss());
            summary.put("eval_loss", r.training().evalLoss());
        }
        summary.put("samples", r.data().train().size());
        summary.put("rows", r.rows());
        summary.put("reasoning_off", r.data().reasoningOff());
        summary.put("truncated", r.data().truncated());
        summary.put("tokens", r.training().tokens());
        summary.put("tokens_per_s", Math.round(r.training().tokensPerSecond()));
        summary.put("run", context.workDir().toString());
        return StageResult.withModel(r.training().model(), summary);
    }
}
