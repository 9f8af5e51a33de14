package dev.nemotron.eval.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.eval.config.Fields;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** lm-evaluation-harness's exact_match normalisation: regexes, then case, punctuation, digits. */
class ExactMatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ExactMatch of(String optionsJson) throws Exception {
        return ExactMatch.fromOptions(Fields.of(JSON.readTree(optionsJson), "t.yaml: metrics[0]"));
    }

    @Test
    void gsm8kNormalisation() throws Exception {
        ExactMatch em = of("{\"ignore_case\":true,\"regexes_to_ignore\":[\",\",\"\\\\$\",\"(?s).*#### \",\"\\\\.$\"]}");
        assertThat(em.normalize("Janet sells 9 eggs.\nShe makes $18.\n#### 18")).isEqualTo("18");
        assertThat(em.normalize("$1,234.")).isEqualTo("1234");
        assertThat(em.normalize("-3.5")).isEqualTo("-3.5");
        assertThat(em.normalize("ABC")).isEqualTo("abc");
    }

    @Test
    void optionsApplyInLmEvalOrder() {
        ExactMatch none = new ExactMatch(List.of(), false, false, false);
        assertThat(none.normalize(" A.b ")).isEqualTo(" A.b ");
        ExactMatch punct = new ExactMatch(List.of(), true, true, false);
        assertThat(punct.normalize("Hello, World!")).isEqualTo("hello world");
        assertThat(punct.normalize("Straße—é")).isEqualTo("straße—é");
        ExactMatch digits = new ExactMatch(List.of(), false, false, true);
        assertThat(digits.normalize("a1b22")).isEqualTo("ab");
        // the regex runs before lower-casing: [A-Z] still sees capitals
        ExactMatch order = new ExactMatch(List.of(Pattern.compile("[A-Z]")), true, false, false);
        assertThat(order.normalize("aBc")).isEqualTo("ac");
    }

    @Test
    void scoresOneOrZero() {
        ExactMatch em = new ExactMatch(List.of(), true, false, false);
        var doc = new dev.nemotron.eval.data.Doc(0, JSON.createObjectNode(), "x:1");
        assertThat(em.score(SampleView.generated("t", doc, 0, "Paris", "paris", null))).isEqualTo(1.0);
        assertThat(em.score(SampleView.generated("t", doc, 0, "Paris", "Lyon", null))).isEqualTo(0.0);
    }

    @Test
    void badOptionsNameTheField() {
        assertThatThrownBy(() -> of("{\"ignore_cas\":true}")).hasMessageContaining("t.yaml: metrics[0]: unknown field 'ignore_cas'");
        assertThatThrownBy(() -> of("{\"ignore_case\":\"yes\"}")).hasMessageContaining("t.yaml: metrics[0].ignore_case must be true or false");
        assertThatThrownBy(() -> of("{\"regexes_to_ignore\":[\"(\"]}"))
                .hasMessageContaining("t.yaml: metrics[0].regexes_to_ignore[0] is not a valid regular expression");
    }
}
