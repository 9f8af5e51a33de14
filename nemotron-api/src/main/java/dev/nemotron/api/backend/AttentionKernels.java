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

    /**
     * {@link #causalAttention} over keys and values stored as bfloat16 bits (a BF16 KV cache),
     * same shapes; every product and the softmax in float32. The default widens the keys and
     * values to float32 and calls {@link #causalAttention}; backends override it to read bf16
     * directly.
     */
    default void causalAttentionBf16(int queries, int keys, int qHeads, int kvHeads, int headDim, float scale,
                                     float[] q, short[] k, short[] v, float[] out) {
        int n = Math.multiplyExact(Math.multiplyExact(keys, kvHeads), headDim);
        if (k.length < n || v.length < n) {
            throw new IllegalArgumentException("k and v need " + n + " elements, have " + k.length + " and " + v.length);
        }
        float[] kf = new float[n];
        float[] vf = new float[n];
        for (int i = 0; i < n; i++) {
            kf[i] = Float.intBitsToFloat((k[i] & 0xFFFF) << 16);
            vf[i] = Float.intBitsToFloat((v[i] & 0xFFFF) << 16);
        }
        causalAttention(queries, keys, qHeads, kvHeads, headDim, scale, q, kf, vf, out);
    }
}
