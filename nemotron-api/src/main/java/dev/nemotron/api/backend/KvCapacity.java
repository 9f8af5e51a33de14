package dev.nemotron.api.backend;

/**
 * A device model's paged KV cache: one pool of equal blocks of {@code blockTokens} tokens, taken by
 * a sequence as it grows and given back when it is closed. A sequence of {@code n} tokens holds
 * {@link #blocksFor(long) ceil(n / blockTokens)} blocks (at most {@code blockTokens - 1} tokens
 * unused per sequence); every block fits every sequence, so the pool does not fragment.
 *
 * @param blockTokens tokens per block
 * @param totalBlocks blocks of the pool
 * @param freeBlocks  blocks no sequence holds now
 * @param blockBytes  device bytes of one block (keys and values of every attention layer)
 */
public record KvCapacity(int blockTokens, long totalBlocks, long freeBlocks, long blockBytes) {
    public KvCapacity {
        if (blockTokens < 1 || totalBlocks < 0 || freeBlocks < 0 || freeBlocks > totalBlocks || blockBytes < 0) {
            throw new IllegalArgumentException("invalid KV capacity: " + blockTokens + " tokens per block, " + freeBlocks
                    + " of " + totalBlocks + " blocks free, " + blockBytes + " bytes per block");
        }
    }

    /** Blocks a sequence of {@code tokens} tokens holds. */
    public long blocksFor(long tokens) {
        return blocksFor(tokens, blockTokens);
    }

    /** {@code ceil(tokens / blockTokens)}. */
    public static long blocksFor(long tokens, int blockTokens) {
        if (tokens < 0 || blockTokens < 1) {
            throw new IllegalArgumentException("tokens >= 0 and blockTokens >= 1 required, got " + tokens + ", " + blockTokens);
        }
        return (tokens + blockTokens - 1) / blockTokens;
    }
}
