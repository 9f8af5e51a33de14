package dev.nemotron.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWTest {
    private static final double LR = 0.01;
    private static final double TOL = 1e-13;

    /** Gradients of three steps: g[step][element]. Element 1 has a zero gradient at step 1. */
    private static final double[][] GRADS = {{0.5, 0.0}, {-0.25, 0.3}, {0.1, 0.3}};

    /*
     * Hand-computed (40-digit decimal arithmetic, the textbook form m^/(sqrt(v^)+eps)), beta1 0.9,
     * beta2 0.95, eps 1e-8, lr 0.01, x0 = [1, -2]:
     * element 0: m = 0.05, 0.02, 0.028;  v = 0.0125, 0.015, 0.01475
     *   bias correction: step 1 m^ = 0.05/0.1 = 0.5, v^ = 0.0125/0.05 = 0.25, so the first update is
     *   lr * 0.5/(0.5 + 1e-8), almost exactly lr, whatever the gradient's scale
     *   step 2: m^ = 0.02/0.19, v^ = 0.015/0.0975; step 3: m^ = 0.028/0.271, v^ = 0.01475/0.142625
     * element 1: gradient 0 at step 1 leaves it unmoved (0/(0+eps)) but for the decay;
     *   m = 0, 0.03, 0.057; v = 0, 0.0045, 0.008775
     */
    private static final double[][] EXPECTED_DECAY = {
        {0.9890000001999999960000000799999984, -1.998},
        {0.9853273057873827390858996465282431, -2.003351599680931037592492602302030},
        {0.9811291277741616132676273934541965, -2.009827934914226533231413690493605}};
    private static final double[][] EXPECTED_NO_DECAY = {
        {0.9900000001999999960000000799999984, -2.0},
        {0.9873163057875827390818996466082431, -2.007349599680931037592492602302030},
        {0.9841034550801489960027132931807248, -2.015829286513907464269006183095908}};

    @Test
    void threeStepsMatchTheHandComputedReferenceWithAndWithoutDecay() {
        double[] w = {1.0, -2.0};
        double[] gw = new double[2];
        double[] n = {1.0, -2.0};
        double[] gn = new double[2];
        ParameterGroup group = ParameterGroup.of(new Parameter("proj.weight", w, gw, true),
                new Parameter("norm.weight", n, gn, false));
        AdamW adamw = new AdamW();
        for (int s = 0; s < 3; s++) {
            System.arraycopy(GRADS[s], 0, gw, 0, 2);
            System.arraycopy(GRADS[s], 0, gn, 0, 2);
            adamw.step(group, s + 1, LR);
            for (int i = 0; i < 2; i++) {
                assertThat(w[i]).as("decayed, step %d element %d", s + 1, i).isCloseTo(EXPECTED_DECAY[s][i], within(TOL));
                assertThat(n[i]).as("not decayed, step %d element %d", s + 1, i).isCloseTo(EXPECTED_NO_DECAY[s][i], within(TOL));
            }
        }
        OptimizerState st = adamw.state();
        assertThat(st.names()).containsExactly("exp_avg/proj.weight", "exp_avg/norm.weight",
                "exp_avg_sq/proj.weight", "exp_avg_sq/norm.weight");
        assertThat(st.get("exp_avg/proj.weight")).containsExactly(new double[] {0.028, 0.057}, within(1e-16));
        assertThat(st.get("exp_avg_sq/norm.weight")).containsExactly(new double[] {0.01475, 0.008775}, within(1e-16));
    }

    @Test
    void biasCorrectionMakesTheFirstStepLrWhateverTheGradientScale() {
        for (double g : new double[] {1e-3, 1.0, 1e3}) {
            double[] x = {0.0};
            new AdamW(new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1)).step(
                    ParameterGroup.of(new Parameter("w", x, new double[] {g}, true)), 1, LR);
            assertThat(x[0]).isCloseTo(-LR, within(2e-7));
        }
    }

    @Test
    void stateSaveAndLoadGivesIdenticalContinuedUpdates() {
        Random rnd = new Random(7);
        String[] names = {"backbone.layers.0.mixer.in_proj.weight", "backbone.layers.0.mixer.A_log", "backbone.norm_f.weight"};
        int[] sizes = {12, 3, 4};
        double[][] x = new double[3][];
        double[][] g = new double[3][];
        for (int i = 0; i < 3; i++) {
            x[i] = rnd.doubles(sizes[i], -1, 1).toArray();
            g[i] = new double[sizes[i]];
        }
        DecayPolicy policy = DecayPolicy.nemotronDefault();
        ParameterGroup group = ParameterGroup.of(policy.parameter(names[0], x[0], g[0]),
                policy.parameter(names[1], x[1], g[1]), policy.parameter(names[2], x[2], g[2]));
        AdamW original = new AdamW();
        for (int s = 1; s <= 4; s++) {
            fill(g, rnd);
            original.step(group, s, LR);
        }
        OptimizerState saved = original.state();
        double[][] y = new double[3][];
        double[][] h = new double[3][];
        for (int i = 0; i < 3; i++) {
            y[i] = x[i].clone();
            h[i] = new double[sizes[i]];
        }
        ParameterGroup copy = ParameterGroup.of(policy.parameter(names[0], y[0], h[0]),
                policy.parameter(names[1], y[1], h[1]), policy.parameter(names[2], y[2], h[2]));
        AdamW resumed = new AdamW();
        resumed.load(new OptimizerState(saved.arrays()));   // as a checkpoint would give it back
        for (int s = 5; s <= 8; s++) {
            fill(g, rnd);
            for (int i = 0; i < 3; i++) {
                System.arraycopy(g[i], 0, h[i], 0, sizes[i]);
            }
            original.step(group, s, LR);
            resumed.step(copy, s, LR);
            for (int i = 0; i < 3; i++) {
                assertThat(y[i]).as("step %d %s", s, names[i]).containsExactly(x[i]);
            }
        }
        assertThat(resumed.state().arrays()).allSatisfy((k, v) -> assertThat(v).containsExactly(original.state().get(k)));
    }

    @Test
    void rejectsBadInput() {
        AdamW adamw = new AdamW();
        ParameterGroup g = ParameterGroup.of(new Parameter("w", new double[2], new double[2], true));
        assertThatThrownBy(() -> adamw.step(g, 0, LR)).isInstanceOf(IllegalArgumentException.class);
        adamw.step(g, 1, LR);
        assertThatThrownBy(() -> adamw.step(ParameterGroup.of(new Parameter("w", new double[3], new double[3], true)), 2, LR))
                .hasMessageContaining("exp_avg/w");
        assertThatThrownBy(() -> adamw.load(new OptimizerState(Map.of("momentum/w", new double[2]))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("momentum/w");
        assertThatThrownBy(() -> new AdamW.Hyper(1.0, 0.95, 1e-8, 0.1)).hasMessageContaining("beta1");
        assertThatThrownBy(() -> new Parameter("w", new double[2], new double[3], true)).hasMessageContaining("w");
        assertThatThrownBy(() -> ParameterGroup.of(new Parameter("w", new double[1], new double[1], true),
                new Parameter("w", new double[1], new double[1], true))).hasMessageContaining("duplicate");
    }

    private static void fill(double[][] g, Random rnd) {
        for (double[] a : g) {
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextGaussian();
            }
        }
    }
}
