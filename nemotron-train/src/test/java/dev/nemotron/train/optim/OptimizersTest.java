package dev.nemotron.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SDK finds its own AdamW and the example plugin's Lion (a test-scoped dependency written
 * against nemotron-api alone) through ServiceLoader, without naming the plugin anywhere.
 */
class OptimizersTest {
    @Test
    void serviceLoaderFindsAdamWAndThePluginsLion() {
        List<DiscoveredOptimizer> all = Optimizers.discover();
        assertThat(all).extracting(DiscoveredOptimizer::name).contains("adamw", "lion");
        assertThat(all).allSatisfy(d -> assertThat(d.availability().available()).as(d.name()).isTrue());
        DiscoveredOptimizer lion = all.stream().filter(d -> d.name().equals("lion")).findFirst().orElseThrow();
        assertThat(lion.description()).contains("Lion");
        assertThat(lion.provider().getClass().getName()).startsWith("dev.nemotron.plugins.examples.");
        assertThat(Optimizers.names()).contains("adamw", "lion");
    }

    @Test
    void createsByNameAndBothStepTheSameGroup() {
        for (String name : List.of("adamw", "lion")) {
            Optimizer o = Optimizers.create(name, OptimizerConfig.of(Map.of("beta1", "0.8")));
            assertThat(o.name()).isEqualTo(name);
            double[] x = {1.0};
            o.step(ParameterGroup.of(new Parameter("w", x, new double[] {2.0}, true)), 1, 0.01);
            assertThat(x[0]).as(name).isLessThan(1.0);
        }
        assertThat(((AdamW) Optimizers.create("adamw", OptimizerConfig.defaults())).hyper()).isEqualTo(AdamW.Hyper.DEFAULTS);
    }

    @Test
    void unknownNameOrOptionIsAUserError() {
        assertThatThrownBy(() -> Optimizers.create("sgd", OptimizerConfig.defaults()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("sgd").hasMessageContaining("adamw").hasMessageContaining("lion");
        assertThatThrownBy(() -> Optimizers.create("adamw", OptimizerConfig.of(Map.of("weight_decy", "0.1"))))
                .isInstanceOf(NemotronException.class).hasMessageContaining("weight_decy");
        assertThatThrownBy(() -> Optimizers.create("adamw", OptimizerConfig.of(Map.of("eps", "tiny"))))
                .isInstanceOf(NemotronException.class).hasMessageContaining("eps");
    }
}
