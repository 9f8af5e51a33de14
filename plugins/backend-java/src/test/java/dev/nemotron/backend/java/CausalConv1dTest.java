package dev.nemotron.backend.java;

import static dev.nemotron.backend.java.TestData.assertClose;
import static dev.nemotron.backend.java.TestData.randn;
import static dev.nemotron.backend.java.TestData.rounded;
import static dev.nemotron.backend.java.TestData.tensor;

import dev.nemotron.api.backend.MambaKernels;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.mamba.VectorMambaKernels;
import dev.nemotron.backend.java.reference.ReferenceKernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CausalConv1dTest {
    private static final Parallel PAR = new Parallel(2);
    private static final VectorMambaKernels FAST = new VectorMambaKernels(PAR);
    private static final ReferenceKernels REF = new ReferenceKernels();

    @AfterAll
    static void close() {
        PAR.close();
    }

    @ParameterizedTest
    @CsvSource({"1,1,4,false", "1,7,4,true", "2,19,4,true", "5,33,4,false", "37,70,4,true",
        "3,9,1,true", "6,11,2,true", "200,300,4,true"})
    void matchesReferenceAndFloat64(int seqLen, int channels, int k, boolean withWindow) {
        SplittableRandom rnd = new SplittableRandom(seqLen * 100L + channels + k);
        float[] x = randn(rnd, seqLen * channels);
        float[] w = randn(rnd, channels * k);
        float[] b = randn(rnd, channels);
        float[] window = withWindow ? randn(rnd, channels * (k - 1)) : null;
        Tensor wt = tensor(w, DType.F32, channels, 1, k);
        Tensor bt = tensor(b, DType.F32, channels);
        float[] fast = new float[seqLen * channels];
        float[] ref = new float[seqLen * channels];
        float[] fastWin = withWindow ? window.clone() : null;
        float[] refWin = withWindow ? window.clone() : null;
        FAST.causalConv1d(x, seqLen, channels, wt, bt, fastWin, fast);
        REF.causalConv1d(x, seqLen, channels, wt, bt, refWin, ref);

        // float64 brute force: padded input pad[c][K-1+t], out = b + sum_j w[c,j] pad[c][t+j]
        double[] exact = new double[seqLen * channels];
        double[] exactWin = new double[channels * (k - 1)];
        for (int c = 0; c < channels; c++) {
            double[] pad = new double[k - 1 + seqLen];
            for (int j = 0; j < k - 1; j++) {
                pad[j] = withWindow ? window[c * (k - 1) + j] : 0;
            }
            for (int t = 0; t < seqLen; t++) {
                pad[k - 1 + t] = x[t * channels + c];
            }
            for (int t = 0; t < seqLen; t++) {
                double s = b[c];
                for (int j = 0; j < k; j++) {
                    s += (double) w[c * k + j] * pad[t + j];
                }
                exact[t * channels + c] = s;
            }
            for (int j = 0; j < k - 1; j++) {
                exactWin[c * (k - 1) + j] = pad[seqLen + j];
            }
        }
        assertClose(fast, ref, seqLen * channels, 1e-6, "fast vs reference");
        assertClose(ref, exact, seqLen * channels, 1e-6, "reference vs float64");
        if (withWindow && k > 1) {
            assertClose(fastWin, exactWin, exactWin.length, 0, "fast window");
            assertClose(refWin, exactWin, exactWin.length, 0, "reference window");
        }
    }

    @ParameterizedTest
    @CsvSource({"10,1", "10,2", "10,3", "10,7", "2,1", "1,0", "13,12"})
    void twoPiecesWithTheWindowEqualOnePass(int seqLen, int first) {
        int channels = 21;
        int k = 4;
        SplittableRandom rnd = new SplittableRandom(seqLen * 10L + first);
        float[] x = randn(rnd, seqLen * channels);
        Tensor wt = tensor(randn(rnd, channels * k), DType.F32, channels, 1, k);
        Tensor bt = tensor(randn(rnd, channels), DType.F32, channels);
        for (MambaKernels m : new MambaKernels[] {FAST, REF}) {
            float[] whole = new float[seqLen * channels];
            float[] wholeWin = new float[channels * (k - 1)];
            m.causalConv1d(x, seqLen, channels, wt, bt, wholeWin, whole);

            float[] pieces = new float[seqLen * channels];
            float[] win = new float[channels * (k - 1)];
            float[] out1 = new float[first * channels];
            m.causalConv1d(Arrays.copyOfRange(x, 0, first * channels), first, channels, wt, bt, win, out1);
            int rest = seqLen - first;
            float[] out2 = new float[rest * channels];
            // the rest token by token when short, else in one piece
            if (rest <= 3) {
                for (int t = 0; t < rest; t++) {
                    float[] o = new float[channels];
                    int from = (first + t) * channels;
                    m.causalConv1d(Arrays.copyOfRange(x, from, from + channels), 1, channels, wt, bt, win, o);
                    System.arraycopy(o, 0, out2, t * channels, channels);
                }
            } else {
                m.causalConv1d(Arrays.copyOfRange(x, first * channels, seqLen * channels), rest,
                        channels, wt, bt, win, out2);
            }
            System.arraycopy(out1, 0, pieces, 0, out1.length);
            System.arraycopy(out2, 0, pieces, out1.length, out2.length);
            assertClose(pieces, whole, seqLen * channels, 0, m.getClass().getSimpleName() + " output");
            assertClose(win, wholeWin, win.length, 0, m.getClass().getSimpleName() + " window");
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BF16", "F16"})
    void halfWeightsEqualF32WeightsHoldingTheRoundedValues(DType type) {
        int seqLen = 5;
        int channels = 19;
        int k = 4;
        SplittableRandom rnd = new SplittableRandom(9);
        float[] x = randn(rnd, seqLen * channels);
        float[] w = randn(rnd, channels * k);
        float[] b = randn(rnd, channels);
        float[] half = new float[seqLen * channels];
        float[] full = new float[seqLen * channels];
        FAST.causalConv1d(x, seqLen, channels, tensor(w, type, channels, 1, k), tensor(b, type, channels), null, half);
        FAST.causalConv1d(x, seqLen, channels, tensor(rounded(w, type), DType.F32, channels, 1, k),
                tensor(rounded(b, type), DType.F32, channels), null, full);
        assertClose(half, full, seqLen * channels, 0, "fast " + type);
    }
}
