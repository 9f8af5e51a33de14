package dev.nemotron.infer.server;

import dev.nemotron.arch.model.RunOptions;
import dev.nemotron.infer.engine.DeviceModels;
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
 * @param kvCacheTokens    tokens of paged KV cache a whole-model backend's session holds for all
 *                         sequences together ({@code --kv-cache-tokens}); 0: every sequence at the
 *                         context length; anything else is refused for a host backend
 */
public record ModelOptions(String backend, EngineConfig engine, String servedModelName, ChatTemplateChoice chatTemplate,
                           RunOptions host, long kvCacheTokens) {
    public ModelOptions {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        Objects.requireNonNull(host, "host");
        if (kvCacheTokens < 0) {
            throw new IllegalArgumentException("kvCacheTokens must be >= 0 (0: every sequence at the context length), got "
                    + kvCacheTokens);
        }
    }

    /** With a device KV pool for every sequence at the context length ({@code kvCacheTokens} 0). */
    public ModelOptions(String backend, EngineConfig engine, String servedModelName, ChatTemplateChoice chatTemplate,
                        RunOptions host) {
        this(backend, engine, servedModelName, chatTemplate, host, 0);
    }

    /** Weights as stored, float32 KV cache ({@link RunOptions#defaults()}). */
    public ModelOptions(String backend, EngineConfig engine, String servedModelName, ChatTemplateChoice chatTemplate) {
        this(backend, engine, servedModelName, chatTemplate, RunOptions.defaults());
    }

    public ModelOptions withHost(RunOptions h) {
        return new ModelOptions(backend, engine, servedModelName, chatTemplate, h, kvCacheTokens);
    }

    /**
     * The sizes of a device session for a model of {@code contextLength} tokens: one slot per batch
     * row, each up to the context length, and a paged KV pool of {@code kvCacheTokens} tokens shared
     * by all slots (0: room for every slot at the context length). The engine admits requests by the
     * pool's blocks, so a smaller pool runs fewer long sequences at once, never out of cache.
     */
    public DeviceModels.Options deviceSizes(int contextLength) {
        return new DeviceModels.Options(engine.maxBatch(), contextLength, DeviceModels.DEFAULT_PREFILL_TOKENS, null,
                kvCacheTokens);
    }

    /** The best backend, {@link EngineConfig#defaults()}, the directory name, the automatic template. */
    public static ModelOptions defaults() {
        return new ModelOptions(null, EngineConfig.defaults(), null, ChatTemplateChoice.AUTO);
    }
}
