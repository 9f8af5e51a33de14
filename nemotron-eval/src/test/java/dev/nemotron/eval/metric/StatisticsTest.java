package dev.nemotron.eval.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.NemotronException;
import org.junit.jupiter.api.Test;

/** pass@k by hand, aggregations, and the bootstrap's standard error. */
class StatisticsTest {
    @Test
    void passAtKHandValues() {
        // n=5, c=2, k=1: c/n
        assertThat(PassAtK.estimate(5, 2, 1)).isCloseTo(0.4, within(1e-12));
        // n=5, c=2, k=2: 1 - C(3,2)/C(5,2) = 1 - 3/10
        assertThat(PassAtK.estimate(5, 2, 2)).isCloseTo(0.7, within(1e-12));
        // n=10, c=3, k=5: 1 - C(7,5)/C(10,5) = 1 - 21/252
        assertThat(PassAtK.estimate(10, 3, 5)).isCloseTo(1 - 21.0 / 252, within(1e-12));
        assertThat(PassAtK.estimate(4, 0, 2)).isZero();
        assertThat(PassAtK.estimate(4, 3, 2)).isEqualTo(1.0);   // n - c < k
        assertThat(PassAtK.estimate(1, 1, 1)).isEqualTo(1.0);
        // large n stays finite and exact-ish: n=200, c=1, k=1 -> 1/200
        assertThat(PassAtK.estimate(200, 1, 1)).isCloseTo(0.005, within(1e-12));
        assertThatThrownBy(() -> PassAtK.estimate(3, 1, 4)).isInstanceOf(NemotronException.class);
    }

    @Test
    void aggregations() {
        double[] scores = {1, 0, 0, 1};
        assertThat(Aggregation.parse("mean", "x").perDoc(scores)).isEqualTo(0.5);
        assertThat(Aggregation.parse("avg@2", "x").perDoc(scores)).isEqualTo(0.5);
        assertThat(Aggregation.parse("avg@1", "x").perDoc(scores)).isEqualTo(1.0);
        assertThat(Aggregation.parse("pass@2", "x").perDoc(scores)).isCloseTo(1 - 1.0 / 6, within(1e-12));
        assertThat(Aggregation.parse("pass@2", "x").key("exact_match")).isEqualTo("exact_match_pass@2");
        assertThat(Aggregation.parse("mean", "x").key("acc")).isEqualTo("acc");
        assertThatThrownBy(() -> Aggregation.parse("pass@0", "t.yaml: metrics[0].aggregations"))
                .hasMessageContaining("t.yaml: metrics[0].aggregations: unknown aggregation 'pass@0'");
        assertThatThrownBy(() -> Aggregation.parse("median", "x")).hasMessageContaining("known: mean, avg@K, pass@K");
    }

    @Test
    void bootstrapStderrMatchesTheBinomialFormula() {
        int n = 400;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 4 == 0 ? 1 : 0;   // p = 0.25
        }
        double analytic = Math.sqrt(0.25 * 0.75 / n);
        double boot = Bootstrap.stderr(v, 1000, 1234);
        assertThat(boot).isCloseTo(analytic, within(analytic * 0.1));
        assertThat(Bootstrap.stderr(v, 1000, 1234)).isEqualTo(boot);          // seeded
        assertThat(Bootstrap.stderr(new double[] {1, 1, 1, 1}, 1000, 1)).isZero();
        assertThat(Bootstrap.stderr(new double[] {1}, 1000, 1)).isNaN();
        assertThat(Bootstrap.mean(v)).isEqualTo(0.25);
    }
}
