package dev.nemotron.compress.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.LayerResize;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.model.LayerPlan;
import dev.nemotron.arch.model.ModelGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether two models can be merged tensor by tensor: the same architecture, field by field.
 *
 * <pre>
 * refused (the error names the field and both values):
 *   vocab_size, hidden_size, tie_word_embeddings, the layer pattern (hybrid_override_pattern /
 *   layers_block_type), and every field a layer type sizes itself by (mamba_num_heads, n_groups,
 *   intermediate_size, num_attention_heads, ... : each layer's resize-hook config fields)
 * reported, A's value kept: any other top-level field that differs (e.g. max_position_embeddings)
 * </pre>
 */
final class MergeCompatibility {
    /** Fields whose difference is expected and not worth a note. */
    private static final Set<String> QUIET = Set.of("_name_or_path", "transformers_version", "torch_dtype", "dtype");

    private MergeCompatibility() {
    }

    /**
     * Checks {@code other} (named {@code what}, e.g. "--model B") against {@code a}; returns the
     * notes about harmless differences.
     *
     * @throws NemotronException naming the first differing architecture field
     */
    static List<String> check(ModelDirectory a, ObjectNode rawA, ModelDirectory other, ObjectNode rawOther, String what) {
        ModelGraph ga = ModelGraph.of(a.config(), a.registry());
        ModelGraph gb = ModelGraph.of(other.config(), other.registry());
        same("vocab_size", ga.config().vocabSize(), gb.config().vocabSize(), a, other, what);
        same("hidden_size", ga.config().hiddenSize(), gb.config().hiddenSize(), a, other, what);
        same("tie_word_embeddings", ga.config().tieWordEmbeddings(), gb.config().tieWordEmbeddings(), a, other, what);
        same("the layer pattern (hybrid_override_pattern / layers_block_type)", ga.config().pattern(), gb.config().pattern(),
                a, other, what);
        for (int i = 0; i < ga.layers().size(); i++) {
            Map<String, Object> fa = fields(ga.layers().get(i));
            Map<String, Object> fb = fields(gb.layers().get(i));
            for (String k : new TreeSet<>(fa.keySet())) {
                same(k + " (layer " + i + ")", fa.get(k), fb.get(k), a, other, what);
            }
            same("layer " + i + "'s sizes", ga.layers().get(i).dims(), gb.layers().get(i).dims(), a, other, what);
        }
        List<String> notes = new ArrayList<>();
        Set<String> keys = new TreeSet<>();
        rawA.fieldNames().forEachRemaining(keys::add);
        rawOther.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            JsonNode x = rawA.get(k);
            JsonNode y = rawOther.get(k);
            if (!QUIET.contains(k) && !Objects.equals(x, y)) {
                notes.add(what + " differs in '" + k + "' (" + x + " vs " + y + "); the merged config keeps " + x);
            }
        }
        return notes;
    }

    /** The config fields the layer's type sizes it by (none for a type without a resize hook). */
    private static Map<String, Object> fields(LayerPlan layer) {
        try {
            return layer.factory().resize(layer.context(), new LayerResize(null, null)).configFields();
        } catch (NemotronException e) {
            return Map.of();
        }
    }

    private static void same(String field, Object x, Object y, ModelDirectory a, ModelDirectory b, String what) {
        if (!Objects.equals(x, y)) {
            throw new NemotronException("cannot merge: " + what + " (" + b.path() + ") differs in " + field + ": " + y
                    + " vs " + x + " in " + a.path() + "; merging needs models of the same architecture");
        }
    }
}
