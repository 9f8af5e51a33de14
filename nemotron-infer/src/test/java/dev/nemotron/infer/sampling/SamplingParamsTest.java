package dev.nemotron.infer.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SamplingParamsTest {

    private static void rejects(UnaryOperator<SamplingParams.Builder> edit, String message) {
        assertThatThrownBy(() -> edit.apply(SamplingParams.builder()).build())
                .isInstanceOf(NemotronException.class)
                .hasMessage(message);
    }

    @Test
    void defaultsAreNeutral() {
        SamplingParams p = SamplingParams.defaults();
        assertThat(p.temperature()).isEqualTo(1.0);
        assertThat(p.topK()).isZero();
        assertThat(p.topP()).isEqualTo(1.0);
        assertThat(p.minP()).isZero();
        assertThat(p.hasPenalties()).isFalse();
        assertThat(p.seed()).isEmpty();
        assertThat(p.maxTokens()).isEqualTo(SamplingParams.DEFAULT_MAX_TOKENS);
        assertThat(p.stop()).isEmpty();
        assertThat(p.stopTokenIds()).isEmpty();
        assertThat(p.isGreedy()).isFalse();
        assertThat(SamplingParams.greedy(8).isGreedy()).isTrue();
        assertThat(SamplingParams.builder().temperature(1e-6).build().isGreedy()).isTrue();
    }

    @Test
    void builderRoundTrip() {
        SamplingParams p = SamplingParams.builder().temperature(0.6).topK(20).topP(0.95).minP(0.05)
                .repetitionPenalty(1.1).presencePenalty(0.5).frequencyPenalty(-0.5).seed(7).maxTokens(100)
                .stop("</s>", "\n\n").stopTokenIds(2, 11).build();
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThat(p.seed()).isEqualTo(OptionalLong.of(7));
        assertThat(p.stop()).containsExactly("</s>", "\n\n");
        assertThat(p.stopTokenIds()).containsExactlyInAnyOrder(2, 11);
        assertThat(p.hasPenalties()).isTrue();
    }

    @Test
    void collectionsAreCopied() {
        var stops = new java.util.ArrayList<>(List.of("a"));
        SamplingParams p = SamplingParams.builder().stop(stops).build();
        stops.add("b");
        assertThat(p.stop()).containsExactly("a");
        assertThatThrownBy(() -> p.stop().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void messagesNameTheOpenAiFieldAndTheRange() {
        rejects(b -> b.temperature(-0.1), "temperature must be a finite number >= 0 (at most 3.4028235E38), got -0.1");
        rejects(b -> b.temperature(Double.NaN), "temperature must be a finite number >= 0 (at most 3.4028235E38), got NaN");
        rejects(b -> b.temperature(Double.POSITIVE_INFINITY),
                "temperature must be a finite number >= 0 (at most 3.4028235E38), got Infinity");
        rejects(b -> b.topK(-1), "top_k must be >= 0 (0 = off), got -1");
        rejects(b -> b.topP(1.5), "top_p must be in (0, 1], got 1.5");
        rejects(b -> b.topP(0), "top_p must be in (0, 1], got 0.0");
        rejects(b -> b.minP(-0.5), "min_p must be in [0, 1], got -0.5");
        rejects(b -> b.minP(1.01), "min_p must be in [0, 1], got 1.01");
        rejects(b -> b.repetitionPenalty(0),
                "repetition_penalty must be a finite number > 0 (in [1.4E-45, 3.4028235E38] as a 32-bit float), got 0.0");
        rejects(b -> b.presencePenalty(2.5), "presence_penalty must be in [-2, 2], got 2.5");
        rejects(b -> b.frequencyPenalty(-3), "frequency_penalty must be in [-2, 2], got -3.0");
        rejects(b -> b.maxTokens(0), "max_tokens must be > 0, got 0");
        rejects(b -> b.stop("a", ""), "stop must not contain an empty or null string");
        rejects(b -> b.stop((java.util.Collection<String>) null), "stop must not be null (use an empty list)");
        rejects(b -> b.stopTokenIds(3, -1), "stop_token_ids must hold token ids >= 0, got -1");
        rejects(b -> b.seed((OptionalLong) null), "seed must not be null (use OptionalLong.empty())");
    }

    /** Checked as the float the sampler uses: a double that rounds to 0 or overflows is refused. */
    @Test
    void valuesAreValidatedInTheFloatTheSamplerUses() {
        rejects(b -> b.repetitionPenalty(1e-300),
                "repetition_penalty must be a finite number > 0 (in [1.4E-45, 3.4028235E38] as a 32-bit float), got 1.0E-300");
        rejects(b -> b.repetitionPenalty(1e300),
                "repetition_penalty must be a finite number > 0 (in [1.4E-45, 3.4028235E38] as a 32-bit float), got 1.0E300");
        rejects(b -> b.temperature(1e300), "temperature must be a finite number >= 0 (at most 3.4028235E38), got 1.0E300");
        assertThat(SamplingParams.builder().repetitionPenalty(Float.MIN_VALUE).build().repetitionPenalty())
                .isEqualTo(Float.MIN_VALUE);
    }

    @Test
    void boundsThemselvesAreAllowed() {
        SamplingParams p = SamplingParams.builder().temperature(0).topP(1).minP(1).presencePenalty(-2)
                .frequencyPenalty(2).maxTokens(1).build();
        assertThat(p.isGreedy()).isTrue();
    }
}
