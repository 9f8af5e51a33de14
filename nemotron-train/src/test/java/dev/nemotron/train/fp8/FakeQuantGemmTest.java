package dev.nemotron.train.fp8;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fake-quantised GEMMs against GEMMs computed here from operands quantised independently:
 * the test's own block loop, explicit transposes for the weight gradient, and E4M3 rounding by
 * brute-force search over the 256 codes.
 */
class FakeQuantGemmTest {
    private static final int M = 130; // tokens: 128 + a ragged 2
    private static final int N = 150; // output features
    private static final int K = 200; // input features

    private static double[] gaussian(SplittableRandom rnd, int n, double sigma) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = sigma * rnd.nextGaussian();
        }
        return a;
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /** Quantise-dequantise with br x bc blocks, written independently of BlockQuantizer. */
    private static double[] reference(double[] a, int rows, int cols, int br, int bc) {
        double[] out = new double[a.length];
        for (int r0 = 0; r0 < rows; r0 += br) {
            for (int c0 = 0; c0 < cols; c0 += bc) {
                double amax = 0;
                for (int r = r0; r < Math.min(rows, r0 + br); r++) {
                    for (int c = c0; c < Math.min(cols, c0 + bc); c++) {
                        amax = Math.max(amax, Math.abs(a[r * cols + c]));
                    }
                }
                float scale = amax == 0 ? 1f : (float) (amax / 448);
                for (int r = r0; r < Math.min(rows, r0 + br); r++) {
                    for (int c = c0; c < Math.min(cols, c0 + bc); c++) {
                        out[r * cols + c] = E4M3Test.fromBits(E4M3Test.nearestCode(a[r * cols + c] / scale)) * scale;
                    }
                }
            }
        }
        return out;
    }

    /** C [m,n] = A [m,k] · B [n,k]ᵀ, float64, one fused multiply-add chain in increasing k (as Gemm). */
    private static double[] matmulNT(double[] a, double[] b, int m, int n, int k) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s = Math.fma(a[i * k + t], b[j * k + t], s);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static double relativeError(double[] actual, double[] exact) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < exact.length; i++) {
            num += (actual[i] - exact[i]) * (actual[i] - exact[i]);
            den += exact[i] * exact[i];
        }
        return Math.sqrt(num / den);
    }

    private final SplittableRandom rnd = new SplittableRandom(8);
    private final double[] x = gaussian(rnd, M * K, 1.0);
    private final double[] w = gaussian(rnd, N * K, 0.05);
    private final double[] dy = gaussian(rnd, M * N, 1e-3);

    @Test
    void forwardQuantizesXInRowTilesAndWInSquareBlocks() {
        double[] y = FakeQuantGemm.forward(x, w, M, N, K, Precision.FP8_E4M3, Fp8Recipe.DEFAULT);
        double[] xq = reference(x, M, K, 1, 128);
        double[] wq = reference(w, N, K, 128, 128);
        assertThat(y).isEqualTo(matmulNT(xq, wq, M, N, K));
        double err = relativeError(y, matmulNT(x, w, M, N, K));
        assertThat(err).isGreaterThan(1e-3).isLessThan(0.05);
    }

    @Test
    void dataGradientQuantizesDyInRowTilesAndReusesTheWeightBlocks() {
        double[] dx = FakeQuantGemm.backwardInput(dy, w, M, N, K, Precision.FP8_E4M3, Fp8Recipe.DEFAULT);
        double[] gq = reference(dy, M, N, 1, 128);
        double[] wqT = transpose(reference(w, N, K, 128, 128), N, K); // [K, N]
        assertThat(dx).isEqualTo(matmulNT(gq, wqT, M, K, N));
        double err = relativeError(dx, matmulNT(dy, transpose(w, N, K), M, K, N));
        assertThat(err).isGreaterThan(1e-3).isLessThan(0.05);
    }

    @Test
    void weightGradientQuantizesBothOperandsAlongTheTokens() {
        double[] dw = FakeQuantGemm.backwardWeight(dy, x, M, N, K, Precision.FP8_E4M3, Fp8Recipe.DEFAULT);
        double[] gqT = reference(transpose(dy, M, N), N, M, 1, 128); // dYᵀ [N, M] in 1x128 tiles along M
        double[] xqT = reference(transpose(x, M, K), K, M, 1, 128);  // xᵀ  [K, M] in 1x128 tiles along M
        assertThat(dw).isEqualTo(matmulNT(gqT, xqT, N, K, M));
        double err = relativeError(dw, matmulNT(transpose(dy, M, N), transpose(x, M, K), N, K, M));
        assertThat(err).isGreaterThan(1e-3).isLessThan(0.05);
        // quantising along the wrong axis (rows of dY and x) would give a different result
        double[] wrongAxis = matmulNT(transpose(reference(dy, M, N, 1, 128), M, N),
                transpose(reference(x, M, K, 1, 128), M, K), N, K, M);
        assertThat(dw).isNotEqualTo(wrongAxis);
    }

    @Test
    void configurableBlocks() {
        Fp8Recipe r = new Fp8Recipe(new BlockShape(32, 16), new BlockShape(1, 64), new BlockShape(2, 32));
        assertThat(FakeQuantGemm.forward(x, w, M, N, K, Precision.FP8_E4M3, r))
                .isEqualTo(matmulNT(reference(x, M, K, 1, 64), reference(w, N, K, 32, 16), M, N, K));
        assertThat(FakeQuantGemm.backwardInput(dy, w, M, N, K, Precision.FP8_E4M3, r))
                .isEqualTo(matmulNT(reference(dy, M, N, 2, 32), transpose(reference(w, N, K, 32, 16), N, K), M, K, N));
        assertThat(FakeQuantGemm.backwardWeight(dy, x, M, N, K, Precision.FP8_E4M3, r))
                .isEqualTo(matmulNT(reference(transpose(dy, M, N), N, M, 2, 32),
                        reference(transpose(x, M, K), K, M, 1, 64), N, K, M));
    }

    @Test
    void bf16AndFullPrecision() {
        double[] exact = matmulNT(x, w, M, N, K);
        assertThat(FakeQuantGemm.forward(x, w, M, N, K, Precision.FP32, Fp8Recipe.DEFAULT)).isEqualTo(exact);
        double[] bf = FakeQuantGemm.forward(x, w, M, N, K, Precision.BF16, Fp8Recipe.DEFAULT);
        assertThat(bf).isEqualTo(matmulNT(Bf16.round(x), Bf16.round(w), M, N, K));
        double bfErr = relativeError(bf, exact);
        double fp8Err = relativeError(FakeQuantGemm.forward(x, w, M, N, K, Precision.FP8_E4M3, Fp8Recipe.DEFAULT), exact);
        assertThat(bfErr).isGreaterThan(0).isLessThan(fp8Err / 4); // 8 significand bits against 4
        assertThat(FakeQuantGemm.backwardWeight(dy, x, M, N, K, Precision.FP32, Fp8Recipe.DEFAULT))
                .isEqualTo(matmulNT(transpose(dy, M, N), transpose(x, M, K), N, K, M));
    }

    @Test
    void biasStartsTheChainAndTheWeightGradientAccumulates() {
        double[] bias = gaussian(rnd, N, 1.0);
        double[] y = FakeQuantGemm.forward(x, w, bias, M, N, K, Precision.FP8_E4M3, Fp8Recipe.DEFAULT);
        double[] xq = reference(x, M, K, 1, 128);
        double[] wq = reference(w, N, K, 128, 128);
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double s = bias[j];
                for (int t = 0; t < K; t++) {
                    s = Math.fma(xq[i * K + t], wq[j * K + t], s);
                }
                assertThat(y[i * N + j]).isEqualTo(s);
            }
        }
        double[] dw0 = gaussian(rnd, N * K, 1.0);
        double[] dw = dw0.clone();
        FakeQuantGemm.backwardWeight(dy, x, M, N, K, Precision.BF16, Fp8Recipe.DEFAULT, dw);
        double[] gT = Bf16.round(transpose(dy, M, N));
        double[] xT = Bf16.round(transpose(x, M, K));
        for (int i = 0; i < N; i += 7) {
            for (int j = 0; j < K; j += 5) {
                double s = dw0[i * K + j];
                for (int t = 0; t < M; t++) {
                    s = Math.fma(gT[i * M + t], xT[j * M + t], s);
                }
                assertThat(dw[i * K + j]).isEqualTo(s);
            }
        }
    }

    @Test
    void floatOverloadsRoundTheFloat64ResultOnce() {
        float[] xf = new float[x.length];
        float[] wf = new float[w.length];
        float[] gf = new float[dy.length];
        for (int i = 0; i < xf.length; i++) {
            xf[i] = (float) x[i];
        }
        for (int i = 0; i < wf.length; i++) {
            wf[i] = (float) w[i];
        }
        for (int i = 0; i < gf.length; i++) {
            gf[i] = (float) dy[i];
        }
        double[] xd = new double[xf.length];
        double[] wd = new double[wf.length];
        double[] gd = new double[gf.length];
        for (int i = 0; i < xf.length; i++) {
            xd[i] = xf[i];
        }
        for (int i = 0; i < wf.length; i++) {
            wd[i] = wf[i];
        }
        for (int i = 0; i < gf.length; i++) {
            gd[i] = gf[i];
        }
        for (Precision p : Precision.values()) {
            float[] y = FakeQuantGemm.forward(xf, wf, M, N, K, p, Fp8Recipe.DEFAULT);
            double[] yd = FakeQuantGemm.forward(xd, wd, M, N, K, p, Fp8Recipe.DEFAULT);
            float[] dx = FakeQuantGemm.backwardInput(gf, wf, M, N, K, p, Fp8Recipe.DEFAULT);
            double[] dxd = FakeQuantGemm.backwardInput(gd, wd, M, N, K, p, Fp8Recipe.DEFAULT);
            float[] dw = FakeQuantGemm.backwardWeight(gf, xf, M, N, K, p, Fp8Recipe.DEFAULT);
            double[] dwd = FakeQuantGemm.backwardWeight(gd, xd, M, N, K, p, Fp8Recipe.DEFAULT);
            for (int i = 0; i < y.length; i++) {
                assertThat(y[i]).isEqualTo((float) yd[i]);
            }
            for (int i = 0; i < dx.length; i++) {
                assertThat(dx[i]).isEqualTo((float) dxd[i]);
            }
            for (int i = 0; i < dw.length; i++) {
                assertThat(dw[i]).isEqualTo((float) dwd[i]);
            }
        }
    }
}
