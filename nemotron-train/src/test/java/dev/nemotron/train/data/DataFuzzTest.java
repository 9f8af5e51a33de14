package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import dev.nemotron.fuzz.Fuzz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the training data readers: JSONL sources ({@link DatasetWriter#addJsonl}), the dataset
 * manifest ({@link Manifest#read}) and the Arrow shards ({@link ShardReader}, through
 * {@link TokenDataset#forEachDocument}). Every input is either read or rejected with one
 * {@link NemotronException} line naming the file; see docs/fuzzing.md.
 */
class DataFuzzTest {
    /** Reading one mutant may hold at most this much Arrow memory. */
    static final long ARROW_LIMIT = 64L << 20;

    @TempDir
    Path dir;
    private int runs;

    /** A fresh directory per execution (the previous one deleted). */
    private Path fresh() throws IOException {
        Path d = dir.resolve("run-" + (runs++));
        if (runs > 1) {
            delete(dir.resolve("run-" + (runs - 2)));
        }
        Files.createDirectories(d);
        return d;
    }

    static void delete(Path d) throws IOException {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A NemotronException whose message names {@code file}; anything else is not clean. */
    static void requireNamed(NemotronException e, String file) {
        if (!String.valueOf(e.getMessage()).contains(file)) {
            throw new AssertionError("the rejection does not name " + file + ": " + e.getMessage(), e);
        }
        throw e;
    }

    @Test
    void jsonl() {
        List<byte[]> seeds = Stream.of(
                "{\"text\": \"Hello world\"}\n{\"text\": \"caf\u00e9 \u4e2d\u6587 \\u00e9\\n\", \"id\": 2}\n\n{\"text\": \"\"}\n",
                "{\"id\": 1, \"text\": \"a\", \"meta\": {\"x\": [1, 2.5, null, true]}}\r\n{\"text\": \"b\"}")
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        Fuzz.target("jsonl")
                .seeds(seeds)
                .clean(t -> t instanceof NemotronException)
                .run(bytes -> {
                    Path d = fresh();
                    Path src = d.resolve("docs.jsonl");
                    Files.write(src, bytes);
                    WriterOptions o = new WriterOptions("fuzz", "code-points", Fixtures.CODE_POINT_VOCAB, null, 1 << 20, 256);
                    try (DatasetWriter w = DatasetWriter.create(d.resolve("out"), o, Fixtures.CODE_POINTS)) {
                        w.addJsonl(src, "text");
                        w.finish();
                    } catch (NemotronException e) {
                        requireNamed(e, "docs.jsonl");
                    }
                });
    }

    /** A valid dataset of two shards: 40 documents in batches of at most 64 tokens. */
    private Path dataset() {
        Path d = dir.resolve("seed");
        Fixtures.write(d, "fuzz", Fixtures.randomDocs(7, 40, 30, 5), 400, 64);
        return d;
    }

    private void read(Path d) {
        try (RootAllocator a = new RootAllocator(ARROW_LIMIT)) {
            TokenDataset.open(d).forEachDocument(a, doc -> { });
        }
    }

    @Test
    void manifest() throws IOException {
        Path seed = dataset();
        byte[] manifest = Files.readAllBytes(seed.resolve(ShardFormat.MANIFEST));
        Fuzz.target("manifest")
                .seeds(List.of(manifest))
                .clean(t -> t instanceof NemotronException)
                .run(bytes -> {
                    Files.write(seed.resolve(ShardFormat.MANIFEST), bytes);
                    read(seed);
                });
    }

    @Test
    void shard() throws IOException {
        Path seed = dataset();
        List<Path> shards;
        try (Stream<Path> s = Files.list(seed)) {
            shards = s.filter(p -> !p.getFileName().toString().equals(ShardFormat.MANIFEST)).sorted().toList();
        }
        List<byte[]> seeds = shards.stream().map(p -> {
            try {
                return Files.readAllBytes(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
        byte[][] original = seeds.toArray(byte[][]::new);
        Fuzz.target("arrow-shard")
                .seeds(seeds)
                .clean(t -> t instanceof NemotronException)
                .maxLength(1 << 20)
                .run(bytes -> {
                    // the mutant replaces the first shard; the manifest's counts stay those of the original
                    Files.write(shards.get(0), bytes);
                    try {
                        read(seed);
                    } catch (NemotronException e) {
                        requireNamed(e, shards.get(0).getFileName().toString());
                    } finally {
                        Files.write(shards.get(0), original[0]);
                    }
                });
    }
}
