package dev.nemotron.infer.engine;

/**
 * Limits of a {@link GenerationEngine}.
 *
 * @param maxBatch          sequences decoded together at most
 * @param maxQueued         requests waiting for admission at most; beyond, submit is refused
 * @param cacheBudgetBytes  bytes of caches and state all admitted sequences may hold together;
 *                          a request is admitted only when its worst case
 *                          ({@link LanguageModel#sequenceBytes} at prompt + max tokens) fits
 */
public record EngineConfig(int maxBatch, int maxQueued, long cacheBudgetBytes) {
    public EngineConfig {
        if (maxBatch < 1 || maxQueued < 0 || cacheBudgetBytes <= 0) {
            throw new IllegalArgumentException("maxBatch >= 1, maxQueued >= 0 and cacheBudgetBytes > 0 required");
        }
    }

    /** 16 sequences, 256 queued, a quarter of the JVM's maximum heap for caches. */
    public static EngineConfig defaults() {
        return new EngineConfig(16, 256, Runtime.getRuntime().maxMemory() / 4);
    }
}
