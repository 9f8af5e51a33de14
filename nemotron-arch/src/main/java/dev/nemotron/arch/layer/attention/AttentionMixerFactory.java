package dev.nemotron.arch.layer.attention;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.LayerResize;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSlice;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.ResizedLayer;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.layer.dims.AttentionDims;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.layer.ConfigChecks;
import dev.nemotron.arch.layer.ResizeIndices;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Causal grouped-query self-attention without positional embedding, pattern symbol {@code *}. */
public final class AttentionMixerFactory implements MixerFactory {
    @Override
    public char symbol() {
        return '*';
    }

    @Override
    public Set<String> blockTypeNames() {
        return Set.of("attention", "full_attention");
    }

    @Override
    public String displayName() {
        return "attention";
    }

    /**
     * {@code hidden_size, num_attention_heads}, {@code num_key_value_heads} (default: the heads),
     * {@code head_dim} (default hidden/heads, which must then divide).
     */
    @Override
    public AttentionDims dims(LayerContext layer) {
        int hidden = ConfigChecks.positive(layer, "hidden_size");
        int q = ConfigChecks.positive(layer, "num_attention_heads");
        int kv = ConfigChecks.positiveOr(layer, "num_key_value_heads", q);
        ConfigChecks.divisible(layer, "num_attention_heads", q, "num_key_value_heads", kv);
        int headDim;
        if (layer.config().has("head_dim")) {
            headDim = ConfigChecks.positive(layer, "head_dim");
        } else {
            ConfigChecks.divisible(layer, "hidden_size", hidden, "num_attention_heads", q);
            headDim = hidden / q;
        }
        return new AttentionDims(hidden, q, kv, headDim);
    }

    @Override
    public List<ParameterSpec> parameters(LayerContext layer) {
        return parameters(dims(layer));
    }

    private static List<ParameterSpec> parameters(AttentionDims a) {
        long q = (long) a.qHeads() * a.headDim();
        long kv = (long) a.kvHeads() * a.headDim();
        String qFrom = "num_attention_heads*head_dim, hidden_size";
        String kvFrom = "num_key_value_heads*head_dim, hidden_size";
        List<ParameterSpec> p = new ArrayList<>();
        p.add(ParameterSpec.linear("q_proj.weight", q, a.hidden(), qFrom));
        p.add(ParameterSpec.linear("k_proj.weight", kv, a.hidden(), kvFrom));
        p.add(ParameterSpec.linear("v_proj.weight", kv, a.hidden(), kvFrom));
        p.add(ParameterSpec.linear("o_proj.weight", a.hidden(), q, "hidden_size, num_attention_heads*head_dim"));
        // HF's NemotronH (transformers 5.x) creates no attention biases whatever attention_bias
        // says; other exports may have them: used when present.
        p.add(new ParameterSpec("q_proj.bias", new long[] {q}, qFrom, true));
        p.add(new ParameterSpec("k_proj.bias", new long[] {kv}, kvFrom, true));
        p.add(new ParameterSpec("v_proj.bias", new long[] {kv}, kvFrom, true));
        p.add(new ParameterSpec("o_proj.bias", new long[] {a.hidden()}, "hidden_size", true));
        return p;
    }

    /** Keys and values for every position, in the model dtype. */
    @Override
    public CacheFootprint cacheFootprint(LayerContext layer, long context, int batch, DType modelDtype) {
        AttentionDims a = dims(layer);
        long kv = 2L * batch * context * a.kvHeads() * a.headDim() * modelDtype.byteSize();
        return new CacheFootprint(kv, 0, 0);
    }

    @Override
    public Mixer create(LayerContext layer, WeightSource weights, Kernels kernels) {
        return new AttentionMixer(dims(layer), weights, kernels, DType.F32);
    }

    /** The KV cache in {@code cacheType}: F32 or BF16. */
    @Override
    public Mixer create(LayerContext layer, WeightSource weights, Kernels kernels, DType cacheType) {
        if (cacheType != DType.F32 && cacheType != DType.BF16) {
            throw new IllegalArgumentException("KV cache type must be F32 or BF16, got " + cacheType);
        }
        return new AttentionMixer(dims(layer), weights, kernels, cacheType);
    }

    /**
     * Units are query heads, kept in the same number for every KV head (so grouped-query attention
     * stays grouped; every KV head stays): {@code q_proj} rows and {@code o_proj} columns follow the
     * kept heads; hidden channels slice the projections' inputs and {@code o_proj}'s rows.
     */
    @Override
    public ResizedLayer resize(LayerContext layer, LayerResize keep) {
        AttentionDims a = dims(layer);
        int[] hidden = LayerResize.orAll(keep.hiddenKept(), a.hidden(), "hidden channel");
        int[] heads = LayerResize.orAll(keep.unitsKept(), a.qHeads(), "attention head");
        ResizeIndices.evenPerBlock(layer, heads, a.kvHeads(), a.queriesPerKv(), "attention heads",
                "KV heads (num_key_value_heads)");
        AttentionDims n = new AttentionDims(hidden.length, heads.length, a.kvHeads(), a.headDim());
        int[] q = ResizeIndices.channels(heads, a.headDim(), 0);
        List<ParameterSlice> slices = new ArrayList<>();
        for (ParameterSpec p : parameters(a)) {
            long[] s = p.shape();
            slices.add(switch (p.name()) {
                case "q_proj.weight" -> new ParameterSlice(p.name(), s, new int[][] {q, hidden});
                case "q_proj.bias" -> new ParameterSlice(p.name(), s, new int[][] {q});
                case "k_proj.weight", "v_proj.weight" -> ParameterSlice.along(p.name(), s, 1, hidden);
                case "k_proj.bias", "v_proj.bias" -> new ParameterSlice(p.name(), s, new int[1][]);
                case "o_proj.weight" -> new ParameterSlice(p.name(), s, new int[][] {hidden, q});
                case "o_proj.bias" -> new ParameterSlice(p.name(), s, new int[][] {hidden});
                default -> throw new IllegalStateException("no resize rule for " + p.name());
            });
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("hidden_size", n.hidden());
        fields.put("num_attention_heads", n.qHeads());
        fields.put("num_key_value_heads", n.kvHeads());
        fields.put("head_dim", n.headDim());
        return new ResizedLayer(n, fields, slices);
    }
}
