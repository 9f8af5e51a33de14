package dev.nemotron.train.optim;

import dev.nemotron.api.optim.Optimizer;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.optim.OptimizerProvider;
import java.util.Set;

/**
 * Provides {@link AdamW} as {@code "adamw"}. Options: {@code beta1} (0.9), {@code beta2} (0.95),
 * {@code eps} (1e-8), {@code weight_decay} (0.1).
 */
public final class AdamWProvider implements OptimizerProvider {
    private static final Set<String> OPTIONS = Set.of("beta1", "beta2", "eps", "weight_decay");

    /** Called by {@link java.util.ServiceLoader}. */
    public AdamWProvider() {
    }

    @Override
    public String name() {
        return "adamw";
    }

    @Override
    public String description() {
        return "AdamW, decoupled weight decay; options beta1=0.9 beta2=0.95 eps=1e-8 weight_decay=0.1";
    }

    @Override
    public Optimizer create(OptimizerConfig config) {
        config.requireOnly(OPTIONS);
        AdamW.Hyper d = AdamW.Hyper.DEFAULTS;
        return new AdamW(new AdamW.Hyper(
                config.getDouble("beta1", d.beta1()),
                config.getDouble("beta2", d.beta2()),
                config.getDouble("eps", d.eps()),
                config.getDouble("weight_decay", d.weightDecay())));
    }
}
