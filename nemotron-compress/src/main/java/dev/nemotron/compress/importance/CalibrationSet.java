package dev.nemotron.compress.importance;

import dev.nemotron.api.NemotronException;
import dev.nemotron.train.data.DatasetTokenization;
import dev.nemotron.train.data.TextSplit;
import dev.nemotron.train.data.TokenDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The calibration sequences of importance estimation, drawn from a dataset with a seed.
 *
 * <pre>
 * 1. tokens: a token dataset directory (manifest.json) as is; a .jsonl file (field "text" by
 *    default) or any other text file (documents split at blank lines) tokenised with the model's tokenizer
 * 2. stream: the documents concatenated in dataset order (at most {@link #MAX_STREAM_TOKENS})
 * 3. samples: N windows of L tokens at offsets drawn uniformly from [0, len - L] (SplittableRandom(seed))
 * </pre>
 */
public final class CalibrationSet {
    /** Minitron's calibration size. */
    public static final int DEFAULT_SAMPLES = 1024;
    public static final int DEFAULT_SEQ_LEN = 256;
    /** The token stream read from the data at most (the windows are drawn from it). */
    public static final int MAX_STREAM_TOKENS = 1 << 26;

    /**
     * Where the data comes from and how much of it is used.
     *
     * @param data    a token dataset directory, a JSONL file or a text file
     * @param field   the JSONL field holding the text
     * @param samples number of sequences
     * @param seqLen  tokens per sequence
     * @param seed    the draw's seed
     */
    public record Spec(Path data, String field, int samples, int seqLen, long seed) {
        public Spec {
            if (samples < 1) {
                throw new NemotronException("--samples must be at least 1, got " + samples);
            }
            if (seqLen < 1) {
                throw new NemotronException("--seq-len must be at least 1, got " + seqLen);
            }
            if ((long) samples * seqLen > MAX_STREAM_TOKENS) {
                throw new NemotronException("--samples " + samples + " x --seq-len " + seqLen + " is more than "
                        + MAX_STREAM_TOKENS + " calibration tokens; give fewer or shorter samples");
            }
        }

        /** One line for reports. */
        public String describe() {
            return samples + " samples of " + seqLen + " tokens from " + data + " (seed " + seed + ")";
        }
    }

    private CalibrationSet() {
    }

    /** The sequences {@code spec} describes; text is tokenised with the tokenizer of {@code modelDir}. */
    public static List<int[]> load(Spec spec, Path modelDir, int vocabSize) {
        Path data = spec.data();
        if (Files.isDirectory(data)) {
            if (!Files.isRegularFile(data.resolve("manifest.json"))) {
                throw new NemotronException("--calibration " + data + ": a directory must be a token dataset "
                        + "(with manifest.json, as 'nemotron data tokenize' writes); or give a .jsonl or text file");
            }
            return draw(stream(TokenDataset.open(data), vocabSize), spec);
        }
        if (!Files.isRegularFile(data)) {
            throw new NemotronException("--calibration " + data + ": no such file or directory");
        }
        Path tmp;
        try {
            tmp = Files.createTempDirectory("nemotron-calibration");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
        try {
            Path dataset = tmp.resolve("dataset");
            boolean jsonl = data.getFileName().toString().endsWith(".jsonl");
            new DatasetTokenization(modelDir, dataset, jsonl ? List.of() : List.of(data), jsonl ? List.of(data) : List.of(),
                    jsonl ? spec.field() : null, TextSplit.blankLines(), Long.MAX_VALUE / 4, "calibration", null).run();
            return draw(stream(TokenDataset.open(dataset), vocabSize), spec);
        } finally {
            deleteTree(tmp);
        }
    }

    /** The documents concatenated, at most {@link #MAX_STREAM_TOKENS}; ids checked against the vocabulary. */
    static int[] stream(TokenDataset ds, int vocabSize) {
        if (ds.manifest().vocabSize() > vocabSize) {
            throw new NemotronException(ds.dir() + ": tokenized with a vocabulary of " + ds.manifest().vocabSize()
                    + " but the model's vocab_size is " + vocabSize);
        }
        long total = Math.min(ds.manifest().tokens(), MAX_STREAM_TOKENS);
        int[] out = new int[(int) total];
        int[] n = {0};
        ds.forEachDocument(doc -> {
            int take = Math.min(doc.length, out.length - n[0]);
            System.arraycopy(doc, 0, out, n[0], take);
            n[0] += take;
        });
        return n[0] == out.length ? out : Arrays.copyOf(out, n[0]);
    }

    /** {@code spec.samples()} windows of {@code spec.seqLen()} tokens at seeded uniform offsets. */
    static List<int[]> draw(int[] stream, Spec spec) {
        if (stream.length < spec.seqLen()) {
            throw new NemotronException("--calibration " + spec.data() + " holds " + stream.length + " tokens, fewer than --seq-len "
                    + spec.seqLen() + "; give more data or a shorter --seq-len");
        }
        SplittableRandom rng = new SplittableRandom(spec.seed());
        int span = stream.length - spec.seqLen() + 1;
        List<int[]> out = new ArrayList<>(spec.samples());
        for (int s = 0; s < spec.samples(); s++) {
            int start = rng.nextInt(span);
            out.add(Arrays.copyOfRange(stream, start, start + spec.seqLen()));
        }
        return out;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
