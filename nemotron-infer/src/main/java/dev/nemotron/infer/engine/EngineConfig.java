package dev.nemotron.infer.engine;

/**
 * Limits of a {@link GenerationEngine}.
 *
 * @param maxBatch           sequences decoded together at most
 * @param maxQueued          requests waiting for admission at most; beyond, submit is refused
 * @param cacheBudgetBytes   bytes of caches and state all admitted sequences may hold together;
 *                           a request is admitted only when its worst case
 *                           ({@link LanguageModel#sequenceBytes} at prompt + max tokens) fits
 * @param prefillChunkTokens prompt tokens prefilled per engine step while other sequences decode
 *                           (so a long new prompt does not stall them); 0 prefills each prompt
 *                           whole at admission. Used with models that
 *                           {@linkplain LanguageModel#prefillsInPieces() prefill in pieces}.
 */
public record EngineConfig(int maxBatch, int maxQueued, long cacheBudgetBytes, int prefillChunkTokens) {
    /** Prompt tokens per engine step by default. */
    public static final int DEFAULT_PREFILL_CHUNK = 256;

    public EngineConfig {
        if (maxBatch < 1 || maxQueued < 0 || cacheBudgetBytes <= 0 || prefillChunkTokens < 0) {
            throw new IllegalArgumentException(
                    "maxBatch >= 1, maxQueued >= 0, cacheBudgetBytes > 0 and prefillChunkTokens >= 0 required");
        }
    }

    /** With prompts prefilled in chunks of {@value #DEFAULT_PREFILL_CHUNK} tokens. */
    public EngineConfig(int maxBatch, int maxQueued, long cacheBudgetBytes) {
        this(maxBatch, maxQueued, cacheBudgetBytes, DEFAULT_PREFILL_CHUNK);
    }

    /** These limits with {@code tokens} prompt tokens per step (0: whole prompts). */
    public EngineConfig withPrefillChunk(int tokens) {
        return new EngineConfig(maxBatch, maxQueued, cacheBudgetBytes, tokens);
    }

    /** 16 sequences, 256 queued, a quarter of the JVM's maximum heap for caches. */
    public static EngineConfig defaults() {
        return new EngineConfig(16, 256, Runtime.getRuntime().maxMemory() / 4);
    }
}
