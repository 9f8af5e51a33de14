package dev.nemotron.backend.java.norm;

import static dev.nemotron.backend.java.simd.Simd.F;
import static dev.nemotron.backend.java.simd.Simd.LANES;

import dev.nemotron.api.backend.NormKernels;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import dev.nemotron.backend.java.activation.VectorActivationKernels;
import dev.nemotron.backend.java.simd.Simd;
import dev.nemotron.backend.java.simd.Weights;
import jdk.incubator.vector.FloatVector;

/** RMSNorm and Mamba-2's gated group RMSNorm with the Vector API, rows split over cores. */
public final class VectorNormKernels implements NormKernels {
    private static final int WORK_PER_TASK = 1 << 14;
    private final Parallel parallel;

    public VectorNormKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, Tensor weight, float eps, float[] out) {
        long n = (long) rows * dim;
        Weights.checkLength(x, n, "rmsNorm x");
        Weights.checkLength(out, n, "rmsNorm out");
        float[] w = Weights.toFloats(weight, dim, "rmsNorm weight");
        parallel.forRange(0, rows, grain(dim), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * dim;
                float inv = invRms(Simd.sumSquares(x, o, dim), dim, eps);
                scaleByWeight(x, o, inv, w, 0, out, o, dim);
            }
        });
    }

    @Override
    public void gatedGroupRmsNorm(float[] y, float[] z, int rows, int dim, int groups, Tensor weight,
                                  float eps, float[] out) {
        if (groups <= 0 || dim % groups != 0) {
            throw new IllegalArgumentException("dim " + dim + " not divisible by groups " + groups);
        }
        long n = (long) rows * dim;
        Weights.checkLength(y, n, "gatedGroupRmsNorm y");
        Weights.checkLength(z, n, "gatedGroupRmsNorm z");
        Weights.checkLength(out, n, "gatedGroupRmsNorm out");
        float[] w = Weights.toFloats(weight, dim, "gatedGroupRmsNorm weight");
        int gs = dim / groups;
        parallel.forRange(0, rows, grain(dim), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * dim;
                gate(y, z, out, o, dim);
                for (int g = 0; g < groups; g++) {
                    int go = o + g * gs;
                    float inv = invRms(Simd.sumSquares(out, go, gs), gs, eps);
                    scaleByWeight(out, go, inv, w, g * gs, out, go, gs);
                }
            }
        });
    }

    private static int grain(int dim) {
        return Math.max(1, WORK_PER_TASK / Math.max(1, dim));
    }

    private static float invRms(float sumSquares, int n, float eps) {
        return (float) (1.0 / Math.sqrt(sumSquares / n + eps));
    }

    /** {@code out[oo+i] = w[wo+i] * (x[xo+i] * inv)}. */
    private static void scaleByWeight(float[] x, int xo, float inv, float[] w, int wo, float[] out,
                                      int oo, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(F, x, xo + i).mul(inv).mul(FloatVector.fromArray(F, w, wo + i))
                    .intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = w[wo + i] * (x[xo + i] * inv);
        }
    }

    /** {@code out[o+i] = y[o+i] * silu(z[o+i])}. */
    private static void gate(float[] y, float[] z, float[] out, int o, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += LANES) {
            FloatVector zv = FloatVector.fromArray(F, z, o + i);
            FloatVector s = zv.div(zv.neg().lanewise(jdk.incubator.vector.VectorOperators.EXP).add(1f));
            FloatVector.fromArray(F, y, o + i).mul(s).intoArray(out, o + i);
        }
        for (; i < n; i++) {
            out[o + i] = y[o + i] * VectorActivationKernels.silu(z[o + i]);
        }
    }
}
