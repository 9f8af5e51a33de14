package dev.nemotron.api.layer.dims;

import dev.nemotron.api.backend.SsmShape;

/**
 * Sizes of a Mamba-2 layer (pattern symbol {@code M}).
 *
 * <pre>
 * d = hidden_size   H = mamba_num_heads   P = mamba_head_dim   D = H*P (not expand*d)
 * G = n_groups      N = ssm_state_size    K = conv_kernel       convDim = D + 2*G*N
 * in_proj: d -> D (z) + convDim (xBC) + H (dt)
 * </pre>
 *
 * @param chunkSize the SSD chunk of the prefill scan ({@code chunk_size}, default {@link #DEFAULT_CHUNK_SIZE})
 * @param projBias  {@code in_proj} and {@code out_proj} have biases ({@code use_bias})
 * @param convBias  {@code conv1d} has a bias ({@code use_conv_bias})
 * @param dtMin     lower clamp of dt ({@code time_step_limit[0]}, 0: none)
 * @param dtMax     upper clamp of dt ({@code time_step_limit[1]}, +inf: none)
 */
public record Mamba2Dims(int hidden, int heads, int headDim, int groups, int stateSize, int convKernel,
                         int chunkSize, boolean projBias, boolean convBias, double dtMin, double dtMax)
        implements LayerDims {
    /** The chunk size when {@code chunk_size} is absent (HF's default). */
    public static final int DEFAULT_CHUNK_SIZE = 128;

    public Mamba2Dims {
        if (hidden < 1 || heads < 1 || headDim < 1 || groups < 1 || stateSize < 1 || convKernel < 1 || chunkSize < 1) {
            throw new IllegalArgumentException("Mamba-2 sizes must be positive: " + sizes(hidden, heads, headDim,
                    groups, stateSize, convKernel, chunkSize));
        }
        if (heads % groups != 0) {
            throw new IllegalArgumentException("mamba_num_heads (" + heads + ") must be divisible by n_groups ("
                    + groups + ")");
        }
        if (!(dtMin >= 0 && dtMin <= dtMax)) {
            throw new IllegalArgumentException("time_step_limit must be [min, max] with 0 <= min <= max, got ["
                    + dtMin + ", " + dtMax + "]");
        }
    }

    private static String sizes(int... v) {
        return java.util.Arrays.toString(v);
    }

    /** {@code D = H*P}. */
    public int inner() {
        return heads * headDim;
    }

    /** {@code D + 2*G*N}: the channels of the causal conv (x, B, C). */
    public int convDim() {
        return inner() + 2 * groups * stateSize;
    }

    /** The rows of {@code in_proj}: {@code D + convDim + H} (z, xBC, dt). */
    public int projSize() {
        return inner() + convDim() + heads;
    }

    /** Heads per group, {@code H/G}. */
    public int headsPerGroup() {
        return heads / groups;
    }

    /** True when {@code time_step_limit} clamps dt. */
    public boolean clampsDt() {
        return dtMin > 0 || dtMax < Double.POSITIVE_INFINITY;
    }

    public SsmShape ssmShape() {
        return new SsmShape(heads, headDim, groups, stateSize);
    }
}
