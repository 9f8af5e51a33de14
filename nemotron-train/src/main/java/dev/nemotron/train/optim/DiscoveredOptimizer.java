package dev.nemotron.train.optim;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.optim.OptimizerProvider;

/**
 * An optimizer provider as found by {@link Optimizers#discover()}.
 *
 * @param name         the provider's name, or its class name when it failed
 * @param description  its one-line description ({@code ""} when it failed)
 * @param availability whether it can be used, with the reason
 * @param module       the module that provides it, or {@code "(class path)"}
 * @param provider     the provider, null when it failed to start
 */
public record DiscoveredOptimizer(String name, String description, Availability availability, String module,
                                  OptimizerProvider provider) {
}
