package dev.nemotron.backend.java.linear;

import static dev.nemotron.backend.java.linear.WeightReader.L;
import static dev.nemotron.backend.java.linear.WeightReader.LE;

import dev.nemotron.api.tensor.Q8_0;
import dev.nemotron.api.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMV over {@link dev.nemotron.api.tensor.DType#Q8_0} weights, streamed from their segment in
 * GGML's block layout (no repacking), widened in registers with integer shifts only.
 *
 * <pre>
 * w  [outF, in] as outF rows of in/32 blocks (34 bytes: f16 d, 32 x int8 q); in % 32 == 0
 * x  [rows, in] float32
 * out[r, o] = sum_blocks d[o, blk] * sum_j q[o, blk, j] * x[r, blk*32 + j]
 *
 * 1. x is permuted once per call (xp): the 32 int8 of a block are read as QL ints (QL = 8 lanes,
 *    4 on 128-bit vectors: then two loads per block); int lane l of load g holds bytes
 *    g*4QL + 4l + p for p = 0..3. Byte p is sign-extended by (i << 24-8p) >> 24 and converted to
 *    float, so xp[blk*32 + g*4QL + p*QL + l] = x[blk*32 + g*4QL + 4l + p] lines up with it.
 *    (A byte-to-float vector cast would be simpler, but C2 does not compile it on AVX2.)
 * 2. per block: the 32 products summed in a vector, then scaled by d into the row's accumulator
 * 3. four weight rows per pass share each x vector; lanes reduced at the end
 * </pre>
 */
final class GemvQ8 {
    private GemvQ8() {
    }

    /** Lanes per int load: 8 (a 256-bit vector holds 32 bytes, one block), or fewer on narrow vectors. */
    static final int QL = Math.min(L, 8);
    static final VectorSpecies<Float> FQ = FloatVector.SPECIES_PREFERRED.length() == QL
            ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_256;
    static final VectorSpecies<Integer> IQ = FQ.withLanes(int.class);
    /** Int loads per block. */
    static final int G = Q8_0.BLOCK / (4 * QL);

    static {
        if (G * 4 * QL != Q8_0.BLOCK) {
            throw new ExceptionInInitializerError("Q8_0 GEMV needs 4 or 8 float lanes, have " + QL);
        }
    }

    /** x rows permuted as step 1 says, into {@code xp} ({@code rows * in} floats). */
    static void permute(float[] x, int rows, int in, float[] xp) {
        for (int base = 0; base < rows * in; base += 4 * QL) {
            for (int p = 0; p < 4; p++) {
                for (int l = 0; l < QL; l++) {
                    xp[base + p * QL + l] = x[base + 4 * l + p];
                }
            }
        }
    }

    /** Output rows {@code [o0, o1)} for every row of x ({@code xp} permuted), bias added when not null. */
    static void range(float[] xp, int rows, int in, int outF, MemorySegment w, float[] b, float[] out, int o0, int o1) {
        long rowBytes = (long) (in / Q8_0.BLOCK) * Q8_0.BLOCK_BYTES;
        int o = o0;
        for (; o + 4 <= o1; o += 4) {
            for (int r = 0; r < rows; r++) {
                dot4(xp, r * in, in, w, o * rowBytes, rowBytes, out, r * outF + o);
            }
        }
        for (; o < o1; o++) {
            for (int r = 0; r < rows; r++) {
                out[r * outF + o] = dot1(xp, r * in, in, w, o * rowBytes);
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

    private static IntVector load(MemorySegment w, long at) {
        return IntVector.fromMemorySegment(IQ, w, at, LE);
    }

    /** Byte {@code p} of every int lane, sign-extended, as floats. */
    private static FloatVector part(IntVector v, int p) {
        IntVector s = p == 3 ? v : v.lanewise(VectorOperators.LSHL, 24 - 8 * p);
        return (FloatVector) s.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0);
    }

    private static float d(MemorySegment w, long at) {
        return Float.float16ToFloat(w.get(Tensor.I16_LE, at));
    }

    private static void dot4(float[] xp, int xOff, int in, MemorySegment w, long r0, long rowBytes, float[] out,
                             int outOff) {
        long r1 = r0 + rowBytes;
        long r2 = r1 + rowBytes;
        long r3 = r2 + rowBytes;
        FloatVector a0 = FloatVector.zero(FQ), a1 = a0, a2 = a0, a3 = a0;
        int nb = in / Q8_0.BLOCK;
        for (int blk = 0; blk < nb; blk++) {
            long at = (long) blk * Q8_0.BLOCK_BYTES;
            int xk = xOff + blk * Q8_0.BLOCK;
            FloatVector s0 = FloatVector.zero(FQ), s1 = s0, s2 = s0, s3 = s0;
            for (int g = 0; g < G; g++) {
                long qa = at + 2 + 4L * QL * g;
                IntVector q0 = load(w, r0 + qa), q1 = load(w, r1 + qa), q2 = load(w, r2 + qa), q3 = load(w, r3 + qa);
                for (int p = 0; p < 4; p++) {
                    FloatVector xv = FloatVector.fromArray(FQ, xp, xk + g * 4 * QL + p * QL);
                    s0 = part(q0, p).fma(xv, s0);
                    s1 = part(q1, p).fma(xv, s1);
                    s2 = part(q2, p).fma(xv, s2);
                    s3 = part(q3, p).fma(xv, s3);
                }
            }
            a0 = s0.fma(FloatVector.broadcast(FQ, d(w, r0 + at)), a0);
            a1 = s1.fma(FloatVector.broadcast(FQ, d(w, r1 + at)), a1);
            a2 = s2.fma(FloatVector.broadcast(FQ, d(w, r2 + at)), a2);
            a3 = s3.fma(FloatVector.broadcast(FQ, d(w, r3 + at)), a3);
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD);
        out[outOff + 1] = a1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2] = a2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3] = a3.reduceLanes(VectorOperators.ADD);
    }

    private static float dot1(float[] xp, int xOff, int in, MemorySegment w, long r0) {
        FloatVector a = FloatVector.zero(FQ);
        int nb = in / Q8_0.BLOCK;
        for (int blk = 0; blk < nb; blk++) {
            long at = r0 + (long) blk * Q8_0.BLOCK_BYTES;
            int xk = xOff + blk * Q8_0.BLOCK;
            FloatVector s = FloatVector.zero(FQ);
            for (int g = 0; g < G; g++) {
                IntVector qv = load(w, at + 2 + 4L * QL * g);
                for (int p = 0; p < 4; p++) {
                    s = part(qv, p).fma(FloatVector.fromArray(FQ, xp, xk + g * 4 * QL + p * QL), s);
                }
            }
            a = s.fma(FloatVector.broadcast(FQ, d(w, at)), a);
        }
        return a.reduceLanes(VectorOperators.ADD);
    }

    /** {@code dst[dstOff .. dstOff+n) = w[elem .. elem+n)} dequantized, in order; {@code elem} and {@code n} multiples of 32. */
    static void convert(MemorySegment w, long elem, float[] dst, int dstOff, int n) {
        long blk0 = elem / Q8_0.BLOCK;
        for (int i = 0; i < n; i += Q8_0.BLOCK) {
            long at = (blk0 + i / Q8_0.BLOCK) * Q8_0.BLOCK_BYTES;
            float d = d(w, at);
            for (int j = 0; j < Q8_0.BLOCK; j++) {
                dst[dstOff + i + j] = d * w.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 2 + j);
            }
        }
    }
}
