package dev.nemotron.api.backend;

import dev.nemotron.api.tensor.Tensor;

/** Normalisation kernels. */
public interface NormKernels {
    /**
     * RMSNorm per row: {@code out = weight * x / sqrt(mean(x^2) + eps)}.
     *
     * <pre>
     * x [rows, dim], weight [dim], out [rows, dim] (may be x itself)
     * </pre>
     */
    void rmsNorm(float[] x, int rows, int dim, Tensor weight, float eps, float[] out);

    /**
     * Mamba-2's gated group RMSNorm: {@code t = y * silu(z)}, RMS-normalised within each of
     * {@code groups} contiguous groups of {@code dim/groups} channels, times {@code weight}.
     *
     * <pre>
     * y [rows, dim], z [rows, dim], weight [dim], out [rows, dim] (may be y itself)
     * </pre>
     */
    void gatedGroupRmsNorm(float[] y, float[] z, int rows, int dim, int groups, Tensor weight,
                           float eps, float[] out);
}
