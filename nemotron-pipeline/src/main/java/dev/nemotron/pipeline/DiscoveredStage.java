package dev.nemotron.pipeline;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.pipeline.StageProvider;

/**
 * A stage provider found on the module path, as {@code nemotron pipeline stages} lists it.
 *
 * @param type         the stage type, or the provider's class name when it could not say
 * @param description  one line, or empty
 * @param availability whether it can run here, and why
 * @param module       the module that provides it, or {@code "(class path)"}
 * @param provider     the provider, or null when it failed to load
 */
public record DiscoveredStage(String type, String description, Availability availability, String module, StageProvider provider) {
}
