package dev.nemotron.train.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.RootAllocator;

/** Test helpers: a code-point "tokenizer" and synthetic datasets. */
final class Fixtures {
    /** One token per Unicode code point. */
    static final TextEncoder CODE_POINTS = text -> text.codePoints().toArray();
    static final int CODE_POINT_VOCAB = 0x110000;

    private Fixtures() {
    }

    /** {@code n} documents of random lengths in [1, maxLen], tokens in [base, base + 1000). */
    static List<int[]> randomDocs(long seed, int n, int maxLen, int base) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> docs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] d = new int[1 + r.nextInt(maxLen)];
            for (int j = 0; j < d.length; j++) {
                d[j] = base + r.nextInt(1000);
            }
            docs.add(d);
        }
        return docs;
    }

    static TokenDataset write(Path dir, String name, List<int[]> docs, long shardTokens, int batchTokens) {
        WriterOptions o = new WriterOptions(name, "test-ids", 1 << 20, null, shardTokens, batchTokens);
        try (DatasetWriter w = DatasetWriter.create(dir, o, CODE_POINTS)) {
            for (int[] d : docs) {
                w.addDocument(name, d);
            }
            w.finish();
        }
        return TokenDataset.open(dir);
    }

    static List<int[]> readAll(TokenDataset ds) {
        List<int[]> out = new ArrayList<>();
        try (RootAllocator a = new RootAllocator()) {
            ds.forEachDocument(a, out::add);
        }
        return out;
    }
}
