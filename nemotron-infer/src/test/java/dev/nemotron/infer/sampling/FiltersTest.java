package dev.nemotron.infer.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Top-k, top-p and min-p keep exactly the expected tokens, on hand-made logits. */
class FiltersTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;
    private static final TokenHistory HISTORY = new TokenBuffer(new int[] {0});

    /** Logits whose softmax is exactly {@code probs} (up to rounding). */
    private static float[] logProbs(double... probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            l[i] = probs[i] == 0 ? NEG_INF : (float) Math.log(probs[i]);
        }
        return l;
    }

    /** The tokens the candidates hold after the filters of {@code p}, straight from {@link Candidates}. */
    private static Set<Integer> support(float[] logits, SamplingParams p) {
        Candidates c = new Candidates();
        float t = (float) p.temperature();
        float threshold = p.topK() > 0 ? c.kthLargest(logits, t, p.topK()) : NEG_INF;
        c.gather(logits, t, threshold);
        if (p.topP() < 1) {
            c.keepTopP(p.topP());
        }
        if (p.minP() > 0) {
            c.keepMinP(p.minP());
        }
        Set<Integer> s = new TreeSet<>();
        for (int i = 0; i < c.size(); i++) {
            s.add(c.id(i));
        }
        return s;
    }

    /** The tokens actually drawn by a {@link Sampler} over many draws (all kept ones are likely here). */
    private static Set<Integer> drawn(float[] logits, SamplingParams p) {
        Sampler s = new Sampler(p.toBuilder().seed(77).build());
        Set<Integer> out = new TreeSet<>();
        for (int i = 0; i < 4_000; i++) {
            out.add(s.next(logits.clone(), HISTORY));
        }
        return out;
    }

    private static SamplingParams.Builder t1() {
        return SamplingParams.builder().temperature(1);
    }

    @Test
    void topKKeepsTheKLargest() {
        float[] l = {1f, 5f, 3f, 4.5f, 2f, NEG_INF};
        assertThat(support(l, t1().topK(2).build())).containsExactly(1, 3);
        assertThat(support(l, t1().topK(3).build())).containsExactly(1, 2, 3);
        assertThat(support(l, t1().topK(1).build())).containsExactly(1);
        assertThat(drawn(l, t1().topK(3).build())).containsExactly(1, 2, 3);
    }

    @Test
    void topKKeepsTiesWithTheKth() {
        float[] l = {1f, 4f, 4f, 4f, 0f};
        assertThat(support(l, t1().topK(2).build())).containsExactly(1, 2, 3);
    }

    @Test
    void topKLargerThanTheFiniteTokensKeepsThemAll() {
        float[] l = {1f, NEG_INF, 3f, NEG_INF};
        assertThat(support(l, t1().topK(3).build())).containsExactly(0, 2);
        assertThat(support(l, t1().topK(100).build())).containsExactly(0, 2);
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        //          id: 0    1    2    3
        float[] l = logProbs(0.2, 0.4, 0.1, 0.3);
        assertThat(support(l, t1().topP(0.1).build())).containsExactly(1);
        assertThat(support(l, t1().topP(0.39).build())).containsExactly(1);
        assertThat(support(l, t1().topP(0.41).build())).containsExactly(1, 3);
        assertThat(support(l, t1().topP(0.65).build())).containsExactly(1, 3);
        assertThat(support(l, t1().topP(0.75).build())).containsExactly(0, 1, 3);
        assertThat(support(l, t1().topP(0.95).build())).containsExactly(0, 1, 2, 3);
        assertThat(drawn(l, t1().topP(0.75).build())).containsExactly(0, 1, 3);
    }

    @Test
    void topPIsComputedAfterTopKAndTemperature() {
        float[] l = logProbs(0.2, 0.4, 0.1, 0.3);
        // top-k 2 leaves {0.4, 0.3} -> renormalised {4/7 = 0.571, 3/7}; 0.6 needs both (0.65 without top-k
        // would keep both too, but 0.55 would keep 1 and 3 without top-k and only 1 with it)
        assertThat(support(l, t1().topK(2).topP(0.6).build())).containsExactly(1, 3);
        assertThat(support(l, t1().topK(2).topP(0.55).build())).containsExactly(1);
        assertThat(support(l, t1().topP(0.55).build())).containsExactly(1, 3);
        // temperature 0.5 squares the ratios: {0.04, 0.16, 0.01, 0.09}/0.30 -> 0.533, 0.3, 0.133, 0.033
        assertThat(support(l, SamplingParams.builder().temperature(0.5).topP(0.8).build())).containsExactly(1, 3);
        assertThat(support(l, SamplingParams.builder().temperature(0.5).topP(0.85).build())).containsExactly(0, 1, 3);
    }

    @Test
    void topPKeepsAtLeastOne() {
        float[] l = {0f, 0f, 0f, 0f};
        assertThat(support(l, t1().topP(0.01).build())).containsExactly(0);   // equal ranks by lower id
    }

    @Test
    void minPIsRelativeToTheLargestProbability() {
        float[] l = logProbs(0.2, 0.4, 0.1, 0.3);
        assertThat(support(l, t1().minP(0.6).build())).containsExactly(1, 3);     // >= 0.24
        assertThat(support(l, t1().minP(0.45).build())).containsExactly(0, 1, 3); // >= 0.18
        assertThat(support(l, t1().minP(0.2).build())).containsExactly(0, 1, 2, 3);
        assertThat(support(l, t1().minP(1).build())).containsExactly(1);
        assertThat(drawn(l, t1().minP(0.6).build())).containsExactly(1, 3);
    }

    @Test
    void minPComesAfterTopP() {
        float[] l = logProbs(0.2, 0.4, 0.1, 0.3);
        // top-p 0.75 keeps {1, 3, 0}; min-p 0.6 then drops 0 (0.2 < 0.6 * 0.4)
        assertThat(support(l, t1().topP(0.75).minP(0.6).build())).containsExactly(1, 3);
    }

    @Test
    void theFiltersNeverKeepNegativeInfinity() {
        float[] l = {NEG_INF, 0f, NEG_INF, -1f};
        assertThat(support(l, t1().build())).containsExactly(1, 3);
        assertThat(support(l, t1().topK(3).topP(0.9999).minP(0.0).build())).containsExactly(1, 3);
    }
}
