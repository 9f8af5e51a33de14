package dev.nemotron.backend.java.linear;

import static dev.nemotron.backend.java.linear.WeightReader.F;
import static dev.nemotron.backend.java.linear.WeightReader.K_BF16;
import static dev.nemotron.backend.java.linear.WeightReader.K_F16;
import static dev.nemotron.backend.java.linear.WeightReader.K_F32;
import static dev.nemotron.backend.java.linear.WeightReader.L;
import static dev.nemotron.backend.java.linear.WeightReader.evenBf16;
import static dev.nemotron.backend.java.linear.WeightReader.loadBf16;
import static dev.nemotron.backend.java.linear.WeightReader.loadBf16Pairs;
import static dev.nemotron.backend.java.linear.WeightReader.loadF16;
import static dev.nemotron.backend.java.linear.WeightReader.loadF32;
import static dev.nemotron.backend.java.linear.WeightReader.oddBf16;
import static dev.nemotron.backend.java.linear.WeightReader.scalar;

import dev.nemotron.api.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GEMV kernels for one or two rows of x that stream the weight straight from its segment,
 * converting in registers (never through memory): four output rows at a time, both rows of x per
 * pass. For BF16, x comes de-interleaved ({@code xd}: per row, the even elements then the odd
 * ones) so that a vector of 2L weights read as L ints widens with one shift and one mask.
 */
final class GemvStream {
    private GemvStream() {
    }

    /**
     * BF16 only: x de-interleaved row by row into {@code xd}: the even elements of a row, then the
     * odd ones (an int of weights holds elements 2i and 2i+1; the dot product does not care about
     * the order).
     */
    static void deinterleave(float[] x, int rows, int in, float[] xd) {
        int half = in / 2;
        for (int r = 0; r < rows; r++) {
            int base = r * in;
            for (int j = 0; j < half; j++) {
                xd[base + j] = x[base + 2 * j];
                xd[base + half + j] = x[base + 2 * j + 1];
            }
        }
    }

    static void range(float[] x, float[] xd, int rows, int in, int outF, MemorySegment w, int kind,
                      float[] b, float[] out, int o0, int o1) {
        int o = o0;
        for (; o + 4 <= o1; o += 4) {
            int r = 0;
            if (kind != K_F16) {
                // Two rows of x per pass: each weight vector is loaded (and converted) once for both.
                for (; r + 2 <= rows; r += 2) {
                    if (kind == K_F32) {
                        dot4x2F32(x, r * in, in, w, o, out, r * outF + o, outF);
                    } else {
                        dot4x2Bf16(x, xd, r * in, in, w, o, out, r * outF + o, outF);
                    }
                }
            }
            for (; r < rows; r++) {
                switch (kind) {
                    case K_F32 -> dot4F32(x, r * in, in, w, o, outF, out, r * outF + o);
                    case K_BF16 -> dot4Bf16(x, xd, r * in, in, w, o, out, r * outF + o);
                    default -> dot4F16(x, r * in, in, w, o, out, r * outF + o);
                }
            }
        }
        for (; o < o1; o++) {
            for (int r = 0; r < rows; r++) {
                out[r * outF + o] = dot1(x, r * in, in, w, kind, o);
            }
        }
        if (b != null) {
            for (int r = 0; r < rows; r++) {
                for (int j = o0; j < o1; j++) {
                    out[r * outF + j] += b[j];
                }
            }
        }
    }

    private static float dot1(float[] x, int xOff, int in, MemorySegment w, int kind, int o) {
        long e = (long) o * in;
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        int upper = in - L;
        for (; k <= upper; k += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            FloatVector wv = switch (kind) {
                case K_F32 -> loadF32(w, (e + k) * 4);
                case K_BF16 -> loadBf16(w, (e + k) * 2);
                default -> loadF16(w, (e + k) * 2);
            };
            acc = xv.fma(wv, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; k < in; k++) {
            s += x[xOff + k] * scalar(w, kind, e + k);
        }
        return s;
    }

    private static void dot4x2F32(float[] x, int xOff, int in, MemorySegment w, int o, float[] out,
                                  int outOff, int outF) {
        long r0 = (long) o * in * 4;
        long r1 = r0 + (long) in * 4;
        long r2 = r1 + (long) in * 4;
        long r3 = r2 + (long) in * 4;
        int yOff = xOff + in;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int k = 0;
        for (; k <= in - L; k += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            FloatVector yv = FloatVector.fromArray(F, x, yOff + k);
            long kb = 4L * k;
            FloatVector w0 = loadF32(w, r0 + kb);
            FloatVector w1 = loadF32(w, r1 + kb);
            FloatVector w2 = loadF32(w, r2 + kb);
            FloatVector w3 = loadF32(w, r3 + kb);
            a0 = w0.fma(xv, a0);
            a1 = w1.fma(xv, a1);
            a2 = w2.fma(xv, a2);
            a3 = w3.fma(xv, a3);
            b0 = w0.fma(yv, b0);
            b1 = w1.fma(yv, b1);
            b2 = w2.fma(yv, b2);
            b3 = w3.fma(yv, b3);
        }
        finish4(x, xOff, in, w, K_F32, o, k, a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD),
                a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD), out, outOff);
        finish4(x, yOff, in, w, K_F32, o, k, b0.reduceLanes(VectorOperators.ADD), b1.reduceLanes(VectorOperators.ADD),
                b2.reduceLanes(VectorOperators.ADD), b3.reduceLanes(VectorOperators.ADD), out, outOff + outF);
    }

    private static void dot4x2Bf16(float[] x, float[] xd, int xOff, int in, MemorySegment w, int o,
                                   float[] out, int outOff, int outF) {
        long r0 = (long) o * in * 2;
        long r1 = r0 + (long) in * 2;
        long r2 = r1 + (long) in * 2;
        long r3 = r2 + (long) in * 2;
        int half = in / 2;
        int yOff = xOff + in;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int k = 0;
        for (; k <= in - 2 * L; k += 2 * L) {
            int j = k >> 1;
            FloatVector xe = FloatVector.fromArray(F, xd, xOff + j);
            FloatVector xo = FloatVector.fromArray(F, xd, xOff + half + j);
            FloatVector ye = FloatVector.fromArray(F, xd, yOff + j);
            FloatVector yo = FloatVector.fromArray(F, xd, yOff + half + j);
            long kb = 2L * k;
            IntVector p0 = loadBf16Pairs(w, r0 + kb);
            IntVector p1 = loadBf16Pairs(w, r1 + kb);
            IntVector p2 = loadBf16Pairs(w, r2 + kb);
            IntVector p3 = loadBf16Pairs(w, r3 + kb);
            FloatVector e0 = evenBf16(p0), e1 = evenBf16(p1), e2 = evenBf16(p2), e3 = evenBf16(p3);
            FloatVector d0 = oddBf16(p0), d1 = oddBf16(p1), d2 = oddBf16(p2), d3 = oddBf16(p3);
            a0 = d0.fma(xo, e0.fma(xe, a0));
            a1 = d1.fma(xo, e1.fma(xe, a1));
            a2 = d2.fma(xo, e2.fma(xe, a2));
            a3 = d3.fma(xo, e3.fma(xe, a3));
            b0 = d0.fma(yo, e0.fma(ye, b0));
            b1 = d1.fma(yo, e1.fma(ye, b1));
            b2 = d2.fma(yo, e2.fma(ye, b2));
            b3 = d3.fma(yo, e3.fma(ye, b3));
        }
        finish4(x, xOff, in, w, K_BF16, o, k, a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD),
                a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD), out, outOff);
        finish4(x, yOff, in, w, K_BF16, o, k, b0.reduceLanes(VectorOperators.ADD), b1.reduceLanes(VectorOperators.ADD),
                b2.reduceLanes(VectorOperators.ADD), b3.reduceLanes(VectorOperators.ADD), out, outOff + outF);
    }

    private static void dot4F32(float[] x, int xOff, int in, MemorySegment w, int o, int outF,
                                float[] out, int outOff) {
        long r0 = (long) o * in * 4;
        long r1 = r0 + (long) in * 4;
        long r2 = r1 + (long) in * 4;
        long r3 = r2 + (long) in * 4;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int k = 0;
        for (; k <= in - 2 * L; k += 2 * L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            FloatVector xw = FloatVector.fromArray(F, x, xOff + k + L);
            long kb = 4L * k;
            long kb2 = kb + 4L * L;
            a0 = loadF32(w, r0 + kb).fma(xv, a0);
            a1 = loadF32(w, r1 + kb).fma(xv, a1);
            a2 = loadF32(w, r2 + kb).fma(xv, a2);
            a3 = loadF32(w, r3 + kb).fma(xv, a3);
            b0 = loadF32(w, r0 + kb2).fma(xw, b0);
            b1 = loadF32(w, r1 + kb2).fma(xw, b1);
            b2 = loadF32(w, r2 + kb2).fma(xw, b2);
            b3 = loadF32(w, r3 + kb2).fma(xw, b3);
        }
        for (; k <= in - L; k += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            long kb = 4L * k;
            a0 = loadF32(w, r0 + kb).fma(xv, a0);
            a1 = loadF32(w, r1 + kb).fma(xv, a1);
            a2 = loadF32(w, r2 + kb).fma(xv, a2);
            a3 = loadF32(w, r3 + kb).fma(xv, a3);
        }
        finish4(x, xOff, in, w, K_F32, o, k, a0.add(b0).reduceLanes(VectorOperators.ADD),
                a1.add(b1).reduceLanes(VectorOperators.ADD), a2.add(b2).reduceLanes(VectorOperators.ADD),
                a3.add(b3).reduceLanes(VectorOperators.ADD), out, outOff);
    }

    private static void dot4Bf16(float[] x, float[] xd, int xOff, int in, MemorySegment w, int o,
                                 float[] out, int outOff) {
        long r0 = (long) o * in * 2;
        long r1 = r0 + (long) in * 2;
        long r2 = r1 + (long) in * 2;
        long r3 = r2 + (long) in * 2;
        int half = in / 2;
        // Even and odd halves accumulate separately: eight independent FMA chains.
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int k = 0;
        for (; k <= in - 2 * L; k += 2 * L) {
            int j = k >> 1;
            FloatVector xe = FloatVector.fromArray(F, xd, xOff + j);
            FloatVector xo = FloatVector.fromArray(F, xd, xOff + half + j);
            long kb = 2L * k;
            IntVector p0 = loadBf16Pairs(w, r0 + kb);
            IntVector p1 = loadBf16Pairs(w, r1 + kb);
            IntVector p2 = loadBf16Pairs(w, r2 + kb);
            IntVector p3 = loadBf16Pairs(w, r3 + kb);
            a0 = evenBf16(p0).fma(xe, a0);
            a1 = evenBf16(p1).fma(xe, a1);
            a2 = evenBf16(p2).fma(xe, a2);
            a3 = evenBf16(p3).fma(xe, a3);
            b0 = oddBf16(p0).fma(xo, b0);
            b1 = oddBf16(p1).fma(xo, b1);
            b2 = oddBf16(p2).fma(xo, b2);
            b3 = oddBf16(p3).fma(xo, b3);
        }
        finish4(x, xOff, in, w, K_BF16, o, k, a0.add(b0).reduceLanes(VectorOperators.ADD),
                a1.add(b1).reduceLanes(VectorOperators.ADD), a2.add(b2).reduceLanes(VectorOperators.ADD),
                a3.add(b3).reduceLanes(VectorOperators.ADD), out, outOff);
    }

    private static void dot4F16(float[] x, int xOff, int in, MemorySegment w, int o, float[] out, int outOff) {
        // Two rows at a time: four inlined F16 conversions exceed C2's inlining node budget.
        dot2F16(x, xOff, in, w, o, out, outOff);
        dot2F16(x, xOff, in, w, o + 2, out, outOff + 2);
    }

    private static void dot2F16(float[] x, int xOff, int in, MemorySegment w, int o, float[] out, int outOff) {
        long r0 = (long) o * in * 2;
        long r1 = r0 + (long) in * 2;
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        int k = 0;
        for (; k <= in - L; k += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            long kb = 2L * k;
            a0 = loadF16(w, r0 + kb).fma(xv, a0);
            a1 = loadF16(w, r1 + kb).fma(xv, a1);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        long e0 = (long) o * in;
        for (; k < in; k++) {
            float xv = x[xOff + k];
            s0 += xv * Float.float16ToFloat(w.getAtIndex(Tensor.I16_LE, e0 + k));
            s1 += xv * Float.float16ToFloat(w.getAtIndex(Tensor.I16_LE, e0 + in + k));
        }
        out[outOff] = s0;
        out[outOff + 1] = s1;
    }

    /** Scalar tail {@code [k, in)} and store; takes floats so that no vector is boxed. */
    private static void finish4(float[] x, int xOff, int in, MemorySegment w, int kind, int o, int k,
                                float s0, float s1, float s2, float s3, float[] out, int outOff) {
        long e0 = (long) o * in;
        for (; k < in; k++) {
            float xv = x[xOff + k];
            s0 += xv * scalar(w, kind, e0 + k);
            s1 += xv * scalar(w, kind, e0 + in + k);
            s2 += xv * scalar(w, kind, e0 + 2L * in + k);
            s3 += xv * scalar(w, kind, e0 + 3L * in + k);
        }
        out[outOff] = s0;
        out[outOff + 1] = s1;
        out[outOff + 2] = s2;
        out[outOff + 3] = s3;
    }
}
