package dev.nemotron.api.optim;

import dev.nemotron.api.backend.Availability;

/**
 * Service provider of an {@link Optimizer}, discovered with {@link java.util.ServiceLoader}.
 *
 * <p>A plugin declares {@code provides dev.nemotron.api.optim.OptimizerProvider with ...} in its
 * {@code module-info.java} (and, for the class path, a {@code META-INF/services} entry). Providers
 * must be cheap to construct and must not fail; users select one by {@link #name()}.
 */
public interface OptimizerProvider {
    /** Short, stable, lower-case name users select the optimizer by, e.g. {@code "adamw"}. */
    String name();

    /** One line for listings, e.g. {@code "AdamW (decoupled weight decay); beta1=0.9 ..."}. */
    String description();

    /** Whether the optimizer can run here, with a reason; pure-Java optimizers always can. */
    default Availability availability() {
        return Availability.available("pure Java");
    }

    /**
     * Creates an optimizer with fresh state.
     *
     * @throws IllegalArgumentException for an unknown option or an invalid value, naming it
     */
    Optimizer create(OptimizerConfig config);
}
