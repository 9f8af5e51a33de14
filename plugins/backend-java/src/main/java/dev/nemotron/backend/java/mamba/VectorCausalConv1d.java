package dev.nemotron.backend.java.mamba;

import static dev.nemotron.backend.java.simd.Simd.F;
import static dev.nemotron.backend.java.simd.Simd.LANES;

import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import dev.nemotron.backend.java.simd.Weights;
import jdk.incubator.vector.FloatVector;

/**
 * Causal depthwise conv1d, vectorised across channels (x is {@code [L, C]}, so a token's channels
 * are contiguous), tokens split over cores.
 */
public final class VectorCausalConv1d {
    private static final int WORK_PER_TASK = 1 << 15;
    private final Parallel parallel;

    public VectorCausalConv1d(Parallel parallel) {
        this.parallel = parallel;
    }

    /** See {@link dev.nemotron.api.backend.MambaKernels#causalConv1d}. */
    public void apply(float[] x, int seqLen, int channels, Tensor weight, Tensor bias,
                      float[] window, float[] out) {
        int k = ScanChecks.conv(x, seqLen, channels, weight, window, out);
        int km1 = k - 1;
        float[] w = Weights.toFloats(weight, (long) channels * k, "conv weight");
        float[] bs = Weights.toFloats(bias, channels, "conv bias");
        float[] wt = new float[k * channels]; // [K, C]: tap k of every channel, contiguous
        for (int ch = 0; ch < channels; ch++) {
            for (int j = 0; j < k; j++) {
                wt[j * channels + ch] = w[ch * k + j];
            }
        }
        float[] head = new float[km1 * channels]; // [K-1, C]: the window, token-major
        if (window != null) {
            for (int ch = 0; ch < channels; ch++) {
                for (int j = 0; j < km1; j++) {
                    head[j * channels + ch] = window[ch * km1 + j];
                }
            }
        }
        int grain = Math.max(1, WORK_PER_TASK / Math.max(1, channels * k));
        parallel.forRange(0, seqLen, grain, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                row(x, head, wt, bs, t, k, channels, out);
            }
        });
        if (window != null && km1 > 0) {
            updateWindow(x, seqLen, channels, km1, window);
        }
    }

    private static void row(float[] x, float[] head, float[] wt, float[] bs, int t, int k, int ch,
                            float[] out) {
        int oo = t * ch;
        int bound = F.loopBound(ch);
        int c = 0;
        for (; c < bound; c += LANES) {
            FloatVector acc = bs == null ? FloatVector.zero(F) : FloatVector.fromArray(F, bs, c);
            for (int j = 0; j < k; j++) {
                int tau = t - (k - 1) + j;
                float[] src = tau < 0 ? head : x;
                int so = (tau < 0 ? tau + k - 1 : tau) * ch;
                acc = FloatVector.fromArray(F, wt, j * ch + c).fma(FloatVector.fromArray(F, src, so + c), acc);
            }
            acc.intoArray(out, oo + c);
        }
        for (; c < ch; c++) {
            float acc = bs == null ? 0f : bs[c];
            for (int j = 0; j < k; j++) {
                int tau = t - (k - 1) + j;
                float v = tau < 0 ? head[(tau + k - 1) * ch + c] : x[tau * ch + c];
                acc = Math.fma(wt[j * ch + c], v, acc);
            }
            out[oo + c] = acc;
        }
    }

    /** Window becomes the last K-1 inputs of (old window ++ x); works for seqLen < K-1 too. */
    static void updateWindow(float[] x, int seqLen, int channels, int km1, float[] window) {
        float[] fresh = new float[channels * km1];
        for (int ch = 0; ch < channels; ch++) {
            for (int j = 0; j < km1; j++) {
                int e = seqLen + j; // index in the extended sequence (window ++ x)
                fresh[ch * km1 + j] = e < km1 ? window[ch * km1 + e] : x[(e - km1) * channels + ch];
            }
        }
        System.arraycopy(fresh, 0, window, 0, fresh.length);
    }
}
