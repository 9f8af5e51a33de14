package dev.nemotron.train.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.train.pretrain.PretrainJob;
import dev.nemotron.train.pretrain.PretrainResult;
import dev.nemotron.train.pretrain.PretrainSpec;
import dev.nemotron.train.report.LineSink;
import dev.nemotron.train.report.ProgressBar;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link PretrainJob} as a pipeline stage: the stage's parameters are the pretraining spec's
 * fields; the run directory is the stage's work directory; without {@code model_config} the run
 * continues the input model; an interrupted attempt resumes from its latest checkpoint.
 */
final class PretrainStage implements Stage {
    private static final ObjectMapper TREES = JsonMappers.json();

    private final StageParams params;
    private final Map<String, Object> defaults;

    PretrainStage(StageParams params, Map<String, Object> defaults) {
        this.params = params;
        this.defaults = defaults;
    }

    /** The spec fields of {@code params} over {@code defaults}, with the run directory and input model filled in. */
    static ObjectNode specNode(StageParams params, Map<String, Object> defaults, Path out, Path inputModel, boolean resume) {
        ObjectNode node = TREES.valueToTree(defaults);
        node.setAll((ObjectNode) TREES.valueToTree(params.asMap()));
        node.put("out", out.toString());
        node.put("resume", resume);
        if (!node.hasNonNull("model_config") && !node.hasNonNull("init_model") && inputModel != null) {
            node.put("init_model", inputModel.toString());
        }
        return node;
    }

    @Override
    public StageResult run(StageContext context) {
        Path input = params.has("model_config") || params.has("init_model") ? null : context.requireInputModel();
        ObjectNode node = specNode(params, defaults, context.workDir(), input, context.resuming());
        PretrainSpec spec = PretrainSpec.parse(node, "stage '" + context.stageName() + "'", context.baseDir());
        ProgressBar bar = ProgressBar.builder(spec.steps()).mode(ProgressBar.Mode.PLAIN)
                .output(new LineSink(context::progress)).build();
        PretrainResult r = new PretrainJob(spec).run(m -> {
            if (m.evalLoss() != null) {
                bar.eval(m.step(), m.evalLoss());
            }
            bar.update(m.step(), m.loss(), m.lr(), m.tokensPerSecond());
        });
        bar.finish();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("steps", r.steps());
        summary.put("loss", r.finalLoss());
        if (!Double.isNaN(r.evalLoss())) {
            summary.put("initial_eval_loss", r.initialEvalLoss());
            summary.put("eval_loss", r.evalLoss());
        }
        summary.put("unigram_entropy", r.unigramEntropy());
        summary.put("tokens", r.tokens());
        summary.put("tokens_per_s", Math.round(r.tokensPerSecond()));
        summary.put("run", context.workDir().toString());
        return StageResult.withModel(r.model(), summary);
    }
}
