package dev.nemotron.api.backend;

import dev.nemotron.api.tensor.Tensor;

/** Dense projections, as in {@code torch.nn.Linear}. */
public interface LinearKernels {
    /**
     * {@code out[r, o] = sum_i x[r, i] * weight[o, i]} (+ {@code bias[o]} when not null).
     *
     * <pre>
     * x      [rows, in]   float32
     * weight [outF, in]   F32, BF16 or F16 (HF Linear layout)
     * bias   [outF]       or null
     * out    [rows, outF] float32, overwritten
     * </pre>
     */
    void matmul(float[] x, int rows, Tensor weight, Tensor bias, float[] out);
}
