package dev.nemotron.backend.java.attention;

import static dev.nemotron.backend.java.simd.Simd.F;
import static dev.nemotron.backend.java.simd.Simd.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot product and axpy of float32 against bfloat16 bits (a BF16 KV cache): L shorts widened to L
 * ints, shifted into the high half, reinterpreted as floats; scalar tails.
 */
final class Bf16Simd {
    private Bf16Simd() {
    }

    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    @SuppressWarnings("unchecked")
    private static final VectorSpecies<Short> S =
            (VectorSpecies<Short>) VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));

    static FloatVector load(short[] a, int off) {
        IntVector i = (IntVector) ShortVector.fromArray(S, a, off).convertShape(VectorOperators.S2I, I, 0);
        return i.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static float widen(short s) {
        return Float.intBitsToFloat((s & 0xFFFF) << 16);
    }

    /** {@code sum_i a[ao+i] * bf16(b[bo+i])} for {@code i < n}. */
    static float dot(float[] a, int ao, short[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(load(b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[ao + i] * widen(b[bo + i]);
        }
        return s;
    }

    /** {@code y[yo+i] += alpha * bf16(x[xo+i])} for {@code i < n}. */
    static void axpy(float alpha, short[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            load(x, xo + i).fma(va, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * widen(x[xo + i]);
        }
    }
}
