package dev.nemotron.train.optim;

import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter), computed exactly as PyTorch's
 * {@code torch.optim.AdamW} (non-fused, {@code amsgrad=False}), in float64. For each element, at
 * update {@code t} (from 1) with learning rate {@code lr}:
 * <pre>
 *   p  = p * (1 - lr * weightDecay)          only for parameters with {@link Parameter#weightDecay()}
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g * g
 *   p  = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * State: {@code exp_avg/<name>} ({@code m}) and {@code exp_avg_sq/<name>} ({@code v}), zero before
 * the first step.
 */
public final class AdamW implements Optimizer {
    /** State slot of the first moment. */
    public static final String EXP_AVG = "exp_avg";
    /** State slot of the second moment. */
    public static final String EXP_AVG_SQ = "exp_avg_sq";

    private final Hyper h;
    private final Map<String, double[]> expAvg = new LinkedHashMap<>();
    private final Map<String, double[]> expAvgSq = new LinkedHashMap<>();

    /**
     * AdamW's hyper-parameters.
     *
     * @param beta1       first-moment decay, default 0.9
     * @param beta2       second-moment decay, default 0.95 (Nemotron-H)
     * @param eps         added to the denominator, default 1e-8
     * @param weightDecay decoupled decay per unit learning rate, default 0.1
     */
    public record Hyper(double beta1, double beta2, double eps, double weightDecay) {
        /** The Nemotron-H defaults: 0.9, 0.95, 1e-8, 0.1. */
        public static final Hyper DEFAULTS = new Hyper(0.9, 0.95, 1e-8, 0.1);

        public Hyper {
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("beta1 must be in [0, 1): " + beta1);
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("beta2 must be in [0, 1): " + beta2);
            }
            if (!(eps > 0)) {
                throw new IllegalArgumentException("eps must be positive: " + eps);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight_decay must be >= 0: " + weightDecay);
            }
        }
    }

    /** AdamW with the Nemotron-H defaults. */
    public AdamW() {
        this(Hyper.DEFAULTS);
    }

    public AdamW(Hyper hyper) {
        this.h = hyper;
    }

    public Hyper hyper() {
        return h;
    }

    @Override
    public String name() {
        return "adamw";
    }

    @Override
    public void step(ParameterGroup group, long step, double lr) {
        if (step < 1) {
            throw new IllegalArgumentException("step counts from 1: " + step);
        }
        double bc1 = 1 - Math.pow(h.beta1(), step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(h.beta2(), step));
        double stepSize = lr / bc1;
        double b1 = h.beta1();
        double b2 = h.beta2();
        for (Parameter p : group.parameters()) {
            double[] m = OptimStates.slot(expAvg, p, EXP_AVG);
            double[] v = OptimStates.slot(expAvgSq, p, EXP_AVG_SQ);
            double[] x = p.values();
            double[] g = p.grads();
            double decay = p.weightDecay() ? 1 - lr * h.weightDecay() : 1;
            for (int i = 0; i < x.length; i++) {
                double gi = g[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double denom = Math.sqrt(v[i]) / bc2Sqrt + h.eps();
                x[i] = x[i] * decay - stepSize * (m[i] / denom);
            }
        }
    }

    @Override
    public OptimizerState state() {
        return OptimStates.snapshot(Map.of(EXP_AVG, expAvg, EXP_AVG_SQ, expAvgSq), EXP_AVG, EXP_AVG_SQ);
    }

    @Override
    public void load(OptimizerState state) {
        OptimStates.load(state, Map.of(EXP_AVG, expAvg, EXP_AVG_SQ, expAvgSq));
    }
}
