package dev.nemotron.backend.java.linear;

import dev.nemotron.api.backend.LinearKernels;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A simple, self-contained {@code x · Wᵀ + b}: one Vector API dot product per output element,
 * output features split over cores. Weights are read in place from their segment (F32, BF16);
 * F16 rows, and every row when there are several input rows, are first widened into a float
 * scratch row so each weight row is decoded once per call.
 */
public final class SimpleLinearKernels implements LinearKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long WORK_PER_TASK = 1 << 15;

    private final Parallel parallel;

    public SimpleLinearKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void matmul(float[] x, int rows, Tensor weight, Tensor bias, float[] out) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("weight must be [out, in]: " + weight);
        }
        DType type = weight.dtype();
        if (type != DType.F32 && type != DType.BF16 && type != DType.F16) {
            throw new IllegalArgumentException("unsupported weight type " + type);
        }
        int outF = Math.toIntExact(weight.dim(0));
        int in = Math.toIntExact(weight.dim(1));
        if (x.length < (long) rows * in || out.length < (long) rows * outF) {
            throw new IllegalArgumentException("x or out too small for " + rows + " rows of " + weight);
        }
        float[] b = bias == null ? null : biasFloats(bias, outF);
        MemorySegment w = weight.data();
        boolean scratchRows = type == DType.F16 || rows > 1;
        int grain = (int) Math.max(1, WORK_PER_TASK / Math.max(1L, (long) in * rows));
        parallel.forRange(0, outF, grain, (o0, o1) -> {
            float[] row = scratchRows ? new float[in] : null;
            for (int o = o0; o < o1; o++) {
                long rowByte = (long) o * in * type.byteSize();
                float bo = b == null ? 0f : b[o];
                if (scratchRows) {
                    widenRow(type, w, rowByte, in, row);
                    int r = 0;
                    for (; r + 4 <= rows; r += 4) {
                        dot4(x, r * in, in, row, out, r * outF + o, outF, bo);
                    }
                    for (; r < rows; r++) {
                        out[r * outF + o] = dot(x, r * in, row, in) + bo;
                    }
                } else if (type == DType.F32) {
                    out[o] = dotF32(x, w, rowByte, in) + bo;
                } else {
                    out[o] = dotBf16(x, w, rowByte, in) + bo;
                }
            }
        });
    }

    private static float[] biasFloats(Tensor bias, int outF) {
        if (bias.numel() != outF) {
            throw new IllegalArgumentException("bias must have " + outF + " elements: " + bias);
        }
        float[] b = new float[outF];
        for (int i = 0; i < outF; i++) {
            b[i] = bias.getFloat(i);
        }
        return b;
    }

    private static float dot(float[] x, int xo, float[] row, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            acc = FloatVector.fromArray(F, x, xo + i).fma(FloatVector.fromArray(F, row, i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[xo + i] * row[i];
        }
        return s;
    }

    /** Four input rows (from {@code xo}, {@code n} apart) against one weight row, sharing its loads. */
    private static void dot4(float[] x, int xo, int n, float[] row, float[] out, int oo, int os,
                             float bias) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            FloatVector w = FloatVector.fromArray(F, row, i);
            a0 = FloatVector.fromArray(F, x, xo + i).fma(w, a0);
            a1 = FloatVector.fromArray(F, x, xo + n + i).fma(w, a1);
            a2 = FloatVector.fromArray(F, x, xo + 2 * n + i).fma(w, a2);
            a3 = FloatVector.fromArray(F, x, xo + 3 * n + i).fma(w, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s0 += x[xo + i] * row[i];
            s1 += x[xo + n + i] * row[i];
            s2 += x[xo + 2 * n + i] * row[i];
            s3 += x[xo + 3 * n + i] * row[i];
        }
        out[oo] = s0 + bias;
        out[oo + os] = s1 + bias;
        out[oo + 2 * os] = s2 + bias;
        out[oo + 3 * os] = s3 + bias;
    }

    private static float dotF32(float[] x, MemorySegment w, long off, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            FloatVector wv = FloatVector.fromMemorySegment(F, w, off + 4L * i, LE);
            acc = FloatVector.fromArray(F, x, i).fma(wv, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[i] * w.get(Tensor.F32_LE, off + 4L * i);
        }
        return s;
    }

    private static float dotBf16(float[] x, MemorySegment w, long off, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            acc = FloatVector.fromArray(F, x, i).fma(loadBf16(w, off + 2L * i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[i] * bf16(w.get(Tensor.I16_LE, off + 2L * i));
        }
        return s;
    }

    /** Loads {@code LANES} BF16 values: widen to int, shift left 16, reinterpret as float. */
    private static FloatVector loadBf16(MemorySegment w, long off) {
        ShortVector sv = ShortVector.fromMemorySegment(S, w, off, LE);
        IntVector iv = (IntVector) sv.convertShape(VectorOperators.S2I, I, 0);
        return iv.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static float bf16(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    private static void widenRow(DType type, MemorySegment w, long off, int n, float[] row) {
        switch (type) {
            case F32 -> MemorySegment.copy(w, Tensor.F32_LE, off, row, 0, n);
            case BF16 -> {
                int i = 0;
                for (int bound = F.loopBound(n); i < bound; i += LANES) {
                    loadBf16(w, off + 2L * i).intoArray(row, i);
                }
                for (; i < n; i++) {
                    row[i] = bf16(w.get(Tensor.I16_LE, off + 2L * i));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    row[i] = Float.float16ToFloat(w.get(Tensor.I16_LE, off + 2L * i));
                }
            }
        }
    }
}
