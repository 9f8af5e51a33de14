package dev.nemotron.backend.java.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VectorLinearKernelsTest {
    private static Parallel two;
    private static Parallel one;

    @BeforeAll
    static void pools() {
        two = new Parallel(2);
        one = new Parallel(1);
    }

    @AfterAll
    static void close() {
        two.close();
        one.close();
    }

    /** Where the weight bytes live. */
    enum Storage { HEAP_FLOATS, HEAP_BYTES, NATIVE_ODD_OFFSET }

    static Stream<Arguments> cases() {
        int[][] sizes = {
            // rows, in, out
            {1, 1, 1}, {1, 7, 5}, {1, 65, 17}, {1, 256, 64}, {1, 1000, 37},
            {2, 9, 3}, {3, 65, 17}, {5, 33, 40}, {6, 16, 16}, {7, 65, 17}, {13, 300, 33},
            {12, 257, 48}, {37, 129, 70}, {64, 64, 64}, {130, 70, 9}, {200, 513, 2},
            {97, 600, 131}, {8, 1024, 96},
        };
        List<Arguments> out = new ArrayList<>();
        int i = 0;
        for (int[] s : sizes) {
            for (DType t : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                Storage st = Storage.values()[i % 3];
                boolean bias = (i % 2) == 0;
                DType biasType = bias ? new DType[] {DType.F32, DType.BF16, DType.F16}[(i / 2) % 3] : null;
                out.add(Arguments.of(s[0], s[1], s[2], t, st, biasType, (i % 4) == 3 ? 1 : 2));
                i++;
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "rows={0} in={1} out={2} w={3} {4} bias={5} threads={6}")
    @MethodSource("cases")
    void matchesFloat64Reference(int rows, int in, int outF, DType wt, Storage st, DType biasType, int threads) {
        SplittableRandom rnd = new SplittableRandom(31L * rows + 7L * in + outF + wt.ordinal());
        float[] x = randoms(rnd, rows * in);
        float[] w = round(randoms(rnd, outF * in), wt);
        float[] b = biasType == null ? null : round(randoms(rnd, outF), biasType);
        try (Arena arena = Arena.ofShared()) {
            Tensor weight = tensor(w, wt, new long[] {outF, in}, st, arena);
            Tensor bias = b == null ? null : tensor(b, biasType, new long[] {outF}, Storage.HEAP_BYTES, arena);
            float[] got = new float[rows * outF];
            java.util.Arrays.fill(got, Float.NaN); // must be overwritten
            new VectorLinearKernels(threads == 1 ? one : two).matmul(x, rows, weight, bias, got);
            double[] want = reference(x, rows, in, outF, w, b);
            for (int j = 0; j < want.length; j++) {
                double tol = 1e-5 * (1 + absDot(x, w, j / outF, j % outF, in) + (b == null ? 0 : Math.abs(b[j % outF])));
                assertThat((double) got[j]).as("out[%d, %d]", j / outF, j % outF).isCloseTo(want[j],
                        org.assertj.core.data.Offset.offset(tol));
            }
        }
    }

    static Stream<Arguments> everyRowCount() {
        List<Arguments> out = new ArrayList<>();
        int[] rowCounts = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                           23, 24, 25, 31, 32, 33, 47, 48, 49};
        for (int rows : rowCounts) {
            for (DType t : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                // in: odd (scalar tails, odd BF16 pairs) and longer than a GEMV slice; out: not a multiple of 4
                out.add(Arguments.of(rows, 67, 37, t));
                out.add(Arguments.of(rows, 1030, 13, t));
            }
        }
        return out.stream();
    }

    /** Every path and its edges (GEMV stream, blocked, GEMM; every threshold), against float64. */
    @ParameterizedTest(name = "rows={0} in={1} out={2} w={3}")
    @MethodSource("everyRowCount")
    void everyRowCountMatchesFloat64(int rows, int in, int outF, DType wt) {
        SplittableRandom rnd = new SplittableRandom(1000L * rows + in + wt.ordinal());
        float[] x = randoms(rnd, rows * in);
        float[] w = round(randoms(rnd, outF * in), wt);
        float[] b = round(randoms(rnd, outF), wt);
        try (Arena arena = Arena.ofShared()) {
            Tensor weight = tensor(w, wt, new long[] {outF, in}, Storage.NATIVE_ODD_OFFSET, arena);
            Tensor bias = tensor(b, wt, new long[] {outF}, Storage.HEAP_BYTES, arena);
            for (Parallel p : new Parallel[] {one, two}) {
                float[] got = new float[rows * outF];
                java.util.Arrays.fill(got, Float.NaN);
                new VectorLinearKernels(p).matmul(x, rows, weight, bias, got);
                double[] want = reference(x, rows, in, outF, w, b);
                for (int j = 0; j < want.length; j++) {
                    double tol = 1e-5 * (1 + absDot(x, w, j / outF, j % outF, in) + Math.abs(b[j % outF]));
                    assertThat((double) got[j]).as("threads %d out[%d, %d]", p.threads(), j / outF, j % outF)
                            .isCloseTo(want[j], org.assertj.core.data.Offset.offset(tol));
                }
            }
        }
    }

    @Test
    void largerSquareAgainstReference() {
        int rows = 131, in = 1031, outF = 263;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = randoms(rnd, rows * in);
        float[] w = round(randoms(rnd, outF * in), DType.BF16);
        try (Arena arena = Arena.ofShared()) {
            Tensor weight = tensor(w, DType.BF16, new long[] {outF, in}, Storage.NATIVE_ODD_OFFSET, arena);
            float[] got = new float[rows * outF];
            new VectorLinearKernels(two).matmul(x, rows, weight, null, got);
            double[] want = reference(x, rows, in, outF, w, null);
            for (int j = 0; j < want.length; j++) {
                double tol = 1e-5 * (1 + absDot(x, w, j / outF, j % outF, in));
                assertThat((double) got[j]).isCloseTo(want[j], org.assertj.core.data.Offset.offset(tol));
            }
        }
    }

    @Test
    void f16SpecialValuesConvertExactly() {
        // Subnormals, the largest normal, signed zero, infinities: x = identity picks each weight.
        short[] halves = {0x0001, 0x03ff, 0x0400, 0x3c00, (short) 0xbc00, 0x7bff, (short) 0x8000,
                          (short) 0x8001, 0x3555, 0x7c00, (short) 0xfc00, 0x1234, 0x5678, (short) 0x9abc,
                          0x0200, (short) 0xc000, 0x4000};
        int n = halves.length;
        float[] w = new float[n * n]; // diagonal weight
        MemorySegment seg = MemorySegment.ofArray(new byte[n * n * 2]);
        for (int i = 0; i < n; i++) {
            seg.setAtIndex(Tensor.I16_LE, (long) i * n + i, halves[i]);
        }
        float[] x = new float[n];
        java.util.Arrays.fill(x, 1f);
        float[] got = new float[n];
        new VectorLinearKernels(two).matmul(x, 1, new Tensor(DType.F16, new long[] {n, n}, seg), null, got);
        for (int i = 0; i < n; i++) {
            float want = Float.float16ToFloat(halves[i]);
            assertThat(got[i]).as("half 0x%04x", halves[i] & 0xffff).isEqualTo(want);
        }
        // And through the packed path (6 rows of the identity).
        float[] x6 = new float[6 * n];
        float[] out6 = new float[6 * n];
        java.util.Arrays.fill(x6, 1f);
        new VectorLinearKernels(two).matmul(x6, 6, new Tensor(DType.F16, new long[] {n, n}, seg), null, out6);
        for (int r = 0; r < 6; r++) {
            for (int i = 0; i < n; i++) {
                assertThat(out6[r * n + i]).isEqualTo(Float.float16ToFloat(halves[i]));
            }
        }
    }

    @Test
    void zeroSizes() {
        VectorLinearKernels k = new VectorLinearKernels(two);
        float[] out = {5f, 5f};
        k.matmul(new float[0], 2, Tensor.ofFloats(new float[0], 1, 0), Tensor.ofFloats(new float[] {3f}, 1), out);
        assertThat(out).containsExactly(3f, 3f);
        k.matmul(new float[0], 0, Tensor.ofFloats(new float[4], 2, 2), null, new float[0]);
    }

    @Test
    void rejectsBadArguments() {
        VectorLinearKernels k = new VectorLinearKernels(one);
        Tensor w = Tensor.ofFloats(new float[6], 2, 3);
        assertThatThrownBy(() -> k.matmul(new float[5], 2, w, null, new float[4]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> k.matmul(new float[6], 2, w, null, new float[3]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> k.matmul(new float[6], 2, w, Tensor.ofFloats(new float[3], 3), new float[4]))
                .isInstanceOf(IllegalArgumentException.class);
        Tensor ints = new Tensor(DType.I32, new long[] {2, 3}, MemorySegment.ofArray(new int[6]));
        assertThatThrownBy(() -> k.matmul(new float[6], 2, ints, null, new float[4]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ helpers

    static float[] randoms(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** The values as they survive a round trip through {@code t}. */
    static float[] round(float[] a, DType t) {
        float[] r = a.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] = switch (t) {
                case F32 -> a[i];
                case BF16 -> Float.intBitsToFloat(bf16Bits(a[i]) << 16);
                case F16 -> Float.float16ToFloat(Float.floatToFloat16(a[i]));
                default -> throw new IllegalArgumentException();
            };
        }
        return r;
    }

    static int bf16Bits(float f) {
        int bits = Float.floatToRawIntBits(f);
        return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff; // round to nearest even
    }

    /** A tensor of {@code t} holding {@code v} (already representable in {@code t}). */
    static Tensor tensor(float[] v, DType t, long[] shape, Storage st, Arena arena) {
        int size = t.byteSize();
        MemorySegment seg = switch (st) {
            case HEAP_FLOATS -> t == DType.F32 ? MemorySegment.ofArray(v.clone())
                    : MemorySegment.ofArray(new short[v.length]);
            case HEAP_BYTES -> MemorySegment.ofArray(new byte[v.length * size]);
            case NATIVE_ODD_OFFSET -> arena.allocate((long) v.length * size + 7, 1).asSlice(3, (long) v.length * size);
        };
        if (!(st == Storage.HEAP_FLOATS && t == DType.F32)) {
            for (int i = 0; i < v.length; i++) {
                switch (t) {
                    case F32 -> seg.setAtIndex(Tensor.F32_LE, i, v[i]);
                    case BF16 -> seg.setAtIndex(Tensor.I16_LE, i, (short) (Float.floatToRawIntBits(v[i]) >>> 16));
                    case F16 -> seg.setAtIndex(Tensor.I16_LE, i, Float.floatToFloat16(v[i]));
                    default -> throw new IllegalArgumentException();
                }
            }
        }
        return new Tensor(t, shape, seg);
    }

    static double[] reference(float[] x, int rows, int in, int outF, float[] w, float[] b) {
        double[] out = new double[rows * outF];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outF; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += (double) x[r * in + i] * w[o * in + i];
                }
                out[r * outF + o] = s;
            }
        }
        return out;
    }

    static double absDot(float[] x, float[] w, int r, int o, int in) {
        double s = 0;
        for (int i = 0; i < in; i++) {
            s += Math.abs((double) x[r * in + i] * w[o * in + i]);
        }
        return s;
    }
}
