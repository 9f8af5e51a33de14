package dev.nemotron.compress.stage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.compress.nas.Candidate;
import dev.nemotron.compress.nas.Nas;
import dev.nemotron.compress.nas.NasReport;
import dev.nemotron.compress.nas.Range;
import dev.nemotron.api.io.AtomicFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code nas} stage: {@code nemotron compress nas} in a pipeline. Parameters:
 * {@code memory_budget_gib} (required), {@code context} (131072), {@code batch} (1),
 * {@code overhead_gib} (0), {@code dtype} (bf16), {@code layers}, {@code hidden}, {@code ffn},
 * {@code mamba_heads} ("LO:HI:STEP"), {@code model_config} (default: the input model's config).
 * Writes {@code nas.json} to its work directory; the summary carries the best feasible shape
 * ({@code num_hidden_layers}, {@code hidden_size}, {@code intermediate_size},
 * {@code mamba_num_heads}) for a later {@code prune} stage to reference. The input model passes
 * through unchanged.
 */
public final class NasStageProvider implements StageProvider {
    private static final List<String> FIELDS = List.of("model_config", "memory_budget_gib", "context", "batch",
            "overhead_gib", "dtype", "layers", "hidden", "ffn", "mamba_heads");

    @Override
    public String type() {
        return "nas";
    }

    @Override
    public String description() {
        return "search depth/width/FFN/Mamba-head shapes that fit a memory budget; the best one in the summary";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        p.requireOnly(FIELDS);
        p.number("memory_budget_gib");
        return context -> run(p, context);
    }

    private static StageResult run(StageParams p, StageContext context) {
        Path config = p.has("model_config") ? context.resolve(p.string("model_config")) : context.requireInputModel();
        DType dtype = switch (p.string("dtype", "bf16")) {
            case "bf16", "bfloat16" -> DType.BF16;
            case "fp16", "float16" -> DType.F16;
            case "fp32", "float32" -> DType.F32;
            default -> throw p.invalid("dtype", "must be bf16, fp16 or fp32");
        };
        NasReport r = Nas.run(new Nas.Request(config, p.number("memory_budget_gib"), p.longInteger("context", 131_072),
                p.integer("batch", 1), p.number("overhead_gib", 0), dtype, range(p, "layers"), range(p, "hidden"),
                range(p, "ffn"), range(p, "mamba_heads"), null, null));
        JsonNode json = r.toJson();
        Path file = context.workDir().resolve("nas.json");
        try {
            AtomicFiles.writeString(file, json.toPrettyString() + "\n");
        } catch (java.io.IOException e) {
            throw new NemotronException(file + ": cannot write: " + e.getMessage(), e);
        }
        Candidate best = r.candidates().stream().filter(Candidate::feasible).findFirst().orElseThrow(() ->
                new NemotronException("stage '" + context.stageName() + "': no candidate fits " + p.number("memory_budget_gib")
                        + " GiB; the smallest breaks " + r.candidates().getFirst().budget().describeBreak()));
        context.progress(r.feasibleCount() + " of " + r.candidates().size() + " candidates fit; best " + best.layers() + "/"
                + best.hidden() + "/" + best.ffn() + "/" + best.mambaHeads());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("num_hidden_layers", best.layers());
        summary.put("hidden_size", best.hidden());
        summary.put("intermediate_size", best.ffn());
        summary.put("mamba_num_heads", best.mambaHeads());
        summary.put("total_bytes", best.budget().totalBytes());
        summary.put("feasible_count", r.feasibleCount());
        summary.put("candidates", r.candidates().size());
        summary.put("baseline_feasible", r.baseline().feasible());
        summary.put("result", file.toString());
        return StageResult.of(summary);
    }

    private static Range range(StageParams p, String key) {
        return p.has(key) ? Range.parse(p.string(key), "stage field '" + key + "'") : null;
    }
}
