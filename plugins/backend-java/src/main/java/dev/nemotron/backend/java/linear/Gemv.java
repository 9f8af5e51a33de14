package dev.nemotron.backend.java.linear;

import static dev.nemotron.backend.java.linear.WeightReader.F;
import static dev.nemotron.backend.java.linear.WeightReader.K_BF16;
import static dev.nemotron.backend.java.linear.WeightReader.K_F16;
import static dev.nemotron.backend.java.linear.WeightReader.L;
import static dev.nemotron.backend.java.linear.WeightReader.convert;
import static dev.nemotron.backend.java.linear.WeightReader.scalar;

import dev.nemotron.backend.java.Parallel;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The GEMV path (decode and other short inputs), memory-bound; the output rows are split over the
 * cores.
 *
 * <ul>
 *   <li>F32 and BF16 weights, and F16 for one row of x: {@link GemvStream}, converting in
 *       registers; four weight rows at a time against every row of x (so each four-row block is
 *       read from memory once, and again from L1/L2 for the other rows).
 *   <li>F16 for more rows: blocked. {@value #OB} weight rows at a time, in slices along
 *       {@code in} ({@link #sliceLength}), are converted once into a small float buffer that stays
 *       in L1 with the matching slices of every row of x (copied slice-major up front); two rows
 *       of x against the four weight rows per pass (eight vector accumulators, kept in a
 *       per-thread buffer between slices). F16 conversion is expensive: once per weight, not per
 *       row of x.
 * </ul>
 */
final class Gemv {
    private Gemv() {
    }

    /**
     * About the least number of FMAs worth a GEMV task of its own: 128K (256 KB of BF16 weights,
     * ~15 us on one core), so that the decode projections (0.6-3.6 K output rows) split into
     * 8-16 chunks over two threads and the last chunk a thread waits for is short
     * ({@link Parallel#forRange}; at 512K, 2-6 chunks left one thread idle for up to a third of a
     * GEMV).
     */
    static final long MIN_TASK_FMAS = 1L << 17;
    /** Weight rows per block. */
    static final int OB = 4;
    /** Largest slice along {@code in}. */
    static final int KB_MAX = 1024;
    /** Bytes of x slices plus weight slice that should stay in L1 together (of 32 KiB). */
    static final int L1_BUDGET = 20 << 10;

    /**
     * The slice along {@code in} for {@code rows} rows: the slices of all rows of x and of the
     * {@value #OB} weight rows fit in L1 together; a power of two, a multiple of the lanes.
     */
    static int sliceLength(int rows) {
        int kb = Integer.highestOneBit(Math.max(1, L1_BUDGET / (4 * (rows + OB))));
        return Math.max(Math.max(L, 64), Math.min(KB_MAX, kb));
    }

    static void gemv(Parallel parallel, float[] x, int rows, int in, int outF, MemorySegment w, int kind,
                     float[] b, float[] out) {
        long perOut = (long) rows * in;
        int grain = (int) Math.max(OB, Math.min(outF, (MIN_TASK_FMAS + perOut - 1) / perOut));
        grain = (grain + OB - 1) & -OB;
        if (kind != K_F16 || rows == 1) {
            float[] xd = null;
            if (kind == K_BF16) {
                xd = Scratch.scratchX(rows * in);
                GemvStream.deinterleave(x, rows, in, xd);
            }
            float[] xdf = xd;
            parallel.forRange(0, outF, grain,
                    (o0, o1) -> GemvStream.range(x, xdf, rows, in, outF, w, kind, b, out, o0, o1));
        } else {
            // x copied slice-major (all rows of one slice contiguous, read-only, shared by all
            // tasks): a slice of every row stays in L1 next to the weight slice, whatever the
            // row stride of x (rows at multiples of 4 KiB would collide in L1 sets).
            int kb = sliceLength(rows);
            int inVec = in & -L;
            float[] xs = Scratch.scratchX(rows * inVec);
            for (int k0 = 0; k0 < inVec; k0 += kb) {
                int kc = Math.min(kb, inVec - k0);
                int base = rows * k0;
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(x, r * in + k0, xs, base + r * kc, kc);
                }
            }
            parallel.forRange(0, outF, grain,
                    (o0, o1) -> blocked(x, xs, kb, rows, in, outF, w, kind, b, out, o0, o1));
        }
    }

    /**
     * Output rows {@code [o0, o1)} for all rows of x; {@code xs}: the vector part of x copied
     * slice-major (slices of {@code kb}).
     */
    static void blocked(float[] x, float[] xs, int kb, int rows, int in, int outF, MemorySegment w, int kind,
                        float[] b, float[] out, int o0, int o1) {
        Scratch s = Scratch.get();
        if (s.rowTmp.length < OB * kb) {
            s.rowTmp = new float[OB * KB_MAX];
        }
        int accN = rows * OB * L;
        if (s.acc.length < accN) {
            s.acc = new float[accN];
        }
        float[] wt = s.rowTmp;
        float[] acc = s.acc;
        int inVec = in & -L;
        for (int o = o0; o < o1; o += OB) {
            int no = Math.min(OB, o1 - o);
            Arrays.fill(acc, 0, accN, 0f);
            for (int k0 = 0; k0 < inVec; k0 += kb) {
                int kc = Math.min(kb, inVec - k0);
                int xBase = rows * k0;
                int r = 0;
                for (int j = 0; j < no; j++) {
                    convert(w, kind, (long) (o + j) * in + k0, wt, j * kc, kc);
                }
                for (int j = no; j < OB; j++) {
                    Arrays.fill(wt, j * kc, (j + 1) * kc, 0f);
                }
                for (; r + 2 <= rows; r += 2) {
                    tile4x2(xs, xBase + r * kc, kc, wt, kc, kc, acc, r * OB * L);
                }
                if (r < rows) {
                    tile4x1(xs, xBase + r * kc, wt, kc, kc, acc, r * OB * L);
                }
            }
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < no; j++) {
                    float sum = 0f;
                    if (inVec > 0) {
                        int a = (r * OB + j) * L;
                        for (int l = 0; l < L; l++) {
                            sum += acc[a + l];
                        }
                    }
                    long e = (long) (o + j) * in;
                    for (int k = inVec; k < in; k++) {
                        sum += x[r * in + k] * scalar(w, kind, e + k);
                    }
                    out[r * outF + o + j] = b == null ? sum : sum + b[o + j];
                }
            }
        }
    }

    /**
     * Two rows of x ({@code xOff}, {@code xOff + xStride}) against the four weight rows of
     * {@code wt} (at stride {@code wStride}) over {@code kc} elements; accumulators at {@code acc[aOff]}
     * (row-major: {@code [row][weight row][lane]}).
     */
    static void tile4x2(float[] x, int xOff, int xStride, float[] wt, int wStride, int kc, float[] acc,
                        int aOff) {
        int q = aOff + OB * L;
        FloatVector a0 = FloatVector.fromArray(F, acc, aOff);
        FloatVector a1 = FloatVector.fromArray(F, acc, aOff + L);
        FloatVector a2 = FloatVector.fromArray(F, acc, aOff + 2 * L);
        FloatVector a3 = FloatVector.fromArray(F, acc, aOff + 3 * L);
        FloatVector b0 = FloatVector.fromArray(F, acc, q);
        FloatVector b1 = FloatVector.fromArray(F, acc, q + L);
        FloatVector b2 = FloatVector.fromArray(F, acc, q + 2 * L);
        FloatVector b3 = FloatVector.fromArray(F, acc, q + 3 * L);
        int yOff = xOff + xStride;
        for (int k = 0; k < kc; k += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            FloatVector yv = FloatVector.fromArray(F, x, yOff + k);
            FloatVector w0 = FloatVector.fromArray(F, wt, k);
            FloatVector w1 = FloatVector.fromArray(F, wt, wStride + k);
            FloatVector w2 = FloatVector.fromArray(F, wt, 2 * wStride + k);
            FloatVector w3 = FloatVector.fromArray(F, wt, 3 * wStride + k);
            a0 = w0.fma(xv, a0);
            a1 = w1.fma(xv, a1);
            a2 = w2.fma(xv, a2);
            a3 = w3.fma(xv, a3);
            b0 = w0.fma(yv, b0);
            b1 = w1.fma(yv, b1);
            b2 = w2.fma(yv, b2);
            b3 = w3.fma(yv, b3);
        }
        a0.intoArray(acc, aOff);
        a1.intoArray(acc, aOff + L);
        a2.intoArray(acc, aOff + 2 * L);
        a3.intoArray(acc, aOff + 3 * L);
        b0.intoArray(acc, q);
        b1.intoArray(acc, q + L);
        b2.intoArray(acc, q + 2 * L);
        b3.intoArray(acc, q + 3 * L);
    }

    /** {@link #tile4x2} for one row of x. */
    static void tile4x1(float[] x, int xOff, float[] wt, int wStride, int kc, float[] acc, int aOff) {
        FloatVector a0 = FloatVector.fromArray(F, acc, aOff);
        FloatVector a1 = FloatVector.fromArray(F, acc, aOff + L);
        FloatVector a2 = FloatVector.fromArray(F, acc, aOff + 2 * L);
        FloatVector a3 = FloatVector.fromArray(F, acc, aOff + 3 * L);
        for (int k = 0; k < kc; k += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            a0 = FloatVector.fromArray(F, wt, k).fma(xv, a0);
            a1 = FloatVector.fromArray(F, wt, wStride + k).fma(xv, a1);
            a2 = FloatVector.fromArray(F, wt, 2 * wStride + k).fma(xv, a2);
            a3 = FloatVector.fromArray(F, wt, 3 * wStride + k).fma(xv, a3);
        }
        a0.intoArray(acc, aOff);
        a1.intoArray(acc, aOff + L);
        a2.intoArray(acc, aOff + 2 * L);
        a3.intoArray(acc, aOff + 3 * L);
    }
}
