package dev.nemotron.plugins.examples.lion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.optim.OptimizerProvider;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LionTest {
    private static final double LR = 0.01;
    private static final double TOL = 1e-15;

    /** Gradients of three steps, per element: g[step][element]. */
    private static final double[][] GRADS = {{0.5, -1.0, 0.0}, {-0.2, -0.3, 0.4}, {0.03, 0.1, -0.05}};

    /*
     * Hand-computed, beta1 0.9, beta2 0.99, weight decay 0.1, lr 0.01, x0 = [1, -2, 0.5]:
     * step 1: m = 0, c = 0.1 g = [0.05, -0.1, 0]        sign [1, -1, 0]
     *         x = 0.999 x0 - 0.01 sign = [0.989, -1.988, 0.4995];           m = 0.01 g = [0.005, -0.01, 0]
     * step 2: c = 0.9 m + 0.1 g = [-0.0155, -0.039, 0.04]   sign [-1, -1, 1]
     *         x = [0.998011, -1.976012, 0.4890005];                          m = [0.00295, -0.0129, 0.004]
     * step 3: c = [0.005655, -0.00161, -0.0014]             sign [1, -1, -1]
     *         (element 1: the gradient is positive but the momentum wins; element 2: the reverse)
     *         x = [0.987012989, -1.964035988, 0.4985114995];                 m = [0.0032205, -0.011771, 0.00346]
     */
    private static final double[][] EXPECTED_DECAY = {
        {0.989, -1.988, 0.4995}, {0.998011, -1.976012, 0.4890005}, {0.987012989, -1.964035988, 0.4985114995}};
    /* Without decay each element moves by exactly lr * sign(c): */
    private static final double[][] EXPECTED_NO_DECAY = {
        {0.99, -1.99, 0.5}, {1.0, -1.98, 0.49}, {0.99, -1.97, 0.5}};

    private static double[] x0() {
        return new double[] {1.0, -2.0, 0.5};
    }

    @Test
    void updateRuleMatchesHandComputedValuesWithAndWithoutDecay() {
        double[] w = x0();
        double[] gw = new double[3];
        double[] n = x0();
        double[] gn = new double[3];
        ParameterGroup group = ParameterGroup.of(new Parameter("w", w, gw, true), new Parameter("norm.weight", n, gn, false));
        Lion lion = new Lion(0.9, 0.99, 0.1);
        for (int s = 0; s < 3; s++) {
            System.arraycopy(GRADS[s], 0, gw, 0, 3);
            System.arraycopy(GRADS[s], 0, gn, 0, 3);
            lion.step(group, s + 1, LR);
            for (int i = 0; i < 3; i++) {
                assertThat(w[i]).as("decayed, step %d element %d", s + 1, i).isCloseTo(EXPECTED_DECAY[s][i], within(TOL));
                assertThat(n[i]).as("not decayed, step %d element %d", s + 1, i).isCloseTo(EXPECTED_NO_DECAY[s][i], within(TOL));
            }
        }
        assertThat(lion.state().get("exp_avg/w")).containsExactly(new double[] {0.0032205, -0.011771, 0.00346}, within(TOL));
        assertThat(gw).containsExactly(GRADS[2]);
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        double[] a = x0();
        double[] ga = new double[3];
        ParameterGroup ga1 = ParameterGroup.of(new Parameter("w", a, ga, true));
        Lion first = new Lion(0.9, 0.99, 0.1);
        System.arraycopy(GRADS[0], 0, ga, 0, 3);
        first.step(ga1, 1, LR);
        OptimizerState saved = first.state();
        assertThat(saved.names()).containsExactly("exp_avg/w");

        double[] b = a.clone();
        double[] gb = new double[3];
        ParameterGroup gb1 = ParameterGroup.of(new Parameter("w", b, gb, true));
        Lion resumed = new Lion(0.9, 0.99, 0.1);
        resumed.load(saved);
        for (int s = 1; s < 3; s++) {
            System.arraycopy(GRADS[s], 0, ga, 0, 3);
            System.arraycopy(GRADS[s], 0, gb, 0, 3);
            first.step(ga1, s + 1, LR);
            resumed.step(gb1, s + 1, LR);
            assertThat(b).containsExactly(a);
        }
        assertThatThrownBy(() -> resumed.load(new OptimizerState(Map.of("exp_avg_sq/w", new double[3]))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exp_avg_sq/w");
    }

    @Test
    void providerIsFoundByServiceLoaderAndReadsOptions() {
        // The tests are patched into the plugin module, which provides but does not use the service.
        LionTest.class.getModule().addUses(OptimizerProvider.class);
        List<OptimizerProvider> found = ServiceLoader.load(OptimizerProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("lion")).toList();
        assertThat(found).hasSize(1);
        OptimizerProvider p = found.getFirst();
        assertThat(p.availability().available()).isTrue();
        Optimizer o = p.create(OptimizerConfig.of(Map.of("beta1", "0.5", "weight_decay", "0")));
        assertThat(o.name()).isEqualTo("lion");
        assertThat(o.state().isEmpty()).isTrue();
        assertThatThrownBy(() -> p.create(OptimizerConfig.of(Map.of("beta3", "1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta3");
        assertThatThrownBy(() -> p.create(OptimizerConfig.of(Map.of("beta2", "1.5"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta2");
    }

    @Test
    void rejectsStepZeroAndAResizedParameter() {
        Lion lion = new Lion(0.9, 0.99, 0);
        ParameterGroup g = ParameterGroup.of(new Parameter("w", new double[2], new double[2], true));
        assertThatThrownBy(() -> lion.step(g, 0, LR)).isInstanceOf(IllegalArgumentException.class);
        lion.step(g, 1, LR);
        ParameterGroup bigger = ParameterGroup.of(new Parameter("w", new double[3], new double[3], true));
        assertThatThrownBy(() -> lion.step(bigger, 2, LR)).hasMessageContaining("exp_avg/w");
    }
}
