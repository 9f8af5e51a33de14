package dev.nemotron.backend.java.mamba;

import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.simd.Weights;

/** Argument checks shared by every implementation of the Mamba kernels. */
public final class ScanChecks {
    private ScanChecks() {
    }

    /** Checks the array sizes of a selective scan over {@code seqLen} tokens. */
    public static void scan(SsmShape s, int seqLen, float[] x, float[] dt, float[] a, float[] b,
                            float[] c, float[] d, float[] state, float[] y) {
        if (seqLen < 0) {
            throw new IllegalArgumentException("negative seqLen " + seqLen);
        }
        long inner = (long) seqLen * s.innerSize();
        long bc = (long) seqLen * s.groups() * s.stateSize();
        Weights.checkLength(x, inner, "scan x");
        Weights.checkLength(y, inner, "scan y");
        Weights.checkLength(dt, (long) seqLen * s.heads(), "scan dt");
        Weights.checkLength(a, s.heads(), "scan A");
        Weights.checkLength(b, bc, "scan B");
        Weights.checkLength(c, bc, "scan C");
        if (d != null) {
            Weights.checkLength(d, s.heads(), "scan D");
        }
        if (state != null) {
            Weights.checkLength(state, s.stateFloats(), "scan state");
        }
    }

    /** Checks a chunk size. */
    public static void chunkSize(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be >= 1: " + chunkSize);
        }
    }

    /**
     * Checks the conv arguments and returns the kernel size {@code K} of a {@code [C, 1, K]} (or
     * {@code [C, K]}) weight.
     */
    public static int conv(float[] x, int seqLen, int channels, Tensor weight, float[] window,
                           float[] out) {
        if (seqLen < 0 || channels <= 0) {
            throw new IllegalArgumentException("bad conv sizes: seqLen " + seqLen + ", channels " + channels);
        }
        if (weight.rank() < 2 || weight.dim(0) != channels || weight.numel() % channels != 0) {
            throw new IllegalArgumentException("conv weight must be [" + channels + ", 1, K]: " + weight);
        }
        int k = Math.toIntExact(weight.numel() / channels);
        if (k < 1) {
            throw new IllegalArgumentException("conv kernel size must be >= 1: " + weight);
        }
        Weights.checkLength(x, (long) seqLen * channels, "conv x");
        Weights.checkLength(out, (long) seqLen * channels, "conv out");
        if (window != null) {
            Weights.checkLength(window, (long) channels * (k - 1), "conv window");
        }
        if (x == out && seqLen > 0) {
            throw new IllegalArgumentException("conv out must not be x");
        }
        return k;
    }
}
