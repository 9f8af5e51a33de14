package dev.nemotron.infer.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;
    private static final TokenHistory EMPTY = new TokenBuffer(new int[] {0});

    /** Draws {@code n} tokens from fresh copies of {@code logits}, returns the count per token. */
    static long[] histogram(Sampler s, float[] logits, int n) {
        long[] counts = new long[logits.length];
        for (int i = 0; i < n; i++) {
            counts[s.next(logits.clone(), EMPTY)]++;
        }
        return counts;
    }

    /** softmax(logits / t) in double, computed independently of the sampler. */
    static double[] softmax(double[] logits, double t) {
        double max = Arrays.stream(logits).max().orElseThrow();
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Double.isInfinite(logits[i]) ? 0 : Math.exp((logits[i] - max) / t);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Pearson's chi-square statistic over the tokens with non-zero expected probability. */
    static double chiSquare(long[] counts, double[] expected, int n) {
        double chi = 0;
        for (int i = 0; i < counts.length; i++) {
            if (expected[i] > 0) {
                double e = expected[i] * n;
                chi += (counts[i] - e) * (counts[i] - e) / e;
            }
        }
        return chi;
    }

    @Test
    void greedyTakesTheArgmax() {
        Sampler s = new Sampler(SamplingParams.greedy(4));
        assertThat(s.next(new float[] {0.1f, 3f, -2f, 2.9f}, EMPTY)).isEqualTo(1);
        assertThat(s.next(new float[] {NEG_INF, -5f, NEG_INF}, EMPTY)).isEqualTo(1);
    }

    @Test
    void greedyTiesGoToTheLowestId() {
        Sampler s = new Sampler(SamplingParams.greedy(4));
        assertThat(s.next(new float[] {1f, 7f, 3f, 7f, 7f}, EMPTY)).isEqualTo(1);
        assertThat(Sampler.argmax(new float[] {2f, 2f})).isZero();
    }

    @Test
    void greedyIgnoresTheFilters() {
        Sampler s = new Sampler(SamplingParams.builder().temperature(0).topK(1).topP(0.1).minP(0.9).build());
        assertThat(s.next(new float[] {1f, 2f, 5f}, EMPTY)).isEqualTo(2);
    }

    @Test
    void temperatureSamplingFollowsTheSoftmax() {
        double[] l = {1.0, 2.0, 0.5, -1.0, 3.0, Double.NEGATIVE_INFINITY};
        float[] logits = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            logits[i] = (float) l[i];
        }
        for (double t : new double[] {0.7, 1.0, 1.8}) {
            int n = 100_000;
            long[] counts = histogram(new Sampler(SamplingParams.builder().temperature(t).seed(1234).build()), logits, n);
            double[] expected = softmax(l, t);
            assertThat(counts[5]).isZero();
            // 5 categories, 4 degrees of freedom: 18.47 is the 0.999 quantile
            assertThat(chiSquare(counts, expected, n)).as("chi-square at t=%s", t).isLessThan(18.47);
        }
    }

    @Test
    void topKThenTemperatureSamplesTheRenormalisedTopK() {
        double[] l = {1.0, 2.0, 0.5, -1.0, 3.0};
        float[] logits = {1.0f, 2.0f, 0.5f, -1.0f, 3.0f};
        int n = 60_000;
        long[] counts = histogram(new Sampler(SamplingParams.builder().temperature(1.3).topK(3).seed(9).build()),
                logits, n);
        double[] expected = softmax(new double[] {l[0], l[1], Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY,
                l[4]}, 1.3);
        assertThat(counts[2]).isZero();
        assertThat(counts[3]).isZero();
        assertThat(chiSquare(counts, expected, n)).isLessThan(13.82);   // 2 dof, 0.999 quantile
    }

    /** top_k beyond the vocabulary keeps every token and sizes nothing from the request's number. */
    @Test
    void topKLargerThanTheVocabularyIsNoFilterAndAllocatesNothing() {
        float[] logits = {1.0f, 2.0f, 0.5f, -1.0f, 3.0f};
        long[] huge = histogram(new Sampler(SamplingParams.builder().topK(Integer.MAX_VALUE).seed(3).build()), logits, 2000);
        long[] off = histogram(new Sampler(SamplingParams.builder().topK(0).seed(3).build()), logits, 2000);
        assertThat(huge).isEqualTo(off);
        assertThat(new Candidates().kthLargest(logits, 1f, Integer.MAX_VALUE)).isEqualTo(NEG_INF);
    }

    @Test
    void sameSeedSameTokensDifferentSeedsDiffer() {
        Random r = new Random(5);
        float[][] rows = new float[500][64];
        for (float[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        int[] a = drawAll(42, rows);
        int[] b = drawAll(42, rows);
        int[] c = drawAll(43, rows);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    private static int[] drawAll(long seed, float[][] rows) {
        Sampler s = new Sampler(SamplingParams.builder().temperature(0.9).topK(40).topP(0.9).seed(seed).build());
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = s.next(rows[i].clone(), EMPTY);
        }
        return out;
    }

    @Test
    void unseededSamplersStillSample() {
        Sampler s = new Sampler(SamplingParams.defaults());
        assertThat(s.next(new float[] {0f, 0f, NEG_INF}, EMPTY)).isIn(0, 1);
    }

    @Test
    void negativeInfinityIsNeverSampled() {
        float[] logits = new float[50];
        Arrays.fill(logits, NEG_INF);
        logits[7] = -100f;
        logits[31] = -101f;
        for (SamplingParams p : List.of(
                SamplingParams.builder().temperature(5).seed(1).build(),
                SamplingParams.builder().temperature(5).topK(10).seed(1).build(),
                SamplingParams.builder().temperature(5).topP(0.9999).seed(1).build(),
                SamplingParams.builder().temperature(100).minP(0.0).seed(1).build())) {
            long[] counts = histogram(new Sampler(p), logits, 5_000);
            assertThat(counts[7] + counts[31]).isEqualTo(5_000);
        }
    }

    @Test
    void allNegativeInfinityOrNanIsAnError() {
        float[] dead = {NEG_INF, NEG_INF};
        assertThatThrownBy(() -> new Sampler(SamplingParams.defaults()).next(dead.clone(), EMPTY))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("-Infinity");
        assertThatThrownBy(() -> new Sampler(SamplingParams.greedy(1)).next(dead.clone(), EMPTY))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Sampler(SamplingParams.defaults()).next(new float[] {0f, Float.NaN}, EMPTY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token 1 is NaN");
    }

    @Test
    void processorsRunAfterPenaltiesAndBeforeTheDraw() {
        // the processor sees penalised logits, and its mask is honoured by the draw
        float[] seen = new float[3];
        LogitsProcessor spy = (logits, h) -> System.arraycopy(logits, 0, seen, 0, 3);
        LogitsProcessor onlyTwo = (logits, h) -> LogitsProcessors.forceToken(logits, 2);
        Sampler s = new Sampler(SamplingParams.builder().repetitionPenalty(2).seed(3).build(), List.of(spy, onlyTwo));
        TokenBuffer h = new TokenBuffer(new int[] {0});
        for (int i = 0; i < 100; i++) {
            assertThat(s.next(new float[] {4f, 1f, -30f}, h)).isEqualTo(2);
        }
        assertThat(seen).containsExactly(2f, 1f, -30f);
    }

    @Test
    void observeReachesTheProcessors() {
        int[] last = {-1};
        LogitsProcessor p = new LogitsProcessor() {
            @Override
            public void apply(float[] logits, TokenHistory history) {
            }

            @Override
            public void observe(int token) {
                last[0] = token;
            }
        };
        Sampler s = new Sampler(SamplingParams.greedy(1), List.of(p, LogitsProcessors.none()));
        s.observe(17);
        assertThat(last[0]).isEqualTo(17);
    }

    @Test
    void fullVocabularyWithFiltersStaysInTheTopK() {
        int vocab = 131_072;
        Random r = new Random(11);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (3 * r.nextGaussian());
        }
        float[] sorted = logits.clone();
        Arrays.sort(sorted);
        float fiftieth = sorted[vocab - 50];
        Sampler s = new Sampler(SamplingParams.builder().temperature(0.8).topK(50).topP(0.9).seed(2).build());
        Sampler nucleus = new Sampler(SamplingParams.builder().temperature(1.0).topP(0.5).seed(2).build());
        for (int i = 0; i < 200; i++) {
            assertThat(logits[s.next(logits.clone(), EMPTY)]).isGreaterThanOrEqualTo(fiftieth);
            assertThat(nucleus.next(logits.clone(), EMPTY)).isBetween(0, vocab - 1);
        }
    }
}
