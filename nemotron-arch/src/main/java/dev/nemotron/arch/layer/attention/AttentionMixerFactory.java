package dev.nemotron.arch.layer.attention;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.layer.ConfigChecks;
import java.util.ArrayList;
import java.util.List;
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

    @Override
    public void validate(LayerContext layer) {
        AttentionDims.of(layer);
    }

    @Override
    public List<ParameterSpec> parameters(LayerContext layer) {
        AttentionDims a = AttentionDims.of(layer);
        long q = (long) a.qHeads() * a.headDim();
        long kv = (long) a.kvHeads() * a.headDim();
        String qFrom = "num_attention_heads*head_dim, hidden_size";
        String kvFrom = "num_key_value_heads*head_dim, hidden_size";
        List<ParameterSpec> p = new ArrayList<>();
        p.add(new ParameterSpec("q_proj.weight", new long[] {q, a.hidden()}, qFrom));
        p.add(new ParameterSpec("k_proj.weight", new long[] {kv, a.hidden()}, kvFrom));
        p.add(new ParameterSpec("v_proj.weight", new long[] {kv, a.hidden()}, kvFrom));
        p.add(new ParameterSpec("o_proj.weight", new long[] {a.hidden(), q}, "hidden_size, num_attention_heads*head_dim"));
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
        AttentionDims a = AttentionDims.of(layer);
        long kv = 2L * batch * context * a.kvHeads() * a.headDim() * modelDtype.byteSize();
        return new CacheFootprint(kv, 0, 0);
    }

    @Override
    public Mixer create(LayerContext layer, WeightSource weights, Kernels kernels) {
        return new AttentionMixer(AttentionDims.of(layer), weights, kernels);
    }

    /** Sizes of an attention layer; {@code head_dim} defaults to hidden/heads when absent. */
    record AttentionDims(int hidden, int qHeads, int kvHeads, int headDim) {
        static AttentionDims of(LayerContext layer) {
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
    }
}
