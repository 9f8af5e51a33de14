package dev.nemotron.train.autodiff.activation;

/**
 * One observed activation of a layer.
 *
 * @param layer    the block index (0-based); for {@link Kind#FINAL_NORM} the number of blocks
 * @param kind     which activation
 * @param channels its width C (values are [L, C])
 * @param headSize channels per head for the per-head kinds (Mamba, attention), else 1
 */
public record ActivationSite(int layer, Kind kind, int channels, int headSize) {
    /** The activations Minitron's importance estimation reads. */
    public enum Kind {
        /** A block's input after its RMSNorm, {@code RMSNorm_i(h)} [L, hidden]: embedding channels. */
        BLOCK_NORM,
        /** The MLP activation entering {@code down_proj}, {@code relu(up_proj(x))²} [L, intermediate]: FFN neurons. */
        MLP_HIDDEN,
        /** Mamba-2: the gated norm's output entering {@code out_proj} [L, heads × head_dim]: Mamba heads. */
        MAMBA_OUT_PROJ_INPUT,
        /** Attention: the per-head outputs entering {@code o_proj} [L, q_heads × head_dim]: attention heads. */
        ATTENTION_HEADS,
        /** The final norm's output, {@code norm_f(h)} [L, hidden]: embedding channels. */
        FINAL_NORM
    }

    public ActivationSite {
        if (channels < 1 || headSize < 1 || channels % headSize != 0) {
            throw new IllegalArgumentException(kind + " of layer " + layer + ": " + channels
                    + " channels are not whole heads of " + headSize);
        }
    }

    /** {@code channels / headSize}. */
    public int heads() {
        return channels / headSize;
    }
}
