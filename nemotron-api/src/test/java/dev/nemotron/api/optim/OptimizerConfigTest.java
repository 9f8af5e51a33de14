package dev.nemotron.api.optim;

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
}
