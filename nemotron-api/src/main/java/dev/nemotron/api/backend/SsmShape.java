package dev.nemotron.api.backend;

/**
 * Sizes of one Mamba-2 selective state-space layer.
 *
 * @param heads     {@code H = mamba_num_heads}
 * @param headDim   {@code P = mamba_head_dim}
 * @param groups    {@code G = n_groups}; head {@code h} reads B and C of group {@code h / (H/G)}
 * @param stateSize {@code N = ssm_state_size}
 */
public record SsmShape(int heads, int headDim, int groups, int stateSize) {
    public SsmShape {
        if (heads <= 0 || headDim <= 0 || groups <= 0 || stateSize <= 0) {
            throw new IllegalArgumentException("SSM sizes must be positive: " + heads + ", " + headDim
                    + ", " + groups + ", " + stateSize);
        }
        if (heads % groups != 0) {
            throw new IllegalArgumentException("heads " + heads + " not divisible by groups " + groups);
        }
    }

    /** {@code D = H * P}, the width of x and of the output. */
    public int innerSize() {
        return heads * headDim;
    }

    /** Floats in one sequence's SSM state, {@code H * P * N}. */
    public int stateFloats() {
        return heads * headDim * stateSize;
    }
}
