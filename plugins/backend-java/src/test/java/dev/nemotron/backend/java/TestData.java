package dev.nemotron.backend.java;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Random inputs, weight tensors in F32/BF16/F16, and a max-norm relative error check. */
public final class TestData {
    private TestData() {
    }

    /** {@code n} uniform values in {@code [lo, hi)}. */
    public static float[] uniform(SplittableRandom rnd, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return a;
    }

    /** {@code n} values in {@code [-1, 1)}. */
    public static float[] randn(SplittableRandom rnd, int n) {
        return uniform(rnd, n, -1, 1);
    }

    /** A float32 tensor in native memory (not backed by the array). */
    public static Tensor f32(float[] v, long... shape) {
        MemorySegment seg = Arena.ofAuto().allocate(4L * v.length, 4);
        MemorySegment.copy(v, 0, seg, Tensor.F32_LE, 0, v.length);
        return new Tensor(DType.F32, shape, seg);
    }

    /** {@code v} rounded to {@code type} (F32, BF16 or F16), as floats. */
    public static float[] rounded(float[] v, DType type) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = switch (type) {
                case F32 -> v[i];
                case BF16 -> Float.intBitsToFloat((bf16Bits(v[i]) & 0xFFFF) << 16);
                case F16 -> Float.float16ToFloat(Float.floatToFloat16(v[i]));
                default -> throw new IllegalArgumentException(type.toString());
            };
        }
        return r;
    }

    /** {@code v} stored as {@code type} (rounded to nearest even) in native memory. */
    public static Tensor tensor(float[] v, DType type, long... shape) {
        if (type == DType.F32) {
            return f32(v, shape);
        }
        MemorySegment seg = Arena.ofAuto().allocate(2L * v.length, 2);
        for (int i = 0; i < v.length; i++) {
            short bits = type == DType.BF16 ? bf16Bits(v[i]) : Float.floatToFloat16(v[i]);
            seg.setAtIndex(Tensor.I16_LE, i, bits);
        }
        return new Tensor(type, shape, seg);
    }

    private static short bf16Bits(float f) {
        int bits = Float.floatToRawIntBits(f);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** Widens to double. */
    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** {@code max|actual-expected| / max|expected|} over the first {@code n} elements. */
    public static double relError(float[] actual, double[] expected, int n) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < n; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            if (!(diff <= maxDiff)) {
                maxDiff = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
            }
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    /** Asserts the max-norm relative error of {@code actual} against {@code expected}. */
    public static void assertClose(float[] actual, double[] expected, int n, double tol, String what) {
        assertThat(actual.length).as(what + " length").isGreaterThanOrEqualTo(n);
        assertThat(relError(actual, expected, n)).as(what + " relative error").isLessThanOrEqualTo(tol);
    }

    /** Float version of {@link #assertClose(float[], double[], int, double, String)}. */
    public static void assertClose(float[] actual, float[] expected, int n, double tol, String what) {
        assertClose(actual, toDouble(expected), n, tol, what);
    }
}
