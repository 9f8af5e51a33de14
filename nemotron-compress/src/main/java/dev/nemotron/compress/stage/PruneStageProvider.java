package dev.nemotron.compress.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.compress.checkpoint.ModelFiles;
import dev.nemotron.compress.importance.ImportanceReport;
import dev.nemotron.compress.prune.PruneReport;
import dev.nemotron.compress.prune.PruneTargets;
import dev.nemotron.compress.prune.Pruning;
import dev.nemotron.compress.prune.Rankings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code prune} stage: {@code nemotron compress prune} on the input model. Parameters: any of
 * {@code num_layers}, {@code hidden_size}, {@code intermediate_size}, {@code mamba_num_heads};
 * {@code importance} (a report of the {@code importance} stage, e.g. {@code ${importance.report}};
 * without it, weight magnitude); {@code shard_bytes}. New model: {@code WORK/model}. Summary: the
 * fields {@code compress prune} prints ({@code ranking}, {@code parameters_before},
 * {@code parameters_after}, {@code num_hidden_layers}, {@code hidden_size}, ...).
 */
public final class PruneStageProvider implements StageProvider {
    static final List<String> FIELDS = List.of("num_layers", "hidden_size", "intermediate_size", "mamba_num_heads", "importance",
            "shard_bytes");

    @Override
    public String type() {
        return "prune";
    }

    @Override
    public String description() {
        return "depth/width pruning to a new model, by importance or weight magnitude (summary: parameters_after)";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        p.requireOnly(FIELDS);
        PruneTargets targets = new PruneTargets(opt(p, "num_layers"), opt(p, "hidden_size"), opt(p, "intermediate_size"),
                opt(p, "mamba_num_heads"));
        if (targets.isEmpty()) {
            throw p.error("give at least one of 'num_layers', 'hidden_size', 'intermediate_size', 'mamba_num_heads'");
        }
        String importance = p.optionalString("importance").orElse(null);
        long shardBytes = p.longInteger("shard_bytes", ModelFiles.DEFAULT_SHARD_BYTES);
        if (shardBytes < 1) {
            throw p.invalid("shard_bytes", "must be positive");
        }
        return ctx -> {
            Path model = ctx.requireInputModel();
            Path out = ctx.workDir().resolve("model");
            StageFiles.deleteTree(out);
            Rankings rankings = importance == null ? null : ImportanceReport.readRankings(ctx.resolve(importance));
            ctx.progress("pruning " + model + " by " + (rankings == null ? "weight magnitude" : "importance"));
            Pruning.Outcome o = Pruning.prune(model, targets, rankings, out, shardBytes);
            ObjectNode j = PruneReport.json(o, importance == null ? "weight magnitude (no importance report given)"
                    : "importance read from " + importance);
            j.remove("out");
            @SuppressWarnings("unchecked")
            Map<String, Object> summary = JsonMappers.json().convertValue(j, Map.class);
            return StageResult.withModel(out, summary);
        };
    }

    private static Integer opt(StageParams p, String key) {
        var v = p.optionalInteger(key);
        return v.isPresent() ? v.getAsInt() : null;
    }
}
