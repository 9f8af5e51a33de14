package dev.nemotron.train.fp8;

import dev.nemotron.api.tensor.E4M3;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector loops of {@link BlockQuantizer#fakeQuantize(double[], int, int, BlockShape)}: one row
 * of a block row at a time, with a scale per column, so that every block shape (1×128 tiles,
 * 128×1 tiles, 128×128 blocks) runs over contiguous memory. Exactly {@link E4M3#round}: the
 * tails run the scalar method and the tests hold the whole against quantise-then-dequantise.
 *
 * <pre>
 * finiteMax: m[i] = max(m[i], |x[i]|) over finite x[i]           (the blocks' amax, per column)
 * round:     out[i] = E4M3.round(x[i] / s[i]) * s[i], per lane:
 *   1. v = x / s;  a = |v|
 *   2. a >= 2^-6: keep 3 significand bits, ties to even:  bits + 2^48 - 1 + bit49, low 49 bits cleared
 *      a <  2^-6: a multiple of 2^-9, ties to even:      (a + 2^43) - 2^43
 *   3. a >= 448 (and inf): 448;  the sign of v;  NaN stays NaN
 * </pre>
 */
final class FakeQuantKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private FakeQuantKernel() {
    }

    /** {@code m[i] = max(m[i], |x[xo + i]|)} for finite {@code x}, {@code i < n}. */
    static void finiteMax(double[] x, int xo, double[] m, int n) {
        int i = 0;
        for (int vb = n - n % L; i < vb; i += L) {
            DoubleVector a = DoubleVector.fromArray(S, x, xo + i).abs();
            a = DoubleVector.zero(S).blend(a, a.compare(VectorOperators.LT, Double.POSITIVE_INFINITY)); // NaN, inf: 0
            DoubleVector.fromArray(S, m, i).max(a).intoArray(m, i);
        }
        for (; i < n; i++) {
            double a = Math.abs(x[xo + i]);
            if (a > m[i] && a != Double.POSITIVE_INFINITY) {
                m[i] = a;
            }
        }
    }

    /** {@code out[o + i] = E4M3.round(x[o + i] / s[i]) * s[i]} for {@code i < n}. */
    static void round(double[] x, int o, double[] s, double[] out, int n) {
        int i = 0;
        for (int vb = n - n % L; i < vb; i += L) {
            DoubleVector sc = DoubleVector.fromArray(S, s, i);
            // 1.
            DoubleVector v = DoubleVector.fromArray(S, x, o + i).div(sc);
            DoubleVector a = v.abs();
            // 2.
            LongVector bits = a.viewAsIntegralLanes().reinterpretAsLongs();
            LongVector lsb = bits.lanewise(VectorOperators.LSHR, 49).and(1L);
            DoubleVector normal = bits.add((1L << 48) - 1).add(lsb).and(-(1L << 49)).reinterpretAsDoubles();
            DoubleVector sub = a.add(0x1p43).sub(0x1p43);
            DoubleVector r = normal.blend(sub, a.compare(VectorOperators.LT, (double) E4M3.MIN_NORMAL));
            // 3.
            r = r.blend(E4M3.MAX, a.compare(VectorOperators.GE, (double) E4M3.MAX));
            LongVector sign = v.viewAsIntegralLanes().reinterpretAsLongs().and(Long.MIN_VALUE);
            r = r.viewAsIntegralLanes().reinterpretAsLongs().or(sign).reinterpretAsDoubles();
            VectorMask<Double> nan = v.test(VectorOperators.IS_NAN);
            r.blend(v, nan).mul(sc).intoArray(out, o + i);
        }
        for (; i < n; i++) {
            out[o + i] = E4M3.round(x[o + i] / s[i]) * s[i];
        }
    }
}
