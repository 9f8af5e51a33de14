package dev.nemotron.train.data;

import java.util.Objects;

/**
 * Options of a {@link DatasetWriter}.
 *
 * @param name        dataset name (stored in the manifest and as {@code nemotron.source} in every shard)
 * @param tokenizer   an id of the tokenizer (path or model name)
 * @param vocabSize   vocabulary size: every token id must be in [0, vocabSize); 0 = unchecked
 * @param eosId       the tokenizer's end-of-sequence id, recorded for loaders (null when unknown)
 * @param shardTokens shard size limit in tokens; a shard is closed before a document would overflow it
 * @param batchTokens record batch size limit in tokens (what a reader holds in memory at once)
 */
public record WriterOptions(String name, String tokenizer, int vocabSize, Integer eosId, long shardTokens, int batchTokens) {
    public static final long DEFAULT_SHARD_TOKENS = 100_000_000L;
    public static final int DEFAULT_BATCH_TOKENS = 1 << 20;

    public WriterOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (name.isBlank()) {
            throw new IllegalArgumentException("dataset name must not be blank");
        }
        if (vocabSize < 0 || shardTokens < 1 || batchTokens < 1) {
            throw new IllegalArgumentException("vocabSize >= 0, shardTokens >= 1 and batchTokens >= 1 are required");
        }
    }

    public static WriterOptions of(String name, String tokenizer, int vocabSize) {
        return new WriterOptions(name, tokenizer, vocabSize, null, DEFAULT_SHARD_TOKENS, DEFAULT_BATCH_TOKENS);
    }

    public WriterOptions withShardTokens(long n) {
        return new WriterOptions(name, tokenizer, vocabSize, eosId, n, batchTokens);
    }

    public WriterOptions withBatchTokens(int n) {
        return new WriterOptions(name, tokenizer, vocabSize, eosId, shardTokens, n);
    }

    public WriterOptions withEosId(Integer id) {
        return new WriterOptions(name, tokenizer, vocabSize, id, shardTokens, batchTokens);
    }
}
