package dev.nemotron.backend.java.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Small Vector API building blocks on {@code float[]} ranges (dot product, sum of squares, axpy,
 * scale), each with a scalar tail, using {@link FloatVector#SPECIES_PREFERRED}.
 */
public final class Simd {
    /** The species every kernel of this backend uses. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Lanes of {@link #F}. */
    public static final int LANES = F.length();

    private Simd() {
    }

    /** {@code sum_i a[ao+i] * b[bo+i]} for {@code i < n}. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += LANES) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** {@code sum_i a[ao+i]^2} for {@code i < n}. */
    public static float sumSquares(float[] a, int ao, int n) {
        return dot(a, ao, a, ao, n);
    }

    /** {@code y[yo+i] += alpha * x[xo+i]} for {@code i < n}. */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(F, x, xo + i).fma(va, FloatVector.fromArray(F, y, yo + i))
                    .intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    /** {@code y[yo+i] = beta * y[yo+i] + alpha * x[xo+i]} for {@code i < n}. */
    public static void scaleAdd(float beta, float[] y, int yo, float alpha, float[] x, int xo, int n) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        FloatVector vb = FloatVector.broadcast(F, beta);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(F, x, xo + i).mul(va)
                    .add(FloatVector.fromArray(F, y, yo + i).mul(vb)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = beta * y[yo + i] + alpha * x[xo + i];
        }
    }

    /** {@code y[yo+i] *= alpha} for {@code i < n}. */
    public static void scale(float alpha, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(F, y, yo + i).mul(va).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] *= alpha;
        }
    }
}
