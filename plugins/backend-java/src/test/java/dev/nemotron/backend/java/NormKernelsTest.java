package dev.nemotron.backend.java;

import static dev.nemotron.backend.java.TestData.assertClose;
import static dev.nemotron.backend.java.TestData.randn;
import static dev.nemotron.backend.java.TestData.rounded;
import static dev.nemotron.backend.java.TestData.tensor;
import static dev.nemotron.backend.java.TestData.uniform;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.backend.java.norm.VectorNormKernels;
import dev.nemotron.backend.java.reference.ReferenceKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class NormKernelsTest {
    private static final Parallel PAR = new Parallel(2);
    private static final VectorNormKernels FAST = new VectorNormKernels(PAR);
    private static final ReferenceKernels REF = new ReferenceKernels();
    private static final float EPS = 1e-5f;

    @AfterAll
    static void close() {
        PAR.close();
    }

    @ParameterizedTest
    @CsvSource({"1,1", "1,7", "3,33", "5,100", "64,259", "2,4480"})
    void rmsNormMatchesReferenceAndFloat64(int rows, int dim) {
        SplittableRandom rnd = new SplittableRandom(rows * 31L + dim);
        float[] x = uniform(rnd, rows * dim, -3, 3);
        float[] w = uniform(rnd, dim, 0.5, 1.5);
        float[] fast = new float[rows * dim];
        float[] ref = new float[rows * dim];
        FAST.rmsNorm(x, rows, dim, tensor(w, DType.F32, dim), EPS, fast);
        REF.rmsNorm(x, rows, dim, tensor(w, DType.F32, dim), EPS, ref);
        double[] exact = new double[rows * dim];
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int i = 0; i < dim; i++) {
                ss += (double) x[r * dim + i] * x[r * dim + i];
            }
            double inv = 1 / Math.sqrt(ss / dim + EPS);
            for (int i = 0; i < dim; i++) {
                exact[r * dim + i] = w[i] * x[r * dim + i] * inv;
            }
        }
        assertClose(fast, ref, rows * dim, 1e-5, "fast vs reference");
        assertClose(ref, exact, rows * dim, 1e-5, "reference vs float64");
        // in place (out == x)
        float[] inPlace = x.clone();
        FAST.rmsNorm(inPlace, rows, dim, tensor(w, DType.F32, dim), EPS, inPlace);
        assertClose(inPlace, exact, rows * dim, 1e-5, "in place vs float64");
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,8,2", "3,36,4", "2,100,1", "7,264,8", "1,1040,8"})
    void gatedGroupRmsNormMatchesReferenceAndFloat64(int rows, int dim, int groups) {
        SplittableRandom rnd = new SplittableRandom(rows * 7L + dim * 3L + groups);
        float[] y = uniform(rnd, rows * dim, -2, 2);
        float[] z = uniform(rnd, rows * dim, -4, 4);
        float[] w = uniform(rnd, dim, 0.5, 1.5);
        float[] fast = new float[rows * dim];
        float[] ref = new float[rows * dim];
        FAST.gatedGroupRmsNorm(y, z, rows, dim, groups, tensor(w, DType.F32, dim), EPS, fast);
        REF.gatedGroupRmsNorm(y, z, rows, dim, groups, tensor(w, DType.F32, dim), EPS, ref);
        int gs = dim / groups;
        double[] exact = new double[rows * dim];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < groups; g++) {
                double[] t = new double[gs];
                double ss = 0;
                for (int i = 0; i < gs; i++) {
                    int o = r * dim + g * gs + i;
                    t[i] = y[o] * (z[o] / (1 + Math.exp(-z[o])));
                    ss += t[i] * t[i];
                }
                double inv = 1 / Math.sqrt(ss / gs + EPS);
                for (int i = 0; i < gs; i++) {
                    exact[r * dim + g * gs + i] = w[g * gs + i] * t[i] * inv;
                }
            }
        }
        assertClose(fast, ref, rows * dim, 1e-5, "fast vs reference");
        assertClose(ref, exact, rows * dim, 1e-5, "reference vs float64");
        float[] inPlace = y.clone();
        FAST.gatedGroupRmsNorm(inPlace, z, rows, dim, groups, tensor(w, DType.F32, dim), EPS, inPlace);
        assertClose(inPlace, exact, rows * dim, 1e-5, "in place vs float64");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BF16", "F16"})
    void halfWeightsEqualF32WeightsHoldingTheRoundedValues(DType type) {
        int rows = 3;
        int dim = 37;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = randn(rnd, rows * dim);
        float[] z = randn(rnd, rows * dim);
        float[] w = uniform(rnd, dim, 0.5, 1.5);
        float[] half = new float[rows * dim];
        float[] full = new float[rows * dim];
        FAST.rmsNorm(x, rows, dim, tensor(w, type, dim), EPS, half);
        FAST.rmsNorm(x, rows, dim, tensor(rounded(w, type), DType.F32, dim), EPS, full);
        assertClose(half, full, rows * dim, 0, "rmsNorm " + type);
        FAST.gatedGroupRmsNorm(x, z, rows, dim, 1, tensor(w, type, dim), EPS, half);
        FAST.gatedGroupRmsNorm(x, z, rows, dim, 1, tensor(rounded(w, type), DType.F32, dim), EPS, full);
        assertClose(half, full, rows * dim, 0, "gated " + type);
        REF.rmsNorm(x, rows, dim, tensor(w, type, dim), EPS, half);
        REF.rmsNorm(x, rows, dim, tensor(rounded(w, type), DType.F32, dim), EPS, full);
        assertClose(half, full, rows * dim, 0, "reference rmsNorm " + type);
    }
}
