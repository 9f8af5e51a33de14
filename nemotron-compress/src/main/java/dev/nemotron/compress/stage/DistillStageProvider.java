package dev.nemotron.compress.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.compress.distill.DistillJob;
import dev.nemotron.compress.distill.DistillSpec;
import dev.nemotron.train.pretrain.PretrainResult;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code distill} stage: {@code nemotron distill} in a pipeline. Parameters are the
 * distillation spec's fields ({@link DistillSpec}: pretraining's plus teacher, temperature,
 * divergence, top_k and the data mix) except {@code out} and {@code resume}, which the runner
 * decides. Without {@code student} / {@code init_model} / {@code model_config} the student is the
 * input model (e.g. a {@code prune} stage's output); {@code teacher} is required (e.g. the model
 * the pruning started from). Output: the distilled student; summary as {@code pretrain}'s.
 */
public final class DistillStageProvider implements StageProvider {
    private static final ObjectMapper TREES = JsonMappers.json();

    @Override
    public String type() {
        return "distill";
    }

    @Override
    public String description() {
        return "logit distillation of the input model (the student) from a frozen teacher (KL, temperature, data mix)";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        Set<String> known = new HashSet<>(DistillSpec.allFields());
        known.remove("out");
        known.remove("resume");
        p.requireOnly(known);
        DistillSpec.parse(node(p, Path.of("/checked-later"), Path.of("/input-model"), false), "stage '" + spec.name() + "'",
                Path.of("/"));
        return context -> run(p, context);
    }

    static ObjectNode node(StageParams params, Path out, Path inputModel, boolean resume) {
        ObjectNode node = TREES.valueToTree(params.asMap());
        node.put("out", out.toString());
        node.put("resume", resume);
        if (!node.hasNonNull("model_config") && !node.hasNonNull("init_model") && !node.hasNonNull("student")
                && inputModel != null) {
            node.put("init_model", inputModel.toString());
        }
        return node;
    }

    private static StageResult run(StageParams params, StageContext context) {
        boolean own = params.has("model_config") || params.has("init_model") || params.has("student");
        Path input = own ? null : context.requireInputModel();
        DistillSpec spec = DistillSpec.parse(node(params, context.workDir(), input, context.resuming()),
                "stage '" + context.stageName() + "'", context.baseDir());
        long every = Math.max(1, spec.pretrain().steps() / 10);
        PretrainResult r = new DistillJob(spec).run(m -> {
            if (m.step() % every == 0 || m.evalLoss() != null) {
                context.progress(String.format("step %d/%d  kl %.4f%s", m.step(), spec.pretrain().steps(), m.loss(),
                        m.evalLoss() == null ? "" : String.format("  held-out CE %.4f", m.evalLoss())));
            }
        });
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("steps", r.steps());
        summary.put("loss", r.finalLoss());
        if (!Double.isNaN(r.evalLoss())) {
            summary.put("initial_eval_loss", r.initialEvalLoss());
            summary.put("eval_loss", r.evalLoss());
        }
        summary.put("tokens", r.tokens());
        summary.put("tokens_per_s", Math.round(r.tokensPerSecond()));
        summary.put("run", context.workDir().toString());
        return StageResult.withModel(r.model(), summary);
    }
}
