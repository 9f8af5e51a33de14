package dev.nemotron.eval.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.data.Doc;
import dev.nemotron.eval.metric.Metric;
import dev.nemotron.eval.metric.MetricProvider;
import dev.nemotron.eval.metric.MetricRegistry;
import dev.nemotron.eval.metric.SampleView;
import org.junit.jupiter.api.Test;

/** {@code math_equiv}: the math verifier as a harness metric, found by name like any metric plugin. */
class MathEquivMetricProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Doc DOC = new Doc(0, JSON.createObjectNode(), "test");

    private static Metric metric(String optionsJson) throws Exception {
        return new MathEquivMetricProvider().create(Fields.of(JSON.readTree(optionsJson), "metric"));
    }

    private static double score(Metric m, String gold, String prediction) {
        return m.score(SampleView.generated("t", DOC, 0, gold, prediction, null));
    }

    @Test
    void scoresEquivalentAnswersOne() throws Exception {
        Metric m = metric("{}");
        assertThat(score(m, "7425000", "7,425,000")).isEqualTo(1.0);
        assertThat(score(m, "$\\frac13$", "$1/3$")).isEqualTo(1.0);
        assertThat(score(m, "$4$", "$4\\sqrt{2}$")).isEqualTo(0.0);
        assertThat(score(m, "2", "AZYUK2A")).isEqualTo(0.0);
        assertThat(score(m, "2", null)).isEqualTo(0.0);
    }

    @Test
    void extractFindsTheFinalAnswerInACompletion() throws Exception {
        Metric m = metric("{\"extract\": true}");
        assertThat(score(m, "72", "<think>maybe 70</think>48 + 24 = 72, so the answer is \\boxed{72}.")).isEqualTo(1.0);
        assertThat(score(m, "72", "<think>72</think>I think it is 70.")).isEqualTo(0.0);
    }

    @Test
    void isFoundByNameAndRejectsUnknownOptions() throws Exception {
        assertThat(MetricRegistry.discover().providers()).extracting(MetricProvider::name).contains("math_equiv");
        ObjectNode bad = JSON.createObjectNode().put("tolerence", 1);
        assertThatThrownBy(() -> new MathEquivMetricProvider().create(Fields.of(bad, "metric")))
                .isInstanceOf(NemotronException.class).hasMessageContaining("tolerence");
    }
}
