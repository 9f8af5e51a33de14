package dev.nemotron.infer.server;

import dev.nemotron.infer.engine.EngineConfig;
import java.util.Objects;

/**
 * How {@link ServedModel#load} turns a model directory into a {@link ServedModel}.
 *
 * @param backend          backend name, or null for the best available one
 * @param engine           the engine's batch, queue and cache-budget limits
 * @param servedModelName  the model id clients use, or null for the directory name
 * @param chatTemplate     which chat template to use
 */
public record ModelOptions(String backend, EngineConfig engine, String servedModelName, ChatTemplateChoice chatTemplate) {
    public ModelOptions {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
    }

    /** The best backend, {@link EngineConfig#defaults()}, the directory name, the automatic template. */
    public static ModelOptions defaults() {
        return new ModelOptions(null, EngineConfig.defaults(), null, ChatTemplateChoice.AUTO);
    }
}
