package dev.nemotron.api.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptimizerConfigTest {
    @Test
    void unknownOptionNamesTheClosestKnownOne() {
        assertThatThrownBy(() -> OptimizerConfig.of(Map.of("beta_1", "0.9")).requireOnly(Set.of("beta1", "beta2", "eps")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown optimizer option(s) [beta_1] (known: [beta1, beta2, eps]); did you mean 'beta1'?");
        OptimizerConfig.of(Map.of("eps", "1e-8")).requireOnly(Set.of("beta1", "beta2", "eps"));
    }

    @Test
    void numbersAreFiniteAndErrorsNameTheOption() {
        OptimizerConfig c = OptimizerConfig.of(Map.of("beta1", " 0.8 ", "eps", "abc", "beta2", "NaN"));
        assertThat(c.getDouble("beta1", 0.9)).isEqualTo(0.8);
        assertThat(c.getDouble("weight_decay", 0.1)).isEqualTo(0.1);
        assertThatThrownBy(() -> c.getDouble("eps", 1e-8)).hasMessage("optimizer option eps: not a number: 'abc'");
        assertThatThrownBy(() -> c.getDouble("beta2", 0.99)).hasMessage("optimizer option beta2: not finite: 'NaN'");
    }
}
