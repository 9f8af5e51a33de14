package dev.nemotron.infer.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Exact values of the penalties on hand-made logits. */
class PenaltiesTest {

    private static float[] logits() {
        return new float[] {2f, -2f, 1f, 0.5f, -1f, 3f};
    }

    /** Prompt [0, 1], output [2, 2, 4]. */
    private static TokenBuffer history() {
        TokenBuffer h = new TokenBuffer(new int[] {0, 1});
        h.append(2);
        h.append(2);
        h.append(4);
        return h;
    }

    private static float[] penalised(SamplingParams p, TokenHistory h) {
        float[] l = logits();
        new Penalties(p).apply(l, h);
        return l;
    }

    @Test
    void repetitionPenaltyCoversPromptAndOutputOnce() {
        float[] l = penalised(SamplingParams.builder().repetitionPenalty(2).build(), history());
        // 0: 2/2, 1: -2*2, 2 (twice in the output, penalised once): 1/2, 4: -1*2; 3 and 5 untouched
        assertThat(l).containsExactly(1f, -4f, 0.5f, 0.5f, -2f, 3f);
    }

    @Test
    void repetitionPenaltyBelowOneFavoursRepeats() {
        float[] l = penalised(SamplingParams.builder().repetitionPenalty(0.5).build(), history());
        assertThat(l).containsExactly(4f, -1f, 2f, 0.5f, -0.5f, 3f);
    }

    @Test
    void frequencyAndPresenceCoverOutputOnly() {
        float[] l = penalised(SamplingParams.builder().frequencyPenalty(0.5).presencePenalty(0.25).build(), history());
        // 2: 1 - 0.5*2 - 0.25, 4: -1 - 0.5*1 - 0.25; prompt tokens 0 and 1 untouched
        assertThat(l).containsExactly(2f, -2f, -0.25f, 0.5f, -1.75f, 3f);
    }

    @Test
    void negativePenaltiesRaiseTheLogits() {
        float[] l = penalised(SamplingParams.builder().frequencyPenalty(-1).presencePenalty(-0.5).build(), history());
        assertThat(l).containsExactly(2f, -2f, 3.5f, 0.5f, 0.5f, 3f);
    }

    @Test
    void repetitionFirstThenFrequencyThenPresence() {
        float[] l = penalised(SamplingParams.builder().repetitionPenalty(2).frequencyPenalty(0.5).presencePenalty(0.25)
                .build(), history());
        // 2: 1/2 - 1 - 0.25, 4: -1*2 - 0.5 - 0.25
        assertThat(l).containsExactly(1f, -4f, -0.75f, 0.5f, -2.75f, 3f);
    }

    @Test
    void countsFollowTheGrowingHistoryIncrementally() {
        Penalties p = new Penalties(SamplingParams.builder().frequencyPenalty(1).build());
        TokenBuffer h = new TokenBuffer(new int[] {5});
        float[] l = logits();
        p.apply(l, h);
        assertThat(l).containsExactly(logits());
        h.append(3);
        l = logits();
        p.apply(l, h);
        assertThat(l[3]).isEqualTo(-0.5f);
        h.append(3);
        h.append(0);
        l = logits();
        p.apply(l, h);
        assertThat(l).containsExactly(1f, -2f, 1f, -1.5f, -1f, 3f);
        // a different (shorter) history is recounted from scratch
        TokenBuffer other = new TokenBuffer(new int[] {5});
        other.append(1);
        l = logits();
        p.apply(l, other);
        assertThat(l).containsExactly(2f, -3f, 1f, 0.5f, -1f, 3f);
    }

    @Test
    void theSamplerAppliesThePenalties() {
        // token 0 has the largest logit but was generated: with frequency 2 token 5 wins
        TokenBuffer h = new TokenBuffer(new int[] {1});
        h.append(0);
        Sampler s = new Sampler(SamplingParams.builder().temperature(0).frequencyPenalty(2).build());
        assertThat(s.next(new float[] {3.5f, 0f, 0f, 0f, 0f, 3f}, h)).isEqualTo(5);
    }

    @Test
    void tokenOutsideTheVocabularyIsABug() {
        TokenBuffer h = new TokenBuffer(new int[] {6});
        assertThatThrownBy(() -> penalised(SamplingParams.builder().repetitionPenalty(1.2).build(), h))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token id 6 outside the vocabulary of size 6");
    }

    /** A tiny or huge penalty saturates at the largest finite float: never an infinite logit; masked stays masked. */
    @Test
    void extremePenaltiesStayFiniteAndKeepMasks() {
        float[] l = {2f, -2f, Float.NEGATIVE_INFINITY, 0.5f, -1f, 3f};
        new Penalties(SamplingParams.builder().repetitionPenalty(Float.MIN_VALUE).build()).apply(l, history());
        assertThat(l[0]).isEqualTo(Float.MAX_VALUE);
        assertThat(l[2]).isEqualTo(Float.NEGATIVE_INFINITY);
        float[] m = {2f, -2f, 1f, 0.5f, -1f, 3f};
        new Penalties(SamplingParams.builder().repetitionPenalty(Float.MAX_VALUE).build()).apply(m, history());
        assertThat(m[1]).isEqualTo(-Float.MAX_VALUE);
        assertThat(new Sampler(SamplingParams.builder().repetitionPenalty(Float.MIN_VALUE).seed(1).build())
                .next(logits(), history())).isIn(0, 2);     // the two positive repeated logits, both saturated
    }
}
