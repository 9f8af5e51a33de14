package dev.nemotron.backend.java.linear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import dev.nemotron.backend.java.linear.VectorLinearKernelsTest.Storage;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The batch-1 BF16 GEMV kernel ({@link GemvStream#dotRowBf16}: one weight row at a time, 64
 * weights per iteration, then 16, then a scalar tail) against the float64 reference, at every
 * length from 1 to 200 (every tail of both vector loops, odd lengths with an unpaired last
 * element) and at the model shapes, on a segment at an odd byte offset; and through
 * {@link VectorLinearKernels#matmul} (split over two threads) with outputs not a multiple of 4.
 */
class GemvRowBf16Test {
    @Test
    void everyLengthMatchesFloat64() {
        int outF = 3;
        for (int in = 1; in <= 200; in++) {
            check(in, outF, new SplittableRandom(in));
        }
        for (int in : new int[] {767, 768, 1031, 2560}) {
            check(in, 5, new SplittableRandom(in));
        }
    }

    private static void check(int in, int outF, SplittableRandom rnd) {
        float[] x = VectorLinearKernelsTest.randoms(rnd, in);
        float[] w = VectorLinearKernelsTest.round(VectorLinearKernelsTest.randoms(rnd, outF * in), DType.BF16);
        float[] xd = new float[in];
        GemvStream.deinterleave(x, 1, in, xd);
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = VectorLinearKernelsTest.tensor(w, DType.BF16, new long[] {outF, in}, Storage.NATIVE_ODD_OFFSET, arena);
            double[] want = VectorLinearKernelsTest.reference(x, 1, in, outF, w, null);
            for (int o = 0; o < outF; o++) {
                float got = GemvStream.dotRowBf16(x, xd, in, t.data(), o);
                double tol = 1e-5 * (1 + VectorLinearKernelsTest.absDot(x, w, 0, o, in));
                assertThat((double) got).as("in=%d o=%d", in, o).isCloseTo(want[o], Offset.offset(tol));
            }
        }
    }

    @Test
    void batchOneMatmulOverTwoThreadsMatchesFloat64() {
        SplittableRandom rnd = new SplittableRandom(9);
        try (Parallel two = new Parallel(2); Arena arena = Arena.ofConfined()) {
            for (int[] s : new int[][] {{101, 3001}, {70, 4099}, {768, 517}}) {
                int in = s[0], outF = s[1];
                float[] x = VectorLinearKernelsTest.randoms(rnd, in);
                float[] w = VectorLinearKernelsTest.round(VectorLinearKernelsTest.randoms(rnd, outF * in), DType.BF16);
                float[] b = VectorLinearKernelsTest.randoms(rnd, outF);
                Tensor t = VectorLinearKernelsTest.tensor(w, DType.BF16, new long[] {outF, in}, Storage.HEAP_BYTES, arena);
                Tensor bias = VectorLinearKernelsTest.tensor(b, DType.F32, new long[] {outF}, Storage.HEAP_BYTES, arena);
                float[] got = new float[outF];
                java.util.Arrays.fill(got, Float.NaN);
                new VectorLinearKernels(two).matmul(x, 1, t, bias, got);
                double[] want = VectorLinearKernelsTest.reference(x, 1, in, outF, w, b);
                for (int o = 0; o < outF; o++) {
                    double tol = 1e-5 * (1 + VectorLinearKernelsTest.absDot(x, w, 0, o, in) + Math.abs(b[o]));
                    assertThat((double) got[o]).as("in=%d out=%d o=%d", in, outF, o).isCloseTo(want[o], Offset.offset(tol));
                }
            }
        }
    }
}
