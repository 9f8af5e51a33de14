package dev.nemotron.backend.java.linear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Q8_0;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.Parallel;
import dev.nemotron.backend.java.reference.ReferenceKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Q8_0 weights through {@link VectorLinearKernels} (the streaming GEMV below 24 rows, the packed
 * GEMM above) against the scalar reference kernel on the same tensor, which dequantizes element by
 * element with {@link Tensor#getFloat}.
 */
class Q8MatmulTest {
    private static Parallel two;

    @BeforeAll
    static void pool() {
        two = new Parallel(2);
    }

    @AfterAll
    static void close() {
        two.close();
    }

    @ParameterizedTest
    @CsvSource({"1,32,1,false", "1,64,5,true", "1,768,37,false", "2,96,8,true", "3,256,13,false",
            "23,128,9,true", "24,64,17,false", "40,160,70,true"})
    void matchesTheReferenceOnTheSameQ8Weights(int rows, int in, int outF, boolean bias) {
        SplittableRandom rnd = new SplittableRandom(rows * 1000L + in + outF);
        float[] wf = new float[outF * in];
        for (int i = 0; i < wf.length; i++) {
            wf[i] = (float) rnd.nextGaussian() * (1 + (i / 32) % 5);
        }
        float[] x = new float[rows * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        Tensor b = null;
        if (bias) {
            float[] bv = new float[outF];
            for (int i = 0; i < outF; i++) {
                bv[i] = (float) rnd.nextGaussian();
            }
            b = Tensor.ofFloats(bv, outF);
        }
        try (Arena arena = Arena.ofConfined()) {
            // native memory at an odd address, as a GGUF mapping may leave it (34-byte blocks)
            MemorySegment seg = arena.allocate(DType.Q8_0.storageBytes(wf.length) + 1, 8).asSlice(1);
            Q8_0.quantize(wf, 0, wf.length, seg, 0);
            Tensor w = new Tensor(DType.Q8_0, new long[] {outF, in}, seg);
            float[] fast = new float[rows * outF];
            float[] ref = new float[rows * outF];
            new VectorLinearKernels(two).matmul(x, rows, w, b, fast);
            new ReferenceKernels().matmul(x, rows, w, b, ref);
            for (int i = 0; i < ref.length; i++) {
                // sums in another order: error relative to the sum of |terms|
                double scale = 0;
                int r = i / outF;
                int o = i % outF;
                for (int k = 0; k < in; k++) {
                    scale += Math.abs(x[r * in + k] * w.getFloat((long) o * in + k));
                }
                assertThat((double) Math.abs(fast[i] - ref[i])).as("out %d", i).isLessThanOrEqualTo(1e-5 * scale + 1e-6);
            }
        }
    }
}
