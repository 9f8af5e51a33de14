package dev.nemotron.train.data;

import java.util.Arrays;

/**
 * Unigram statistics of a token stream: token count, distinct tokens and the unigram entropy
 * {@code H = -Σ p(t) ln p(t)} with {@code p(t) = count(t) / tokens}.
 *
 * <p>H is the cross-entropy per token of the best model that ignores context (predicting every
 * token with its frequency), on the data it was counted on: a language model's held-out loss
 * (nats per token) should fall well below it, and a loss stuck near it means the model learnt
 * token frequencies only. {@link #of(TokenDataset)} counts the stream as {@link DataLoader} packs
 * it: every document followed by the manifest's EOS id (when it has one), because the EOS is a
 * target of the loss too.
 *
 * <pre>{@code
 * TokenStatistics s = TokenStatistics.of(TokenDataset.open(Path.of("data/web")));
 * s.entropyNats(); s.entropyBits(); s.tokens(); s.distinctTokens();
 * }</pre>
 * Use as an accumulator ({@link #addDocument}, {@link #addToken}) to count while reading for
 * another purpose. Memory: one {@code long} per id up to the largest seen below
 * {@value #DENSE_IDS}; larger ids (corrupt data, or an unusual tokenizer) are counted in a map,
 * so no id read from a file sizes an array.
 */
public final class TokenStatistics {
    /** Ids below this are counted in an array (16 MiB at most); others in {@link #sparse}. */
    static final int DENSE_IDS = 1 << 21;

    private long[] counts = new long[1024];
    private final java.util.Map<Integer, long[]> sparse = new java.util.HashMap<>();
    private long tokens;
    private long documents;

    /** An empty accumulator. */
    public TokenStatistics() {
    }

    /**
     * Reads every shard of {@code ds} (one record batch at a time) and counts its tokens, with the
     * manifest's EOS id after each document when it has one.
     */
    public static TokenStatistics of(TokenDataset ds) {
        return of(ds, ds.manifest().eosId() != null);
    }

    /** Like {@link #of(TokenDataset)}, choosing whether to count an EOS after each document (ignored when the manifest has none). */
    public static TokenStatistics of(TokenDataset ds, boolean withEos) {
        Integer eos = withEos ? ds.manifest().eosId() : null;
        TokenStatistics s = new TokenStatistics();
        ds.forEachDocument(doc -> s.addDocument(doc, eos));
        return s;
    }

    /** Counts a document's tokens. */
    public TokenStatistics addDocument(int[] doc) {
        return addDocument(doc, null);
    }

    /** Counts a document's tokens, then {@code eos} when not null. */
    public TokenStatistics addDocument(int[] doc, Integer eos) {
        for (int t : doc) {
            addToken(t);
        }
        if (eos != null) {
            addToken(eos);
        }
        documents++;
        return this;
    }

    /** Counts one token (ids are {@code >= 0}). */
    public TokenStatistics addToken(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("token id must be >= 0, got " + id);
        }
        if (id >= DENSE_IDS) {
            sparse.computeIfAbsent(id, k -> new long[1])[0]++;
            tokens++;
            return this;
        }
        if (id >= counts.length) {
            counts = Arrays.copyOf(counts, Math.min(DENSE_IDS, Math.max(id + 1, counts.length * 2)));
        }
        counts[id]++;
        tokens++;
        return this;
    }

    /** Tokens counted (EOS included when counted). */
    public long tokens() {
        return tokens;
    }

    /** Documents counted. */
    public long documents() {
        return documents;
    }

    /** How often {@code id} was counted. */
    public long count(int id) {
        if (id >= DENSE_IDS) {
            long[] c = sparse.get(id);
            return c == null ? 0 : c[0];
        }
        return id >= 0 && id < counts.length ? counts[id] : 0;
    }

    /** Ids seen at least once. */
    public int distinctTokens() {
        int n = sparse.size();
        for (long c : counts) {
            if (c > 0) {
                n++;
            }
        }
        return n;
    }

    /** The unigram entropy in nats per token; 0 when nothing was counted. */
    public double entropyNats() {
        if (tokens == 0) {
            return 0;
        }
        double h = 0;
        double n = tokens;
        for (long c : counts) {
            if (c > 0) {
                double p = c / n;
                h -= p * Math.log(p);
            }
        }
        for (long[] c : sparse.values()) {
            double p = c[0] / n;
            h -= p * Math.log(p);
        }
        return Math.max(0, h);
    }

    /** The unigram entropy in bits per token. */
    public double entropyBits() {
        return entropyNats() / Math.log(2);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "TokenStatistics[tokens=%d, documents=%d, distinct=%d, entropy=%.4f nats]",
                tokens, documents, distinctTokens(), entropyNats());
    }
}
