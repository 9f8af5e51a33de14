package dev.nemotron.plugins.examples.lion;

import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.optim.OptimizerProvider;
import java.util.Set;

/**
 * Provides {@link Lion} as {@code "lion"}. Options: {@code beta1} (0.9), {@code beta2} (0.99),
 * {@code weight_decay} (0).
 */
public final class LionProvider implements OptimizerProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public LionProvider() {
    }

    @Override
    public String name() {
        return "lion";
    }

    @Override
    public String description() {
        return "Lion (sign of interpolated momentum), example plugin; options beta1=0.9 beta2=0.99 weight_decay=0";
    }

    @Override
    public Optimizer create(OptimizerConfig config) {
        config.requireOnly(Set.of("beta1", "beta2", "weight_decay"));
        return new Lion(config.getDouble("beta1", 0.9), config.getDouble("beta2", 0.99),
                config.getDouble("weight_decay", 0.0));
    }
}
