package dev.nemotron.api.backend;

import dev.nemotron.api.tensor.Tensor;

/**
 * Kernels of the Mamba-2 mixer: the causal depthwise convolution and the selective scan, in its
 * chunked (SSD) form for prefill and its recurrent form for decoding. Both scans compute, per head
 * {@code h} with group {@code g = h / (H/G)}:
 *
 * <pre>
 * S_t = exp(dt_t[h] * A[h]) * S_{t-1} + dt_t[h] * (x_t[h] outer B_t[g])      S: [P, N]
 * y_t[h] = S_t . C_t[g] + D[h] * x_t[h]
 * </pre>
 *
 * Shapes ({@code L} tokens, see {@link SsmShape}):
 * <pre>
 * x  [L, H, P]   dt [L, H] (after softplus)   A [H] (negative: -exp(A_log))   D [H] or null
 * B  [L, G, N]   C  [L, G, N]
 * state [H, P, N] or null: the state before the first token (null = zeros); when not null it is
 *                 overwritten with the state after the last token
 * y  [L, H, P]   overwritten
 * </pre>
 */
public interface MambaKernels {
    /**
     * Causal depthwise 1-D convolution over time with kernel size {@code K}.
     *
     * <pre>
     * x      [L, C]       weight [C, 1, K] (HF conv1d layout)   bias [C] or null
     * window [C, K-1]     the K-1 inputs before the first token (null = zeros); when not null it
     *                     is overwritten with the last K-1 inputs (the decode cache)
     * out    [L, C]       overwritten (must not be x); no activation applied
     * </pre>
     */
    void causalConv1d(float[] x, int seqLen, int channels, Tensor weight, Tensor bias,
                      float[] window, float[] out);

    /** The selective scan in chunks of {@code chunkSize} tokens (SSD form); any {@code seqLen}. */
    void chunkedScan(SsmShape shape, int seqLen, int chunkSize, float[] x, float[] dt, float[] a,
                     float[] b, float[] c, float[] d, float[] state, float[] y);

    /** The selective scan one token after another (the recurrence); decode uses seqLen 1. */
    void recurrentScan(SsmShape shape, int seqLen, float[] x, float[] dt, float[] a, float[] b,
                       float[] c, float[] d, float[] state, float[] y);
}
