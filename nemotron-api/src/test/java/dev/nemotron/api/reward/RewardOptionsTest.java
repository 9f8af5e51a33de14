package dev.nemotron.api.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RewardOptionsTest {
    @Test
    void readsTypedValuesWithDefaults() {
        RewardOptions o = new RewardOptions("math", Map.of("tolerance", " 1e-4 ", "strict", "TRUE"))
                .requireOnly(Set.of("tolerance", "strict"));
        assertThat(o.getDouble("tolerance", 1e-6)).isEqualTo(1e-4);
        assertThat(o.getDouble("other", 2.5)).isEqualTo(2.5);
        assertThat(o.getBoolean("strict", false)).isTrue();
        assertThat(o.getBoolean("absent", true)).isTrue();
    }

    @Test
    void errorsNameTheRewardAndTheOption() {
        assertThatThrownBy(() -> new RewardOptions("math", Map.of("tolerence", "1", "b", "2")).requireOnly(Set.of("tolerance")))
                .isInstanceOf(NemotronException.class)
                .hasMessage("reward 'math': unknown option(s) b, tolerence (known: tolerance); did you mean 'tolerance' for 'tolerence'?");
        assertThatThrownBy(() -> new RewardOptions("math", Map.of("tolerance", "abc")).getDouble("tolerance", 0))
                .hasMessage("reward 'math': option tolerance: not a number: 'abc'");
        assertThatThrownBy(() -> new RewardOptions("math", Map.of("tolerance", "NaN")).getDouble("tolerance", 0))
                .hasMessage("reward 'math': option tolerance: not finite: 'NaN'");
        assertThatThrownBy(() -> new RewardOptions("math", Map.of("strict", "yes")).getBoolean("strict", false))
                .hasMessage("reward 'math': option strict: expected true or false, got 'yes'");
    }

    @Test
    void inputCopiesItsMetadata() {
        Map<String, String> meta = new HashMap<>(Map.of("task", "gsm8k"));
        RewardInput in = new RewardInput("q", "c", "r", meta);
        meta.put("task", "changed");
        assertThat(in.metadata()).containsExactly(Map.entry("task", "gsm8k"));
        assertThat(RewardInput.of("q", "c", "r").metadata()).isEmpty();
        assertThatThrownBy(() -> RewardInput.of("q", null, "r")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void readsIntegersAndStringsWithBoundsAndNamesTheOptionOnError() {
        RewardOptions o = new RewardOptions("format", Map.of("max_chars", " 200 ", "model", " m ",
                "big", "99999999999", "neg", "-1", "word", "ten", "blank", " "));
        assertThat(o.getLong("max_chars", 0, 1, 1000)).isEqualTo(200);
        assertThat(o.getLong("absent", 7, 1, 1000)).isEqualTo(7);
        assertThat(o.getString("model", "x")).isEqualTo("m");
        assertThat(o.getString("absent", "x")).isEqualTo("x");
        assertThat(o.has("model")).isTrue();
        assertThat(o.has("absent")).isFalse();
        assertThatThrownBy(() -> o.getLong("big", 0, 1, 1000))
                .hasMessage("reward 'format': option big: must be in [1, 1000], got 99999999999");
        assertThatThrownBy(() -> o.getLong("neg", 0, 1, 1000))
                .hasMessage("reward 'format': option neg: must be in [1, 1000], got -1");
        assertThatThrownBy(() -> o.getLong("word", 0, 1, 1000))
                .hasMessage("reward 'format': option word: not an integer: 'ten'");
        assertThatThrownBy(() -> o.getString("blank", "x"))
                .hasMessage("reward 'format': option blank: empty value");
    }

    @Test
    void requireOnlyTakesTheProvidersOptionList() {
        var known = java.util.List.of(new RewardOption("max_chars", "", "the longest answer"));
        assertThat(new RewardOptions("format", Map.of("max_chars", "3")).requireOnly(known).getLong("max_chars", 0, 0, 9)).isEqualTo(3);
        assertThatThrownBy(() -> new RewardOptions("format", Map.of("max_char", "3")).requireOnly(known))
                .hasMessageStartingWith("reward 'format': unknown option(s) max_char (known: max_chars)");
    }
}
