package dev.nemotron.backend.java.mamba;

import static dev.nemotron.backend.java.simd.Simd.F;
import static dev.nemotron.backend.java.simd.Simd.LANES;

import jdk.incubator.vector.FloatVector;

/**
 * The small matrix product every SSD chunk is made of, register-blocked for the Vector API:
 * four rows by two vectors of accumulators, then narrower tails and a scalar tail.
 */
final class SsdChunkMath {
    private SsdChunkMath() {
    }

    /**
     * {@code out[oo + r*os + p] += sum_{k < kk} a[ao + r*as + k] * m[mo + k*ms + p]} for
     * {@code r < rows}, {@code p < cols}.
     */
    static void gemmAcc(float[] a, int ao, int as, float[] m, int mo, int ms, int kk, float[] out,
                        int oo, int os, int rows, int cols) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int p = 0;
            for (; p + 2 * LANES <= cols; p += 2 * LANES) {
                block4x2(a, ao + r * as, as, m, mo + p, ms, kk, out, oo + r * os + p, os);
            }
            for (int rr = r; rr < r + 4; rr++) {
                tail(a, ao + rr * as, m, mo, ms, kk, out, oo + rr * os, p, cols);
            }
        }
        for (; r < rows; r++) {
            tail(a, ao + r * as, m, mo, ms, kk, out, oo + r * os, 0, cols);
        }
    }

    private static void block4x2(float[] a, int ao, int as, float[] m, int mo, int ms, int kk,
                                 float[] out, int oo, int os) {
        FloatVector c00 = FloatVector.fromArray(F, out, oo);
        FloatVector c01 = FloatVector.fromArray(F, out, oo + LANES);
        FloatVector c10 = FloatVector.fromArray(F, out, oo + os);
        FloatVector c11 = FloatVector.fromArray(F, out, oo + os + LANES);
        FloatVector c20 = FloatVector.fromArray(F, out, oo + 2 * os);
        FloatVector c21 = FloatVector.fromArray(F, out, oo + 2 * os + LANES);
        FloatVector c30 = FloatVector.fromArray(F, out, oo + 3 * os);
        FloatVector c31 = FloatVector.fromArray(F, out, oo + 3 * os + LANES);
        for (int k = 0; k < kk; k++) {
            int mk = mo + k * ms;
            FloatVector m0 = FloatVector.fromArray(F, m, mk);
            FloatVector m1 = FloatVector.fromArray(F, m, mk + LANES);
            FloatVector b0 = FloatVector.broadcast(F, a[ao + k]);
            c00 = m0.fma(b0, c00);
            c01 = m1.fma(b0, c01);
            FloatVector b1 = FloatVector.broadcast(F, a[ao + as + k]);
            c10 = m0.fma(b1, c10);
            c11 = m1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(F, a[ao + 2 * as + k]);
            c20 = m0.fma(b2, c20);
            c21 = m1.fma(b2, c21);
            FloatVector b3 = FloatVector.broadcast(F, a[ao + 3 * as + k]);
            c30 = m0.fma(b3, c30);
            c31 = m1.fma(b3, c31);
        }
        c00.intoArray(out, oo);
        c01.intoArray(out, oo + LANES);
        c10.intoArray(out, oo + os);
        c11.intoArray(out, oo + os + LANES);
        c20.intoArray(out, oo + 2 * os);
        c21.intoArray(out, oo + 2 * os + LANES);
        c30.intoArray(out, oo + 3 * os);
        c31.intoArray(out, oo + 3 * os + LANES);
    }

    /** One output row from column {@code p0}: pairs of vectors, one vector, then scalars. */
    private static void tail(float[] a, int ao, float[] m, int mo, int ms, int kk, float[] out,
                             int oo, int p0, int cols) {
        int p = p0;
        for (; p + 2 * LANES <= cols; p += 2 * LANES) {
            FloatVector c0 = FloatVector.fromArray(F, out, oo + p);
            FloatVector c1 = FloatVector.fromArray(F, out, oo + p + LANES);
            for (int k = 0; k < kk; k++) {
                FloatVector b = FloatVector.broadcast(F, a[ao + k]);
                c0 = FloatVector.fromArray(F, m, mo + k * ms + p).fma(b, c0);
                c1 = FloatVector.fromArray(F, m, mo + k * ms + p + LANES).fma(b, c1);
            }
            c0.intoArray(out, oo + p);
            c1.intoArray(out, oo + p + LANES);
        }
        for (; p + LANES <= cols; p += LANES) {
            FloatVector c0 = FloatVector.fromArray(F, out, oo + p);
            for (int k = 0; k < kk; k++) {
                c0 = FloatVector.fromArray(F, m, mo + k * ms + p).fma(FloatVector.broadcast(F, a[ao + k]), c0);
            }
            c0.intoArray(out, oo + p);
        }
        for (; p < cols; p++) {
            float s = out[oo + p];
            for (int k = 0; k < kk; k++) {
                s += a[ao + k] * m[mo + k * ms + p];
            }
            out[oo + p] = s;
        }
    }
}
