package dev.nemotron.plugins.examples.lion;

import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lion ("EvoLved Sign Momentum", Chen et al. 2023, "Symbolic Discovery of Optimization
 * Algorithms"), in float64. For each element, with learning rate {@code lr}:
 * <pre>
 *   p = p * (1 - lr * weightDecay)          only for parameters with {@link Parameter#weightDecay()}
 *   c = beta1 * m + (1 - beta1) * g         the interpolated momentum
 *   p = p - lr * sign(c)                    sign(0) = 0
 *   m = beta2 * m + (1 - beta2) * g
 * </pre>
 * Every element moves by exactly {@code lr} (plus decay), so Lion wants a learning rate 3-10x
 * smaller than AdamW's. There is no bias correction; the step number is only checked.
 * State: {@code exp_avg/<name>} ({@code m}), zero before the first step.
 */
public final class Lion implements Optimizer {
    /** State slot of the momentum. */
    public static final String EXP_AVG = "exp_avg";

    private final double beta1;
    private final double beta2;
    private final double weightDecay;
    private final Map<String, double[]> expAvg = new LinkedHashMap<>();

    /**
     * @param beta1       interpolation weight of the update direction, default 0.9
     * @param beta2       momentum decay, default 0.99
     * @param weightDecay decoupled decay per unit learning rate, default 0 (as the paper's reference code)
     */
    public Lion(double beta1, double beta2, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1): " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1): " + beta2);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight_decay must be >= 0: " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return "lion";
    }

    @Override
    public void step(ParameterGroup group, long step, double lr) {
        if (step < 1) {
            throw new IllegalArgumentException("step counts from 1: " + step);
        }
        for (Parameter p : group.parameters()) {
            double[] m = expAvg.computeIfAbsent(p.name(), k -> new double[p.size()]);
            if (m.length != p.size()) {
                throw new IllegalArgumentException(EXP_AVG + "/" + p.name() + " holds " + m.length
                        + " elements but the parameter has " + p.size());
            }
            double[] x = p.values();
            double[] g = p.grads();
            double decay = p.weightDecay() ? 1 - lr * weightDecay : 1;
            for (int i = 0; i < x.length; i++) {
                double c = beta1 * m[i] + (1 - beta1) * g[i];
                x[i] = x[i] * decay - lr * Math.signum(c);
                m[i] = beta2 * m[i] + (1 - beta2) * g[i];
            }
        }
    }

    @Override
    public OptimizerState state() {
        Map<String, double[]> arrays = new LinkedHashMap<>();
        expAvg.forEach((name, m) -> arrays.put(EXP_AVG + "/" + name, m));
        return new OptimizerState(arrays);
    }

    @Override
    public void load(OptimizerState state) {
        Map<String, double[]> fresh = new LinkedHashMap<>();
        for (var e : state.arrays().entrySet()) {
            if (!e.getKey().startsWith(EXP_AVG + "/")) {
                throw new IllegalArgumentException("unknown optimizer state array '" + e.getKey()
                        + "' (expected " + EXP_AVG + "/<parameter>)");
            }
            fresh.put(e.getKey().substring(EXP_AVG.length() + 1), e.getValue());
        }
        expAvg.clear();
        expAvg.putAll(fresh);
    }
}
