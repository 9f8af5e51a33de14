package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The endless token stream of one dataset: documents (each followed by EOS when configured),
 * epoch after epoch. With shuffling, each epoch visits the shards in a seeded order and each
 * shard's documents in seeded windows of {@link LoaderConfig#shuffleWindow()} documents. Memory:
 * one open shard (one record batch) plus one window of documents. Every order is a pure function
 * of (seed, dataset name, epoch, shard, window), so a {@link LoaderState.Stream} position is
 * enough to continue exactly.
 */
final class DatasetStream implements AutoCloseable {
    private final TokenDataset dataset;
    private final LoaderConfig config;
    private final BufferAllocator allocator;
    private final long seed;

    private long epoch;
    private int[] order;
    private int shardPos;
    private ShardReader reader;
    private long windowStart;
    private int[][] window = new int[0][];
    private int bufLen;
    private int bufPos;
    private int offset;
    private Integer carry;

    DatasetStream(TokenDataset dataset, LoaderConfig config, BufferAllocator allocator, LoaderState.Stream at) {
        this.dataset = dataset;
        this.config = config;
        this.allocator = allocator;
        this.seed = Seeds.mix(config.seed(), Seeds.of(dataset.name()));
        if (dataset.manifest().tokens() == 0 || dataset.shardCount() == 0) {
            throw new NemotronException(dataset.dir() + ": the dataset holds no tokens");
        }
        if (at.epoch() < 0 || at.shard() < 0 || at.shard() > dataset.shardCount() || at.document() < 0 || at.offset() < 0) {
            throw new NemotronException("loader state: bad position " + at + " for dataset " + dataset.name());
        }
        epoch = at.epoch();
        order = shardOrder(epoch);
        shardPos = at.shard();
        if (shardPos == order.length) {
            nextEpoch();
        } else {
            openShardAt(at.document());
        }
        offset = at.offset();
        carry = at.carry();
        if (bufPos < bufLen && offset > docLength(window[bufPos])) {
            throw new NemotronException("loader state: offset " + offset + " is past the end of the document at " + at
                    + " of dataset " + dataset.name() + " (was it saved with other data or settings?)");
        }
    }

    LoaderState.Stream position() {
        return new LoaderState.Stream(epoch, shardPos, windowStart + bufPos, offset, carry);
    }

    /** Fills {@code seq} (L + 1 tokens); consecutive sequences share one token (the last of one is the first of the next). */
    void nextSequence(int[] seq) {
        int from = 0;
        if (carry != null) {
            seq[0] = carry;
            from = 1;
        }
        read(seq, from, seq.length - from);
        carry = seq[seq.length - 1];
    }

    private int docLength(int[] doc) {
        return doc.length + (config.eosId() >= 0 ? 1 : 0);
    }

    private void read(int[] dst, int off, int len) {
        while (len > 0) {
            int guard = 0;
            while (bufPos >= bufLen) {
                advanceWindow();
                if (++guard > 2 * dataset.shardCount() + 2) {
                    throw new NemotronException(dataset.dir() + ": no documents found in any shard");
                }
            }
            int[] doc = window[bufPos];
            if (offset < doc.length) {
                int n = Math.min(len, doc.length - offset);
                System.arraycopy(doc, offset, dst, off, n);
                offset += n;
                off += n;
                len -= n;
            } else {
                dst[off++] = config.eosId();
                offset++;
                len--;
            }
            if (offset >= docLength(doc)) {
                bufPos++;
                offset = 0;
            }
        }
    }

    private int[] shardOrder(long e) {
        int n = dataset.shardCount();
        if (!config.shuffle()) {
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            return p;
        }
        return Seeds.permutation(n, Seeds.mix(seed, 1, e));
    }

    private void openShardAt(long document) {
        closeReader();
        reader = dataset.openShard(order[shardPos], allocator);
        long w = config.shuffleWindow();
        long start = document / w * w;
        if (reader.skip(start) < start) {
            // position at or past the end: an empty window, the next read moves on
            windowStart = reader.position();
            bufLen = 0;
            bufPos = 0;
            return;
        }
        loadWindow(start);
        bufPos = (int) (document - start);
        if (bufPos > bufLen) {
            throw new NemotronException("loader state: document " + document + " is past the end of shard "
                    + dataset.shardPath(order[shardPos]) + " (was it saved with other data?)");
        }
    }

    private void loadWindow(long start) {
        windowStart = start;
        int w = config.shuffleWindow();
        if (window.length < Math.min(w, 1 << 16)) {
            window = new int[Math.min(w, 1 << 16)][];
        }
        int n = 0;
        int[] doc;
        while (n < w && (doc = reader.next()) != null) {
            if (n == window.length) {
                window = java.util.Arrays.copyOf(window, Math.min(w, window.length * 2));
            }
            window[n++] = doc;
        }
        for (int i = n; i < window.length && window[i] != null; i++) {
            window[i] = null;
        }
        bufLen = n;
        bufPos = 0;
        if (config.shuffle() && n > 1) {
            int[] perm = Seeds.permutation(n, Seeds.mix(seed, 2, epoch, order[shardPos], start / w));
            int[][] shuffled = new int[n][];
            for (int i = 0; i < n; i++) {
                shuffled[i] = window[perm[i]];
            }
            System.arraycopy(shuffled, 0, window, 0, n);
        }
    }

    private void advanceWindow() {
        long next = windowStart + bufLen;
        if (bufLen > 0) {
            loadWindow(next);
            if (bufLen > 0) {
                return;
            }
        }
        long expected = dataset.manifest().shards().get(order[shardPos]).documents();
        if (reader.position() != expected) {
            throw new NemotronException(dataset.shardPath(order[shardPos]) + ": holds " + reader.position()
                    + " documents, but the manifest says " + expected);
        }
        shardPos++;
        if (shardPos >= order.length) {
            nextEpoch();
        } else {
            openShardAt(0);
        }
        offset = 0;
    }

    private void nextEpoch() {
        epoch++;
        order = shardOrder(epoch);
        shardPos = 0;
        openShardAt(0);
    }

    private void closeReader() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    public void close() {
        closeReader();
    }
}
