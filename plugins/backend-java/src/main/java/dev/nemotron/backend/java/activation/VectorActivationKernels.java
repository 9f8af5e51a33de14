package dev.nemotron.backend.java.activation;

import static dev.nemotron.backend.java.simd.Simd.F;
import static dev.nemotron.backend.java.simd.Simd.LANES;

import dev.nemotron.api.backend.ActivationKernels;
import dev.nemotron.backend.java.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** Element-wise activations with the Vector API, split over cores for long arrays. */
public final class VectorActivationKernels implements ActivationKernels {
    private static final int GRAIN = 1 << 14;
    private final Parallel parallel;

    public VectorActivationKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void silu(float[] x, int n) {
        check(x, n);
        parallel.forRange(0, n, GRAIN, (from, to) -> silu(x, from, to));
    }

    @Override
    public void relu2(float[] x, int n) {
        check(x, n);
        parallel.forRange(0, n, GRAIN, (from, to) -> relu2(x, from, to));
    }

    @Override
    public void softplus(float[] x, int n) {
        check(x, n);
        parallel.forRange(0, n, GRAIN, (from, to) -> softplus(x, from, to));
    }

    /** {@code x / (1 + exp(-x))} on {@code x[from, to)}. */
    public static void silu(float[] x, int from, int to) {
        int i = from;
        int bound = from + F.loopBound(to - from);
        for (; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = silu(x[i]);
        }
    }

    /** Scalar silu. */
    public static float silu(float v) {
        return (float) (v / (1.0 + Math.exp(-v)));
    }

    private static void relu2(float[] x, int from, int to) {
        int i = from;
        int bound = from + F.loopBound(to - from);
        for (; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromArray(F, x, i).max(0f);
            v.mul(v).intoArray(x, i);
        }
        for (; i < to; i++) {
            float v = Math.max(x[i], 0f);
            x[i] = v * v;
        }
    }

    private static void softplus(float[] x, int from, int to) {
        int i = from;
        int bound = from + F.loopBound(to - from);
        for (; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            VectorMask<Float> big = v.compare(VectorOperators.GT, 20f);
            FloatVector sp = v.min(20f).lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P);
            sp.blend(v, big).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = x[i] > 20f ? x[i] : (float) Math.log1p(Math.exp(x[i]));
        }
    }

    private static void check(float[] x, int n) {
        if (n < 0 || n > x.length) {
            throw new IllegalArgumentException("n " + n + " outside array of " + x.length);
        }
    }
}
