package dev.nemotron.backend.java.linear;

import dev.nemotron.api.backend.LinearKernels;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LinearKernels} with the Vector API on all cores.
 *
 * <p>Two paths:
 *
 * <ul>
 *   <li><b>GEMM</b> (at least {@value #GEMM_MIN_ROWS_F32} rows for F32 weights,
 *       {@value #GEMM_MIN_ROWS_HALF} for BF16/F16): BLIS-style. Each task owns a range of output
 *       columns; it converts (F32/BF16/F16 to float) and transposes the weight, stored
 *       {@code [outF, in]}, into k-major panels of {@code NR = 2 x lanes} output columns, reading
 *       each weight row as one long run. A {@code 6 x NR} register-blocked micro-kernel keeps 12
 *       vector accumulators (a tile of {@code out}) and, for each {@code k}, broadcasts six values
 *       of {@code x} against two panel vectors: 12 FMAs for 2 vector loads and 6 broadcasts.
 *       Blocking: {@value #KC} along {@code in} (a 16 KiB panel slice stays in L1), {@value #MC}
 *       rows of {@code x} (in L2). {@code x} is first copied once, shared by all tasks, at a padded
 *       row stride so the six rows of a tile never collide in L1 sets (rows of 4 KiB would).
 *   <li><b>GEMV</b> (decode and other short inputs): memory-bound; the weight is streamed once
 *       straight from its segment (converted in registers, never packed), four output rows at a
 *       time, two rows of {@code x} per pass, the output rows split over the cores.
 * </ul>
 *
 * <p>The weight segment may be any segment (heap, native, a mapped file slice) at any alignment.
 * Results are {@code float} sums in an order that differs from a sequential loop.
 */
public final class VectorLinearKernels implements LinearKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Integer> I = F.withLanes(int.class);
    @SuppressWarnings("unchecked")
    static final VectorSpecies<Short> S =
            (VectorSpecies<Short>) VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Rows of the micro-kernel. */
    static final int MR = 6;
    /** Columns of the micro-kernel (two vectors). */
    static final int NR = 2 * L;
    /** Block along {@code in}: an {@code NR x KC} panel is 16 KiB at 8 lanes. */
    static final int KC = 256;
    /** Rows of {@code x} per block: {@code MC x KC} floats stay in L2. */
    static final int MC = 120;
    /** At most this many floats of packed weight panels per task block (512 KiB, about L2). */
    static final long PACK_BUDGET_FLOATS = 1L << 17;
    /** Panels per packed block of the weight. */
    static final int NC_PANELS = 64;
    /**
     * From this many rows on, the packed GEMM path is used (below, streaming the weight once per
     * two rows of x beats packing it: measured crossover on Zen 3, 2048 x 2048 weights).
     */
    static final int GEMM_MIN_ROWS_F32 = 48;
    static final int GEMM_MIN_ROWS_HALF = 24;
    /** About the least number of FMAs worth a task of its own. */
    private static final long MIN_TASK_FMAS = 1L << 19;

    private final Parallel parallel;

    public VectorLinearKernels(Parallel parallel) {
        this.parallel = Objects.requireNonNull(parallel, "parallel");
    }

    @Override
    public void matmul(float[] x, int rows, Tensor weight, Tensor bias, float[] out) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(out, "out");
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("weight must be [outF, in], got " + weight);
        }
        DType wt = weight.dtype();
        checkFloatType(wt, "weight");
        if (weight.dim(0) > Integer.MAX_VALUE || weight.dim(1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("weight too large: " + weight);
        }
        int outF = (int) weight.dim(0);
        int in = (int) weight.dim(1);
        if (rows < 0) {
            throw new IllegalArgumentException("rows < 0: " + rows);
        }
        if ((long) rows * in > x.length) {
            throw new IllegalArgumentException("x has " + x.length + " floats, needs " + rows + " x " + in);
        }
        if ((long) rows * outF > out.length) {
            throw new IllegalArgumentException("out has " + out.length + " floats, needs " + rows + " x " + outF);
        }
        float[] b = null;
        if (bias != null) {
            checkFloatType(bias.dtype(), "bias");
            if (bias.numel() != outF) {
                throw new IllegalArgumentException("bias has " + bias.numel() + " elements, needs " + outF);
            }
            b = bias.toFloatArray();
        }
        if (rows == 0 || outF == 0) {
            return;
        }
        if (in == 0) {
            for (int r = 0; r < rows; r++) {
                if (b == null) {
                    Arrays.fill(out, r * outF, (r + 1) * outF, 0f);
                } else {
                    System.arraycopy(b, 0, out, r * outF, outF);
                }
            }
            return;
        }
        MemorySegment w = weight.data();
        int kind = kindOf(wt);
        if (rows < (kind == K_F32 ? GEMM_MIN_ROWS_F32 : GEMM_MIN_ROWS_HALF)) {
            gemv(x, rows, in, outF, w, kind, b, out);
        } else {
            gemm(x, rows, in, outF, w, kind, b, out);
        }
    }

    private static void checkFloatType(DType t, String what) {
        if (t != DType.F32 && t != DType.BF16 && t != DType.F16) {
            throw new IllegalArgumentException(what + " must be F32, BF16 or F16, got " + t);
        }
    }

    private static final int K_F32 = 0;
    private static final int K_BF16 = 1;
    private static final int K_F16 = 2;

    private static int kindOf(DType t) {
        return switch (t) {
            case F32 -> K_F32;
            case BF16 -> K_BF16;
            case F16 -> K_F16;
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    // ---------------------------------------------------------------- conversions

    static FloatVector loadF32(MemorySegment w, long byteOff) {
        return FloatVector.fromMemorySegment(F, w, byteOff, LE);
    }

    static FloatVector loadBf16(MemorySegment w, long byteOff) {
        ShortVector s = ShortVector.fromMemorySegment(S, w, byteOff, LE);
        IntVector i = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
        return i.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static FloatVector loadF16(MemorySegment w, long byteOff) {
        ShortVector s = ShortVector.fromMemorySegment(S, w, byteOff, LE);
        IntVector h = (IntVector) s.convertShape(VectorOperators.S2I, I, 0); // sign-extended
        IntVector em = h.and(0x7fff);
        // Exponent rebias by a multiply: also turns F16 subnormals into F32 normals exactly.
        IntVector bits = em.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f)
                .reinterpretAsInts();
        // Inf/NaN (em >= 0x7c00, i.e. bit 15 of em + 0x400): force the exponent to all ones.
        // Branch-free integer ops only: masks and blends cost C2 enough nodes to stop inlining.
        IntVector infNan = em.add(0x400).lanewise(VectorOperators.LSHL, 16)
                .lanewise(VectorOperators.ASHR, 31).and(0x7f800000);
        return bits.or(infNan).or(h.and(0x80000000)).reinterpretAsFloats();
    }

    static float scalar(MemorySegment w, int kind, long elem) {
        return switch (kind) {
            case K_F32 -> w.getAtIndex(Tensor.F32_LE, elem);
            case K_BF16 -> Float.intBitsToFloat((w.getAtIndex(Tensor.I16_LE, elem) & 0xFFFF) << 16);
            default -> Float.float16ToFloat(w.getAtIndex(Tensor.I16_LE, elem));
        };
    }

    /** {@code dst[dstOff .. dstOff+n) = float(w[elem .. elem+n))}. */
    static void convert(MemorySegment w, int kind, long elem, float[] dst, int dstOff, int n) {
        // One method per type: C2 inlines only so many vector conversions into one method.
        int i = switch (kind) {
            case K_F32 -> convertF32(w, elem, dst, dstOff, n);
            case K_BF16 -> convertBf16(w, elem, dst, dstOff, n);
            default -> convertF16(w, elem, dst, dstOff, n);
        };
        for (; i < n; i++) {
            dst[dstOff + i] = scalar(w, kind, elem + i);
        }
    }

    private static int convertF32(MemorySegment w, long elem, float[] dst, int dstOff, int n) {
        int i = 0;
        long base = elem * 4;
        for (; i <= n - L; i += L) {
            loadF32(w, base + 4L * i).intoArray(dst, dstOff + i);
        }
        return i;
    }

    private static int convertBf16(MemorySegment w, long elem, float[] dst, int dstOff, int n) {
        int i = 0;
        long base = elem * 2;
        for (; i <= n - L; i += L) {
            loadBf16(w, base + 2L * i).intoArray(dst, dstOff + i);
        }
        return i;
    }

    private static int convertF16(MemorySegment w, long elem, float[] dst, int dstOff, int n) {
        int i = 0;
        long base = elem * 2;
        for (; i <= n - L; i += L) {
            loadF16(w, base + 2L * i).intoArray(dst, dstOff + i);
        }
        return i;
    }

    // ---------------------------------------------------------------- GEMV (few rows)

    private void gemv(float[] x, int rows, int in, int outF, MemorySegment w, int kind, float[] b, float[] out) {
        long perOut = (long) rows * in;
        int grain = (int) Math.max(4, Math.min(outF, (MIN_TASK_FMAS + perOut - 1) / perOut));
        grain = (grain + 3) & ~3;
        float[] xd = null;
        if (kind == K_BF16) {
            // x split into even and odd elements, row by row: BF16 weights are then widened
            // in place (an int holds elements 2i and 2i+1: one shift and one mask make two float
            // vectors), with no lane-crossing conversion; the dot product does not care about order.
            xd = scratchX(rows * in);
            int half = in / 2;
            for (int r = 0; r < rows; r++) {
                int base = r * in;
                for (int j = 0; j < half; j++) {
                    xd[base + j] = x[base + 2 * j];
                    xd[base + half + j] = x[base + 2 * j + 1];
                }
            }
        }
        float[] xdf = xd;
        parallel.forRange(0, outF, grain, (o0, o1) -> gemvRange(x, xdf, rows, in, outF, w, kind, b, out, o0, o1));
    }

    private static void gemvRange(float[] x, float[] xd, int rows, int in, int outF, MemorySegment w, int kind,
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

    /** Loads 2L BF16 weights as L ints; see {@link #evenBf16} and {@link #oddBf16}. */
    static IntVector loadBf16Pairs(MemorySegment w, long byteOff) {
        return IntVector.fromMemorySegment(I, w, byteOff, LE);
    }

    /** The even-indexed elements of a pair vector, widened to float. */
    static FloatVector evenBf16(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** The odd-indexed elements of a pair vector, widened to float. */
    static FloatVector oddBf16(IntVector pairs) {
        return pairs.and(0xFFFF0000).reinterpretAsFloats();
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

    // ---------------------------------------------------------------- GEMM (packed)

    /** Per-thread buffers, reused across calls. */
    private static final class Scratch {
        float[] panels = new float[0];
        float[] rowTmp = new float[0];
        float[] xPad = new float[0];
        final float[] cEdge = new float[MR * NR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Copies of x up to this size (16 MiB) are kept per calling thread; larger ones are not. */
    private static final int X_SCRATCH_KEEP = 1 << 22;

    /** A buffer of at least {@code n} floats for a copy of x, owned by the calling thread. */
    private static float[] scratchX(int n) {
        Scratch caller = SCRATCH.get();
        if (caller.xPad.length >= n) {
            return caller.xPad;
        }
        float[] a = new float[n];
        if (n <= X_SCRATCH_KEEP) {
            caller.xPad = a;
        }
        return a;
    }

    /** Transpose block along k while packing. */
    static final int TB = 64;
    /** Column tasks per worker: enough to balance a busy machine; x is shared, so tasks are cheap. */
    static final int TASKS_PER_THREAD = 4;

    /**
     * Row stride of the padded copy of x: {@code in} rounded up to a cache line plus one line, so
     * that the six rows of a micro-tile fall in different L1 sets even when {@code in} is a multiple
     * of 1024 (4 KiB rows would all map to the same sets of an 8-way L1 and evict each other and
     * the weight panel).
     */
    static int paddedStride(int in) {
        return (in + 15) / 16 * 16 + 16;
    }

    private void gemm(float[] x, int rows, int in, int outF, MemorySegment w, int kind, float[] b, float[] out) {
        // One padded copy of x, shared by all tasks (read-only there); rows padded to MR with zeros.
        int lda = paddedStride(in);
        int paddedRows = (rows + MR - 1) / MR * MR;
        float[] xp = scratchX(Math.multiplyExact(paddedRows, lda));
        parallel.forRange(0, rows, Math.max(1, (1 << 16) / in), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                System.arraycopy(x, r * in, xp, r * lda, in);
            }
        });
        Arrays.fill(xp, rows * lda, paddedRows * lda, 0f);

        int nPanels = (outF + NR - 1) / NR;
        int threads = parallel.threads();
        if (nPanels >= 2 * threads || rows < 4 * MR * threads) {
            long perPanel = (long) rows * in * NR;
            int byWork = (int) Math.max(1, (MIN_TASK_FMAS + perPanel - 1) / perPanel);
            int tasks = threads * TASKS_PER_THREAD;
            int grain = Math.max(byWork, (nPanels + tasks - 1) / tasks);
            parallel.forRange(0, nPanels, grain,
                    (p0, p1) -> gemmBlock(xp, lda, 0, rows, in, outF, w, kind, b, out, p0, p1));
        } else {
            int nRowBlocks = paddedRows / MR;
            long perBlock = (long) MR * in * outF;
            int grain = (int) Math.max(1, (MIN_TASK_FMAS + perBlock - 1) / perBlock);
            parallel.forRange(0, nRowBlocks, grain, (q0, q1) -> gemmBlock(
                    xp, lda, q0 * MR, Math.min(rows, q1 * MR), in, outF, w, kind, b, out, 0, nPanels));
        }
    }

    /**
     * Rows {@code [r0, r1)} x panels {@code [p0, p1)} of out. {@code xp}: x at row stride
     * {@code lda}, readable (zero) up to a multiple of MR rows.
     */
    private static void gemmBlock(float[] xp, int lda, int r0, int r1, int in, int outF, MemorySegment w,
                                  int kind, float[] b, float[] out, int p0, int p1) {
        Scratch s = SCRATCH.get();
        int panelFloats = in * NR; // one panel over all of k
        int ncp = (int) Math.max(1, Math.min(NC_PANELS, PACK_BUDGET_FLOATS / panelFloats));
        int need = Math.min(ncp, p1 - p0) * panelFloats;
        if (s.panels.length < need) {
            s.panels = new float[need];
        }
        int ldt = paddedStride(in);
        if (s.rowTmp.length < NR * ldt) {
            s.rowTmp = new float[NR * ldt];
        }
        float[] bp = s.panels;
        for (int jc = p0; jc < p1; jc += ncp) {
            int jn = Math.min(ncp, p1 - jc);
            for (int jr = 0; jr < jn; jr++) {
                pack(w, kind, in, outF, (jc + jr) * NR, bp, jr * panelFloats, s.rowTmp, ldt);
            }
            for (int pc = 0; pc < in; pc += KC) {
                int kc = Math.min(KC, in - pc);
                boolean acc = pc > 0;
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    int aBase = ic * lda + pc;
                    for (int jr = 0; jr < jn; jr++) {
                        int col = (jc + jr) * NR;
                        int bOff = jr * panelFloats + pc * NR;
                        boolean fullCols = col + NR <= outF;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int cOff = (ic + ir) * outF + col;
                            if (fullCols && mr == MR) {
                                kernel(xp, aBase + ir * lda, lda, bp, bOff, kc, out, cOff, outF, acc);
                            } else {
                                edge(xp, aBase + ir * lda, lda, mr, kc, bp, bOff, out, cOff, outF,
                                        Math.min(NR, outF - col), acc, s.cEdge);
                            }
                        }
                    }
                }
            }
            if (b != null) {
                int c0 = jc * NR;
                int c1 = Math.min(outF, (jc + jn) * NR);
                for (int r = r0; r < r1; r++) {
                    int base = r * outF;
                    for (int c = c0; c < c1; c++) {
                        out[base + c] += b[c];
                    }
                }
            }
        }
    }

    /**
     * A tile at an edge: {@code mr <= MR} valid rows (the rows of {@code a} past them must be
     * readable; their results are dropped), {@code nc <= NR} valid columns; through a scratch tile.
     */
    private static void edge(float[] a, int aOff, int lda, int mr, int kc, float[] bp, int bOff,
                             float[] out, int cOff, int ldc, int nc, boolean acc, float[] c) {
        if (acc) {
            for (int r = 0; r < mr; r++) {
                System.arraycopy(out, cOff + r * ldc, c, r * NR, nc);
            }
        }
        kernel(a, aOff, lda, bp, bOff, kc, c, 0, NR, acc);
        for (int r = 0; r < mr; r++) {
            System.arraycopy(c, r * NR, out, cOff + r * ldc, nc);
        }
    }

    /**
     * Packs weight rows {@code [col, col+NR)} (zero beyond {@code outF}) over all of k as
     * {@code dst[dstOff + k*NR + j] = W[col+j, k]}: each weight row is read as one long run
     * (prefetcher-friendly), converted into {@code tmp} at the padded stride {@code ldt} (so the
     * transposing reads of 16 rows do not collide in L1 sets), then transposed.
     */
    private static void pack(MemorySegment w, int kind, int in, int outF, int col,
                             float[] dst, int dstOff, float[] tmp, int ldt) {
        int nc = Math.min(NR, outF - col);
        for (int j = 0; j < nc; j++) {
            convert(w, kind, (long) (col + j) * in, tmp, j * ldt, in);
        }
        for (int j = nc; j < NR; j++) {
            Arrays.fill(tmp, j * ldt, j * ldt + in, 0f);
        }
        // Blocked over k so that both the 16 source runs and the destination stay in L1.
        for (int k0 = 0; k0 < in; k0 += TB) {
            int k1 = Math.min(in, k0 + TB);
            for (int j = 0; j < NR; j++) {
                int t = j * ldt;
                int d = dstOff + j;
                for (int k = k0; k < k1; k++) {
                    dst[d + k * NR] = tmp[t + k];
                }
            }
        }
    }

    /**
     * {@code c[6 x NR] (+)= a[6 x kc] * b[kc x NR]}; {@code a} rows at stride {@code lda}, {@code b}
     * k-major packed, {@code c} rows at stride {@code ldc}.
     */
    static void kernel(float[] a, int aOff, int lda, float[] b, int bOff, int kc,
                       float[] c, int cOff, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        int q0 = cOff, q1 = q0 + ldc, q2 = q1 + ldc, q3 = q2 + ldc, q4 = q3 + ldc, q5 = q4 + ldc;
        if (acc) {
            c00 = FloatVector.fromArray(F, c, q0);
            c01 = FloatVector.fromArray(F, c, q0 + L);
            c10 = FloatVector.fromArray(F, c, q1);
            c11 = FloatVector.fromArray(F, c, q1 + L);
            c20 = FloatVector.fromArray(F, c, q2);
            c21 = FloatVector.fromArray(F, c, q2 + L);
            c30 = FloatVector.fromArray(F, c, q3);
            c31 = FloatVector.fromArray(F, c, q3 + L);
            c40 = FloatVector.fromArray(F, c, q4);
            c41 = FloatVector.fromArray(F, c, q4 + L);
            c50 = FloatVector.fromArray(F, c, q5);
            c51 = FloatVector.fromArray(F, c, q5 + L);
        } else {
            c00 = FloatVector.zero(F);
            c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00;
            c30 = c00; c31 = c00; c40 = c00; c41 = c00; c50 = c00; c51 = c00;
        }
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int k = 0; k < kc; k++) {
            int bo = bOff + k * NR;
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector v;
            v = FloatVector.broadcast(F, a[a0 + k]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(F, a[a1 + k]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(F, a[a2 + k]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(F, a[a3 + k]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(F, a[a4 + k]);
            c40 = v.fma(b0, c40);
            c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(F, a[a5 + k]);
            c50 = v.fma(b0, c50);
            c51 = v.fma(b1, c51);
        }
        c00.intoArray(c, q0);
        c01.intoArray(c, q0 + L);
        c10.intoArray(c, q1);
        c11.intoArray(c, q1 + L);
        c20.intoArray(c, q2);
        c21.intoArray(c, q2 + L);
        c30.intoArray(c, q3);
        c31.intoArray(c, q3 + L);
        c40.intoArray(c, q4);
        c41.intoArray(c, q4 + L);
        c50.intoArray(c, q5);
        c51.intoArray(c, q5 + L);
    }
}
