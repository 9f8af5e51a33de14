package dev.nemotron.compress.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.layer.LayerResize;
import dev.nemotron.api.layer.ParameterSlice;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.ResizedLayer;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.LayerPlan;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.model.NamedParameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link PrunePlan} worked out against a model: the pruned model's {@code config.json} and, for
 * every tensor of it, which original tensor it is cut from and how. Both the checkpoint pruner
 * (bytes, any dtype) and the in-memory one (float64 parameters) apply the same mapping.
 *
 * <pre>
 * embeddings.weight [V, d]        columns: the kept hidden channels        (lm_head.weight alike)
 * layers.i.norm.weight [d], norm_f.weight [d]   the kept hidden channels
 * layers.i.mixer.*                the layer type's resize hook (MixerFactory.resize): hidden
 *                                 channels and its own units (Mamba-2 heads per group, MLP neurons, ...)
 * kept layer i becomes layer j (its rank among the kept); the pattern loses the dropped symbols
 * </pre>
 *
 * Names are canonical ({@code backbone.}, as {@link ModelGraph#parameters()} spells them).
 *
 * @param config  the pruned model's config.json (every field of the original kept, the changed ones rewritten)
 * @param graph   the pruned model's graph, parsed from {@code config}
 * @param outputs the pruned model's tensors in checkpoint order
 */
public record PruneMapping(ObjectNode config, ModelGraph graph, List<Output> outputs) {
    /**
     * One tensor of the pruned model.
     *
     * @param name     its name in the pruned model
     * @param source   the original tensor it is cut from
     * @param slice    how ({@code null}: the whole tensor, copied as is)
     * @param optional whether the original may lack it (then the pruned model lacks it too)
     */
    public record Output(String name, String source, ParameterSlice slice, boolean optional) {
    }

    public PruneMapping {
        outputs = List.copyOf(outputs);
    }

    /**
     * Works out {@code plan} for the model of {@code graph}, whose raw config is {@code rawConfig}.
     *
     * @throws NemotronException for an index out of range, units a layer type cannot drop, or a
     *     plan that would give layers of one type different sizes (the config holds one size per type)
     */
    public static PruneMapping of(ModelGraph graph, ObjectNode rawConfig, PrunePlan plan, MixerRegistry registry) {
        int numLayers = graph.layers().size();
        int hidden = graph.config().hiddenSize();
        int[] layers = LayerResize.orAll(plan.keptLayers(), numLayers, "layer");
        int[] channels = LayerResize.orAll(plan.hiddenKept(), hidden, "hidden channel");
        for (Integer l : plan.unitsKept().keySet()) {
            if (l >= numLayers) {
                throw new NemotronException("the plan prunes units of layer " + l + ", but the model has " + numLayers + " layers");
            }
        }
        boolean hiddenPruned = plan.hiddenKept() != null;
        boolean widthPruned = hiddenPruned || !plan.unitsKept().isEmpty();
        Map<String, Object> original = new LinkedHashMap<>();
        List<Output> out = new ArrayList<>();
        String b = ModelGraph.BACKBONE;
        long vocab = graph.config().vocabSize();
        out.add(new Output(b + "embeddings.weight", b + "embeddings.weight",
                hiddenPruned ? ParameterSlice.along("embeddings.weight", new long[] {vocab, hidden}, 1, channels) : null, false));
        Map<String, Object> fields = new LinkedHashMap<>();
        Map<String, Integer> fieldLayer = new LinkedHashMap<>();
        StringBuilder pattern = new StringBuilder();
        for (int j = 0; j < layers.length; j++) {
            LayerPlan layer = graph.layers().get(layers[j]);
            pattern.append(layer.symbol());
            String from = b + "layers." + layer.index() + ".";
            String to = b + "layers." + j + ".";
            out.add(new Output(to + "norm.weight", from + "norm.weight",
                    hiddenPruned ? ParameterSlice.along("norm.weight", new long[] {hidden}, 0, channels) : null, false));
            int[] units = plan.units(layer.index());
            ResizedLayer resized = null;
            if (hiddenPruned || units != null) {
                resized = layer.factory().resize(layer.context(), new LayerResize(plan.hiddenKept(), units));
            }
            if (resized != null || widthPruned) {
                // every layer of a type must agree on its config fields, pruned or not
                ResizedLayer whole = wholeOrNull(layer);
                Map<String, Object> now = resized != null ? resized.configFields() : whole == null ? Map.of() : whole.configFields();
                for (Map.Entry<String, Object> f : now.entrySet()) {
                    Object before = fields.putIfAbsent(f.getKey(), f.getValue());
                    if (before != null && !before.equals(f.getValue())) {
                        throw new NemotronException("the plan gives '" + f.getKey() + "' the value " + before + " in layer "
                                + fieldLayer.get(f.getKey()) + " but " + f.getValue() + " in layer " + layer.index()
                                + "; config.json holds one value for every layer, so prune every layer of a type alike");
                    }
                    fieldLayer.putIfAbsent(f.getKey(), layer.index());
                    if (whole != null) {
                        original.putIfAbsent(f.getKey(), whole.configFields().get(f.getKey()));
                    }
                }
            }
            for (ParameterSpec p : layer.mixerParameters()) {
                out.add(new Output(to + "mixer." + p.name(), from + "mixer." + p.name(),
                        resized == null ? null : resized.slice(p.name()), p.optional()));
            }
        }
        out.add(new Output(b + "norm_f.weight", b + "norm_f.weight",
                hiddenPruned ? ParameterSlice.along("norm_f.weight", new long[] {hidden}, 0, channels) : null, false));
        if (!graph.config().tieWordEmbeddings()) {
            out.add(new Output("lm_head.weight", "lm_head.weight",
                    hiddenPruned ? ParameterSlice.along("lm_head.weight", new long[] {vocab, hidden}, 1, channels) : null, false));
        }
        fields.entrySet().removeIf(f -> Objects.equals(original.get(f.getKey()), f.getValue()));
        ObjectNode config = rewriteConfig(rawConfig, layers, channels.length, fields);
        ModelGraph pruned = parse(config, registry);
        checkShapes(pruned, out);
        return new PruneMapping(config, pruned, out);
    }

    /** The layer's own config fields, or null when its type has no resize hook. */
    private static ResizedLayer wholeOrNull(LayerPlan layer) {
        try {
            return layer.factory().resize(layer.context(), new LayerResize(null, null));
        } catch (NemotronException e) {
            return null;
        }
    }

    /** The original config with the pattern, the hidden size and the layer types' changed fields rewritten. */
    private static ObjectNode rewriteConfig(ObjectNode raw, int[] layers, int hidden, Map<String, Object> fields) {
        ObjectNode c = raw.deepCopy();
        JsonNode pattern = c.get("hybrid_override_pattern");
        if (pattern != null && pattern.isTextual()) {
            StringBuilder sb = new StringBuilder();
            for (int l : layers) {
                sb.append(pattern.textValue().charAt(l));
            }
            c.put("hybrid_override_pattern", sb.toString());
        }
        JsonNode types = c.get("layers_block_type");
        if (types != null && types.isArray()) {
            ArrayNode kept = c.arrayNode();
            for (int l : layers) {
                kept.add(types.get(l).deepCopy());
            }
            c.set("layers_block_type", kept);
        }
        if (c.has("num_hidden_layers")) {
            c.put("num_hidden_layers", layers.length);
        }
        if (c.get("hidden_size").intValue() != hidden) {
            c.put("hidden_size", hidden);
        }
        fields.forEach((k, v) -> c.set(k, JsonMappers.json().valueToTree(v)));
        return c;
    }

    private static ModelGraph parse(ObjectNode config, MixerRegistry registry) {
        String json;
        try {
            json = JsonMappers.json().writeValueAsString(config);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a config", e);
        }
        return ModelGraph.of(new ConfigParser(registry).parse(json, "the pruned config"), registry);
    }

    /** Every output's shape is the one the pruned config implies (a wrong rule fails here, not in a reader). */
    private static void checkShapes(ModelGraph pruned, List<Output> outputs) {
        Map<String, long[]> expected = new LinkedHashMap<>();
        for (NamedParameter p : pruned.parameters()) {
            expected.put(p.name(), p.spec().shape());
        }
        for (Output o : outputs) {
            long[] want = expected.get(o.name());
            if (want == null) {
                throw new IllegalStateException("pruned tensor " + o.name() + " is not a parameter of the pruned graph");
            }
            if (o.slice() != null && !Arrays.equals(want, o.slice().newShape())) {
                throw new IllegalStateException(o.name() + ": cut to " + Arrays.toString(o.slice().newShape())
                        + " but the pruned config implies " + Arrays.toString(want));
            }
        }
    }
}
