package dev.nemotron.eval.ruler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.NemotronException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RULER's string_match_all / string_match_part on hand-made cases. */
class RulerMetricTest {
    private static final RulerMetric ALL = RulerMetric.STRING_MATCH_ALL;
    private static final RulerMetric PART = RulerMetric.STRING_MATCH_PART;

    @Test
    void matchAllIsTheFractionOfReferencesFound() {
        assertThat(ALL.score("The numbers are 1234567 and 7654321.", List.of("1234567", "7654321"))).isEqualTo(1.0);
        assertThat(ALL.score("The numbers are 1234567 and 7654322.", List.of("1234567", "7654321"))).isEqualTo(0.5);
        assertThat(ALL.score("nothing", List.of("a1", "b2", "c3", "d4"))).isZero();
        assertThat(ALL.score("ABCDE, FGHIJ", List.of("abcde", "fghij", "klmno"))).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void matchPartIsOneWhenAnyReferenceIsFound() {
        assertThat(PART.score("It was Ishmael.", List.of("Queequeg", "ishmael"))).isEqualTo(1.0);
        assertThat(PART.score("It was Ahab.", List.of("Queequeg", "Ishmael"))).isZero();
    }

    @Test
    void ignoresCaseAndMatchesSubstrings() {
        assertThat(ALL.score("UUID: 3F2A1B4C-0000-4000-8000-000000000000", List.of("3f2a1b4c-0000-4000-8000-000000000000")))
                .isEqualTo(1.0);
        assertThat(ALL.score("123456789", List.of("2345678"))).isEqualTo(1.0);
    }

    @Test
    void postprocessStripsAndTurnsControlCharactersIntoNewlines() {
        assertThat(RulerMetric.postprocess("  a\tb\u0000c\r\n ")).isEqualTo("a\nb\nc");
        assertThat(RulerMetric.postprocess("\n\n")).isEmpty();
    }

    @Test
    void averagesOverSamples() {
        List<String> preds = List.of("1 2", "1", "none");
        List<List<String>> refs = List.of(List.of("1", "2"), List.of("1", "2"), List.of("3"));
        assertThat(ALL.score(preds, refs)).isCloseTo((1.0 + 0.5 + 0.0) / 3, within(1e-12));
        assertThat(PART.score(preds, refs)).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void taskChoiceFollowsRuler() {
        for (RulerTask t : RulerTask.values()) {
            assertThat(t.metric()).as(t.id()).isEqualTo(ALL);
        }
        assertThat(RulerMetric.forTask("qa_1")).isEqualTo(PART);
        assertThat(RulerMetric.forTask("qa_2")).isEqualTo(PART);
        assertThat(RulerMetric.parse("string_match_part")).isEqualTo(PART);
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> ALL.score("x", List.of())).isInstanceOf(NemotronException.class)
                .hasMessageContaining("at least one reference");
        assertThatThrownBy(() -> ALL.score(List.of("a"), List.of())).isInstanceOf(NemotronException.class)
                .hasMessageContaining("1 predictions for 0 samples");
        assertThatThrownBy(() -> RulerMetric.parse("exact")).isInstanceOf(NemotronException.class)
                .hasMessageContaining("unknown RULER metric 'exact'");
    }
}
