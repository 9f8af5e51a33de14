package dev.nemotron.eval.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PerplexityTest {
    @Test
    void uniformLogitsGiveTheVocabularySize() {
        Perplexity p = new Perplexity();
        int vocab = 7;
        p.add(new int[] {0, 3, 6, 1}, new float[4 * vocab], vocab);
        assertThat(p.tokens()).isEqualTo(3);
        assertThat(p.meanNll()).isCloseTo(Math.log(7), within(1e-12));
        assertThat(p.perplexity()).isCloseTo(7.0, within(1e-9));
    }

    @Test
    void eachRowScoresTheNextTokenAndWindowsAccumulate() {
        Perplexity p = new Perplexity();
        // vocab 2: row 0 predicts ids[1] = 1 with logits (0, ln 3): p = 3/4; row 1 (the last) scores nothing
        p.add(new int[] {0, 1}, new float[] {0f, (float) Math.log(3), 5f, -5f}, 2);
        // a second window: ids[1] = 0 with logits (1001, 1000): p = e / (e + 1); large logits stay finite
        p.add(new int[] {1, 0}, new float[] {1001f, 1000f, 0f, 0f}, 2);
        assertThat(p.tokens()).isEqualTo(2);
        double second = -Math.log(Math.E / (Math.E + 1));
        assertThat(p.meanNll()).isCloseTo((-Math.log(0.75) + second) / 2, within(1e-6));
    }
}
