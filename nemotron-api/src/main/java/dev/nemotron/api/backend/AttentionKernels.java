package dev.nemotron.api.backend;

/** Scaled dot-product attention. */
public interface AttentionKernels {
    /**
     * Causal grouped-query attention without positional embedding. Query {@code i} sits at
     * absolute position {@code keys - queries + i} and attends to keys {@code 0..} that position;
     * so {@code queries == keys} is prefill, and {@code queries < keys} continues from a KV cache.
     * Query head {@code h} reads KV head {@code h / (qHeads/kvHeads)}; softmax in float32.
     *
     * <pre>
     * q   [queries, qHeads,  headDim]
     * k,v [keys,    kvHeads, headDim]
     * out [queries, qHeads,  headDim]   overwritten
     * </pre>
     */
    void causalAttention(int queries, int keys, int qHeads, int kvHeads, int headDim, float scale,
                         float[] q, float[] k, float[] v, float[] out);
}
