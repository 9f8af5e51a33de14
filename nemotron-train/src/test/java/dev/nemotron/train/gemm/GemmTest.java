package dev.nemotron.train.gemm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Gemm} against (1) a scalar chain of {@code Math.fma} in increasing contraction index,
 * which it must equal bit for bit, and (2) {@link ReferenceGemm}'s plain loops, within a tight
 * bound. Odd shapes exercise ragged tiles; shapes past {@code Gemm.KC} and {@code Gemm.MC} the
 * blocking.
 */
class GemmTest {
    private static double[] random(SplittableRandom rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextDouble(-1, 1);
        }
        return a;
    }

    /** A(i,t) for the layout: [m,k] or, transposed, [k,m]. */
    private static double at(double[] a, boolean transposed, int m, int k, int i, int t) {
        return transposed ? a[t * m + i] : a[i * k + t];
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,7,3", "3,1,7", "7,3,1", "5,9,0", "129,7,3", "3,129,7", "7,3,129", "13,17,300",
            "260,9,5", "2,300,258", "64,40,96"})
    void equalsTheFmaChainAndIsCloseToTheReference(int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 7L * n + k);
        double[] a = random(rnd, m * k);
        double[] b = random(rnd, n * k);
        double[] bias = random(rnd, n);
        double[] c0 = random(rnd, m * n);
        for (String layout : new String[] {"nt", "nn", "tn"}) {
            boolean aT = layout.equals("tn");
            boolean bT = !layout.equals("nt"); // B given as [k, n]
            for (boolean accumulate : new boolean[] {false, true}) {
                for (boolean withBias : new boolean[] {false, true}) {
                    if (withBias && !layout.equals("nt")) {
                        continue;
                    }
                    double[] bi = withBias ? bias : null;
                    double[] fast = c0.clone();
                    double[] ref = c0.clone();
                    switch (layout) {
                        case "nt" -> {
                            Gemm.nt(m, n, k, a, b, bi, fast, accumulate);
                            ReferenceGemm.nt(m, n, k, a, b, bi, ref, accumulate);
                        }
                        case "nn" -> {
                            Gemm.nn(m, n, k, a, b, fast, accumulate);
                            ReferenceGemm.nn(m, n, k, a, b, ref, accumulate);
                        }
                        default -> {
                            Gemm.tn(m, n, k, a, b, fast, accumulate);
                            ReferenceGemm.tn(m, n, k, a, b, ref, accumulate);
                        }
                    }
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = accumulate ? c0[i * n + j] : bi == null ? 0 : bi[j];
                            double bound = Math.abs(s);
                            for (int t = 0; t < k; t++) {
                                double bv = bT ? b[t * n + j] : b[j * k + t];
                                double av = at(a, aT, m, k, i, t);
                                s = Math.fma(av, bv, s);
                                bound += Math.abs(av * bv);
                            }
                            String where = layout + " acc=" + accumulate + " bias=" + withBias + " (" + i + "," + j + ")";
                            assertThat(fast[i * n + j]).as(where).isEqualTo(s);
                            assertThat(Math.abs(fast[i * n + j] - ref[i * n + j])).as(where)
                                    .isLessThanOrEqualTo(1e-15 * (k + 1) * bound);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"129,65,257", "7,300,3"})
    void deterministicAcrossCallsAndThreads(int m, int n, int k) throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        double[] a = random(rnd, m * k);
        double[] b = random(rnd, n * k);
        double[] first = Gemm.nt(m, n, k, a, b, null);
        assertThat(Gemm.nt(m, n, k, a, b, null)).isEqualTo(first);
        double[] other = CompletableFuture.supplyAsync(() -> Gemm.nt(m, n, k, a, b, null)).get();
        assertThat(other).isEqualTo(first);
    }
}
