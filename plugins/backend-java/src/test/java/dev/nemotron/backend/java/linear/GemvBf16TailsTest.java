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
 * The decode GEMV of BF16 weights (one and two rows of x: {@link GemvStream}'s four-row kernels
 * over bf16 pairs, the de-interleaved x, the scalar tails, the one-row remainder of the output)
 * against the float64 reference at every length from 1 to 200 (every tail, odd lengths with an
 * unpaired last element), on a segment at an odd byte offset, split over two threads in chunks
 * of {@link Gemv#MIN_TASK_FMAS}.
 */
class GemvBf16TailsTest {
    @Test
    void everyLengthMatchesFloat64() {
        try (Parallel two = new Parallel(2); Arena arena = Arena.ofShared()) {
            for (int in = 1; in <= 200; in++) {
                check(two, arena, 1, in, 7, new SplittableRandom(in));
                check(two, arena, 2, in, 7, new SplittableRandom(1000 + in));
            }
        }
    }

    @Test
    void modelShapesSplitIntoManyChunksMatchFloat64() {
        try (Parallel two = new Parallel(2); Arena arena = Arena.ofShared()) {
            for (int[] s : new int[][] {{768, 1803}, {1031, 517}, {2560, 301}, {70, 4099}}) {
                check(two, arena, 1, s[0], s[1], new SplittableRandom(s[0]));
            }
        }
    }

    private static void check(Parallel p, Arena arena, int rows, int in, int outF, SplittableRandom rnd) {
        float[] x = VectorLinearKernelsTest.randoms(rnd, rows * in);
        float[] w = VectorLinearKernelsTest.round(VectorLinearKernelsTest.randoms(rnd, outF * in), DType.BF16);
        float[] b = VectorLinearKernelsTest.randoms(rnd, outF);
        Tensor t = VectorLinearKernelsTest.tensor(w, DType.BF16, new long[] {outF, in}, Storage.NATIVE_ODD_OFFSET, arena);
        Tensor bias = VectorLinearKernelsTest.tensor(b, DType.F32, new long[] {outF}, Storage.HEAP_BYTES, arena);
        float[] got = new float[rows * outF];
        java.util.Arrays.fill(got, Float.NaN);
        new VectorLinearKernels(p).matmul(x, rows, t, bias, got);
        double[] want = VectorLinearKernelsTest.reference(x, rows, in, outF, w, b);
        for (int j = 0; j < want.length; j++) {
            int r = j / outF, o = j % outF;
            double tol = 1e-5 * (1 + VectorLinearKernelsTest.absDot(x, w, r, o, in) + Math.abs(b[o]));
            assertThat((double) got[j]).as("rows=%d in=%d out=%d [%d,%d]", rows, in, outF, r, o).isCloseTo(want[j], Offset.offset(tol));
        }
    }
}
