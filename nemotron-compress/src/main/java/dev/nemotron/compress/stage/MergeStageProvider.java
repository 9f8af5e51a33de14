package dev.nemotron.compress.stage;

import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.compress.checkpoint.ModelFiles;
import dev.nemotron.compress.merge.MergeMethod;
import dev.nemotron.compress.merge.ModelMerger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code merge} stage: {@code nemotron merge} of the input model (A) with {@code with} (B).
 * Parameters: {@code with} (required), {@code alpha} (default 0.5), {@code method}
 * ({@code linear}, {@code task-arithmetic}, {@code slerp}), {@code base} and {@code scale} (task
 * arithmetic), {@code shard_bytes}. New model: {@code WORK/model}. Summary: {@code tensors},
 * {@code copied_exactly}, {@code notes}.
 */
public final class MergeStageProvider implements StageProvider {
    static final List<String> FIELDS = List.of("with", "alpha", "method", "base", "scale", "shard_bytes");

    @Override
    public String type() {
        return "merge";
    }

    @Override
    public String description() {
        return "merge the input model with another (linear, task arithmetic, SLERP) into a new model";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        p.requireOnly(FIELDS);
        String with = p.string("with");
        double alpha = p.number("alpha", 0.5);
        MergeMethod method = switch (p.string("method", "linear").toLowerCase(Locale.ROOT)) {
            case "linear" -> MergeMethod.LINEAR;
            case "task-arithmetic", "task_arithmetic" -> MergeMethod.TASK_ARITHMETIC;
            case "slerp" -> MergeMethod.SLERP;
            default -> throw p.invalid("method", "must be linear, task-arithmetic or slerp");
        };
        String base = p.optionalString("base").orElse(null);
        double scale = p.number("scale", 1.0);
        long shardBytes = p.longInteger("shard_bytes", ModelFiles.DEFAULT_SHARD_BYTES);
        if (shardBytes < 1) {
            throw p.invalid("shard_bytes", "must be positive");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw p.invalid("alpha", "must be in [0, 1], got " + alpha);
        }
        if ((method == MergeMethod.TASK_ARITHMETIC) != (base != null)) {
            throw p.error("'base' goes with method task-arithmetic, which needs it");
        }
        return ctx -> {
            Path a = ctx.requireInputModel();
            Path out = ctx.workDir().resolve("model");
            StageFiles.deleteTree(out);
            ctx.progress("merging " + a + " with " + with + " (" + method + ", alpha " + alpha + ")");
            ModelMerger.Result r = ModelMerger.merge(new ModelMerger.Spec(a, ctx.resolve(with), base == null ? null : ctx.resolve(base),
                    method, alpha, scale), out, shardBytes);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("tensors", r.tensors());
            summary.put("copied_exactly", r.copied());
            summary.put("bytes", r.bytes());
            summary.put("notes", r.notes());
            return StageResult.withModel(out, summary);
        };
    }
}
