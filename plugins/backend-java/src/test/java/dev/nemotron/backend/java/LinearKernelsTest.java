package dev.nemotron.backend.java;

import static dev.nemotron.backend.java.TestData.assertClose;
import static dev.nemotron.backend.java.TestData.randn;
import static dev.nemotron.backend.java.TestData.rounded;
import static dev.nemotron.backend.java.TestData.tensor;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.linear.VectorLinearKernels;
import dev.nemotron.backend.java.reference.ReferenceKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LinearKernelsTest {
    private static final Parallel PAR = new Parallel(2);
    private static final VectorLinearKernels FAST = new VectorLinearKernels(PAR);
    private static final ReferenceKernels REF = new ReferenceKernels();

    @AfterAll
    static void close() {
        PAR.close();
    }

    @ParameterizedTest
    @CsvSource({
        "1,1,1,F32,true", "1,7,5,F32,false", "3,67,130,F32,true", "1,259,33,BF16,true",
        "4,259,33,BF16,false", "1,100,17,F16,true", "5,31,9,F16,false", "17,512,64,F32,false",
        "1,1024,300,BF16,false"})
    void matchesReferenceAndFloat64(int rows, int in, int out, DType type, boolean withBias) {
        SplittableRandom rnd = new SplittableRandom(rows * 1000L + in * 10L + out);
        float[] x = randn(rnd, rows * in);
        float[] w = rounded(randn(rnd, out * in), type);
        float[] b = withBias ? rounded(randn(rnd, out), type) : null;
        Tensor wt = tensor(w, type, out, in);
        Tensor bt = withBias ? tensor(b, type, out) : null;
        float[] fast = new float[rows * out];
        float[] ref = new float[rows * out];
        FAST.matmul(x, rows, wt, bt, fast);
        REF.matmul(x, rows, wt, bt, ref);
        double[] exact = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = withBias ? b[o] : 0;
                for (int i = 0; i < in; i++) {
                    s += (double) x[r * in + i] * w[o * in + i];
                }
                exact[r * out + o] = s;
            }
        }
        assertClose(fast, ref, rows * out, 1e-5, "fast vs reference");
        assertClose(fast, exact, rows * out, 1e-5, "fast vs float64");
        assertClose(ref, exact, rows * out, 1e-5, "reference vs float64");
    }

    @ParameterizedTest
    @CsvSource({"BF16,1", "BF16,3", "F16,1", "F16,2"})
    void halfWeightsEqualF32WeightsHoldingTheRoundedValues(DType type, int rows) {
        int in = 77;
        int out = 21;
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = randn(rnd, rows * in);
        float[] w = randn(rnd, out * in);
        float[] b = randn(rnd, out);
        float[] half = new float[rows * out];
        float[] full = new float[rows * out];
        FAST.matmul(x, rows, tensor(w, type, out, in), tensor(b, type, out), half);
        FAST.matmul(x, rows, tensor(rounded(w, type), DType.F32, out, in),
                tensor(rounded(b, type), DType.F32, out), full);
        assertClose(half, full, rows * out, 1e-6, "fast " + type);
        REF.matmul(x, rows, tensor(w, type, out, in), tensor(b, type, out), half);
        REF.matmul(x, rows, tensor(rounded(w, type), DType.F32, out, in),
                tensor(rounded(b, type), DType.F32, out), full);
        assertClose(half, full, rows * out, 0, "reference " + type);
    }

    @Test
    void heapBackedF32WeightsWork() {
        SplittableRandom rnd = new SplittableRandom(3);
        int in = 45;
        int out = 13;
        float[] x = randn(rnd, in);
        float[] w = randn(rnd, out * in);
        float[] heap = new float[out];
        float[] ref = new float[out];
        FAST.matmul(x, 1, Tensor.ofFloats(w, out, in), null, heap);
        REF.matmul(x, 1, tensor(w, DType.F32, out, in), null, ref);
        assertClose(heap, ref, out, 1e-5, "heap-backed weights");
    }
}
