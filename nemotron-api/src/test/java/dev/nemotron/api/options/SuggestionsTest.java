package dev.nemotron.api.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    @Test
    void distanceCountsEditsAndSwaps() {
        assertThat(Suggestions.distance("steps", "steps")).isZero();
        assertThat(Suggestions.distance("stepz", "steps")).isEqualTo(1);
        assertThat(Suggestions.distance("setps", "steps")).isEqualTo(1);
        assertThat(Suggestions.distance("step", "steps")).isEqualTo(1);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    }

    @Test
    void closestKnownKeyOnlyWhenLikelyATypo() {
        List<String> known = List.of("layer_norm_epsilon", "hidden_size", "num_hidden_layers");
        assertThat(Suggestions.closest("layer_norm_epsilom", known)).contains("layer_norm_epsilon");
        assertThat(Suggestions.closest("Hidden_Size", known)).contains("hidden_size");
        assertThat(Suggestions.closest("vocab", known)).isEmpty();
        assertThat(Suggestions.didYouMean("num_hiden_layers", known)).isEqualTo("; did you mean 'num_hidden_layers'?");
        assertThat(Suggestions.didYouMean("x".repeat(100_000), known)).isEmpty();
    }
}
