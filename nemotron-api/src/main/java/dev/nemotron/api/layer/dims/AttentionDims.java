package dev.nemotron.api.layer.dims;

/**
 * Sizes of a causal grouped-query attention layer (pattern symbol {@code *}): {@code qHeads} query
 * heads ({@code num_attention_heads}), {@code kvHeads} key/value heads ({@code num_key_value_heads}),
 * each of {@code headDim} ({@code head_dim}, default hidden/heads); query head h reads KV head
 * {@code h / (qHeads/kvHeads)}.
 */
public record AttentionDims(int hidden, int qHeads, int kvHeads, int headDim) implements LayerDims {
    public AttentionDims {
        if (hidden < 1 || qHeads < 1 || kvHeads < 1 || headDim < 1) {
            throw new IllegalArgumentException("attention sizes must be positive: hidden " + hidden + ", heads "
                    + qHeads + "/" + kvHeads + ", head_dim " + headDim);
        }
        if (qHeads % kvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + qHeads
                    + ") must be divisible by num_key_value_heads (" + kvHeads + ")");
        }
    }

    /** Query heads per KV head. */
    public int queriesPerKv() {
        return qHeads / kvHeads;
    }

    /** Rows of {@code q_proj}: {@code qHeads*headDim}. */
    public int qSize() {
        return qHeads * headDim;
    }

    /** Rows of {@code k_proj} and {@code v_proj}: {@code kvHeads*headDim}. */
    public int kvSize() {
        return kvHeads * headDim;
    }
}
