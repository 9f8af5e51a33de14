package dev.nemotron.compress.prune;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.arch.model.ModelGraph;
import java.nio.file.Path;

/** The JSON summary {@code nemotron compress prune} prints and the {@code prune} stage records. */
public final class PruneReport {
    private PruneReport() {
    }

    /**
     * {@code {"out", "ranking", "ranking_detail", "parameters_before", "parameters_after", "fraction_kept",
     * "num_hidden_layers", "pattern", "hidden_size", "intermediate_size"?, "mamba_num_heads"?, "kept_layers", "shards"}}.
     */
    public static ObjectNode json(Pruning.Outcome o, String rankingDetail) {
        CheckpointPruner.Result r = o.result();
        ModelGraph g = r.mapping().graph();
        ObjectNode j = JsonMappers.json().createObjectNode();
        j.put("out", r.out().toAbsolutePath().toString());
        j.put("ranking", o.ranking());
        j.put("ranking_detail", rankingDetail);
        j.put("parameters_before", r.parametersBefore());
        j.put("parameters_after", r.parametersAfter());
        j.put("fraction_kept", (double) r.parametersAfter() / r.parametersBefore());
        j.put("num_hidden_layers", g.layers().size());
        j.put("pattern", g.config().pattern());
        ObjectNode config = r.mapping().config();
        for (String f : new String[] {"hidden_size", "intermediate_size", "mamba_num_heads", "num_attention_heads"}) {
            if (config.has(f)) {
                j.set(f, config.get(f));
            }
        }
        ArrayNode kept = j.putArray("kept_layers");
        int[] layers = o.plan().keptLayers();
        for (int i = 0; i < g.layers().size(); i++) {
            kept.add(layers == null ? i : layers[i]);
        }
        ArrayNode shards = j.putArray("shards");
        for (Path p : r.shards()) {
            shards.add(p.getFileName().toString());
        }
        return j;
    }
}
