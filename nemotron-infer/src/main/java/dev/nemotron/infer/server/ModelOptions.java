package dev.nemotron.infer.server;

import dev.nemotron.arch.model.RunOptions;
import dev.nemotron.infer.engine.EngineConfig;
import java.util.Objects;

/**
 * How {@link ServedModel#load} turns a model directory into a {@link ServedModel}.
 *
 * @param backend          backend name, or null for the best available one
 * @param engine           the engine's batch, queue and cache-budget limits
 * @param servedModelName  the model id clients use, or null for the directory name
 * @param chatTemplate     which chat template to use
 * @param host             how a model run on the host ({@link dev.nemotron.infer.engine.ModelRuns.Mode#KERNELS})
 *                         holds its weights and KV cache ({@code --weights}, {@code --kv-cache}); anything
 *                         but {@link RunOptions#defaults()} is refused for a whole-model backend
 */
public record ModelOptions(String backend, EngineConfig engine, String servedModelName, ChatTemplateChoice chatTemplate,
                           RunOptions host) {
    public ModelOptions {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        Objects.requireNonNull(host, "host");
    }

    /** Weights as stored, float32 KV cache ({@link RunOptions#defaults()}). */
    public ModelOptions(String backend, EngineConfig engine, String servedModelName, ChatTemplateChoice chatTemplate) {
        this(backend, engine, servedModelName, chatTemplate, RunOptions.defaults());
    }

    public ModelOptions withHost(RunOptions h) {
        return new ModelOptions(backend, engine, servedModelName, chatTemplate, h);
    }

    /** The best backend, {@link EngineConfig#defaults()}, the directory name, the automatic template. */
    public static ModelOptions defaults() {
        return new ModelOptions(null, EngineConfig.defaults(), null, ChatTemplateChoice.AUTO);
    }
}
