package dev.nemotron.train.data;

/**
 * How a {@link DataLoader} packs and orders tokens.
 *
 * @param seqLen          sequence length L: each row has L inputs and L targets (the inputs shifted by one)
 * @param batchSize       rows per batch
 * @param seed            seed of every random choice (shard order, document shuffle, blend draws)
 * @param shuffle         shuffle shard order per epoch and documents within a window
 * @param shuffleWindow   documents per shuffle window (a window is read into memory, permuted, emitted)
 * @param eosId           token inserted after every document; negative = none
 * @param memoryLimitBytes limit of the Arrow allocator (one record batch per open shard must fit)
 */
public record LoaderConfig(int seqLen, int batchSize, long seed, boolean shuffle, int shuffleWindow, int eosId, long memoryLimitBytes) {
    public static final int DEFAULT_SHUFFLE_WINDOW = 10_000;
    public static final long DEFAULT_MEMORY_LIMIT = 1L << 30;

    public LoaderConfig {
        if (seqLen < 1 || batchSize < 1 || shuffleWindow < 1 || memoryLimitBytes < 1) {
            throw new IllegalArgumentException("seqLen, batchSize, shuffleWindow and memoryLimitBytes must be positive");
        }
    }

    public static LoaderConfig of(int seqLen, int batchSize, long seed, int eosId) {
        return new LoaderConfig(seqLen, batchSize, seed, true, DEFAULT_SHUFFLE_WINDOW, eosId, DEFAULT_MEMORY_LIMIT);
    }

    public LoaderConfig withShuffle(boolean on) {
        return new LoaderConfig(seqLen, batchSize, seed, on, shuffleWindow, eosId, memoryLimitBytes);
    }

    public LoaderConfig withShuffleWindow(int docs) {
        return new LoaderConfig(seqLen, batchSize, seed, shuffle, docs, eosId, memoryLimitBytes);
    }

    public LoaderConfig withSeed(long s) {
        return new LoaderConfig(seqLen, batchSize, s, shuffle, shuffleWindow, eosId, memoryLimitBytes);
    }

    public LoaderConfig withMemoryLimit(long bytes) {
        return new LoaderConfig(seqLen, batchSize, seed, shuffle, shuffleWindow, eosId, bytes);
    }
}
