package dev.nemotron.backend.java.mamba;

import static dev.nemotron.backend.java.simd.Simd.F;
import static dev.nemotron.backend.java.simd.Simd.LANES;

import jdk.incubator.vector.FloatVector;

/**
 * Register-blocked inner loops of the SSD chunk, vectorised over the head dimension P. The
 * carried state is kept transposed, {@code ST [N, P]}, so both loops below broadcast a scalar and
 * accumulate blocks of up to four P-vectors in registers, without horizontal reductions.
 */
final class SsdChunkMath {
    private SsdChunkMath() {
    }

    /**
     * One output row: {@code y[yo+p] = d*x_i[p] + e * sum_n c[co+n] ST[n,p] + sum_j m[j] x_j[p]}
     * where {@code x_j} starts at {@code xo0 + j*xStride}, {@code j < cnt}.
     */
    static void outputRow(float[] st, int so, int n, int pDim, float[] c, int co, float e,
                          float[] m, int cnt, float[] x, int xo0, int xStride, float d, int xi,
                          float[] y, int yo) {
        int p = 0;
        for (; p + 4 * LANES <= pDim; p += 4 * LANES) {
            FloatVector o0 = FloatVector.zero(F), o1 = o0, o2 = o0, o3 = o0;
            for (int k = 0; k < n; k++) {
                FloatVector cv = FloatVector.broadcast(F, c[co + k]);
                int r = so + k * pDim + p;
                o0 = FloatVector.fromArray(F, st, r).fma(cv, o0);
                o1 = FloatVector.fromArray(F, st, r + LANES).fma(cv, o1);
                o2 = FloatVector.fromArray(F, st, r + 2 * LANES).fma(cv, o2);
                o3 = FloatVector.fromArray(F, st, r + 3 * LANES).fma(cv, o3);
            }
            FloatVector a0 = o0.mul(e).add(FloatVector.fromArray(F, x, xi + p).mul(d));
            FloatVector a1 = o1.mul(e).add(FloatVector.fromArray(F, x, xi + p + LANES).mul(d));
            FloatVector a2 = o2.mul(e).add(FloatVector.fromArray(F, x, xi + p + 2 * LANES).mul(d));
            FloatVector a3 = o3.mul(e).add(FloatVector.fromArray(F, x, xi + p + 3 * LANES).mul(d));
            for (int j = 0; j < cnt; j++) {
                FloatVector mv = FloatVector.broadcast(F, m[j]);
                int r = xo0 + j * xStride + p;
                a0 = FloatVector.fromArray(F, x, r).fma(mv, a0);
                a1 = FloatVector.fromArray(F, x, r + LANES).fma(mv, a1);
                a2 = FloatVector.fromArray(F, x, r + 2 * LANES).fma(mv, a2);
                a3 = FloatVector.fromArray(F, x, r + 3 * LANES).fma(mv, a3);
            }
            a0.intoArray(y, yo + p);
            a1.intoArray(y, yo + p + LANES);
            a2.intoArray(y, yo + p + 2 * LANES);
            a3.intoArray(y, yo + p + 3 * LANES);
        }
        for (; p + LANES <= pDim; p += LANES) {
            FloatVector o = FloatVector.zero(F);
            for (int k = 0; k < n; k++) {
                o = FloatVector.fromArray(F, st, so + k * pDim + p).fma(FloatVector.broadcast(F, c[co + k]), o);
            }
            FloatVector a = o.mul(e).add(FloatVector.fromArray(F, x, xi + p).mul(d));
            for (int j = 0; j < cnt; j++) {
                a = FloatVector.fromArray(F, x, xo0 + j * xStride + p).fma(FloatVector.broadcast(F, m[j]), a);
            }
            a.intoArray(y, yo + p);
        }
        for (; p < pDim; p++) {
            float o = 0f;
            for (int k = 0; k < n; k++) {
                o += st[so + k * pDim + p] * c[co + k];
            }
            float a = o * e + x[xi + p] * d;
            for (int j = 0; j < cnt; j++) {
                a += x[xo0 + j * xStride + p] * m[j];
            }
            y[yo + p] = a;
        }
    }

    /**
     * Advances the transposed state over a chunk:
     * {@code ST[k,p] = decay*ST[k,p] + sum_j w[j]*b[bo0 + j*bStride + k] * x_j[p]}, {@code j < cnt}.
     */
    static void advanceState(float[] st, int so, int n, int pDim, float decay, float[] w,
                             float[] b, int bo0, int bStride, int cnt, float[] x, int xo0,
                             int xStride) {
        for (int k = 0; k < n; k++) {
            int r0 = so + k * pDim;
            int p = 0;
            for (; p + 4 * LANES <= pDim; p += 4 * LANES) {
                FloatVector a0 = FloatVector.fromArray(F, st, r0 + p).mul(decay);
                FloatVector a1 = FloatVector.fromArray(F, st, r0 + p + LANES).mul(decay);
                FloatVector a2 = FloatVector.fromArray(F, st, r0 + p + 2 * LANES).mul(decay);
                FloatVector a3 = FloatVector.fromArray(F, st, r0 + p + 3 * LANES).mul(decay);
                for (int j = 0; j < cnt; j++) {
                    FloatVector u = FloatVector.broadcast(F, w[j] * b[bo0 + j * bStride + k]);
                    int r = xo0 + j * xStride + p;
                    a0 = FloatVector.fromArray(F, x, r).fma(u, a0);
                    a1 = FloatVector.fromArray(F, x, r + LANES).fma(u, a1);
                    a2 = FloatVector.fromArray(F, x, r + 2 * LANES).fma(u, a2);
                    a3 = FloatVector.fromArray(F, x, r + 3 * LANES).fma(u, a3);
                }
                a0.intoArray(st, r0 + p);
                a1.intoArray(st, r0 + p + LANES);
                a2.intoArray(st, r0 + p + 2 * LANES);
                a3.intoArray(st, r0 + p + 3 * LANES);
            }
            for (; p + LANES <= pDim; p += LANES) {
                FloatVector a = FloatVector.fromArray(F, st, r0 + p).mul(decay);
                for (int j = 0; j < cnt; j++) {
                    a = FloatVector.fromArray(F, x, xo0 + j * xStride + p).fma(FloatVector.broadcast(F,
                            w[j] * b[bo0 + j * bStride + k]), a);
                }
                a.intoArray(st, r0 + p);
            }
            for (; p < pDim; p++) {
                float a = st[r0 + p] * decay;
                for (int j = 0; j < cnt; j++) {
                    a += x[xo0 + j * xStride + p] * (w[j] * b[bo0 + j * bStride + k]);
                }
                st[r0 + p] = a;
            }
        }
    }
}
