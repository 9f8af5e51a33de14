package dev.nemotron.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text and JSONL to Arrow token shards and back; manifest; shard limits; errors naming file and line. */
class ShardWriterTest {
    @TempDir
    Path tmp;

    private WriterOptions options(String name) {
        return new WriterOptions(name, "code-points", Fixtures.CODE_POINT_VOCAB, 3, 1000, 64);
    }

    private static List<int[]> cps(String... texts) {
        return Stream.of(texts).map(t -> t.codePoints().toArray()).toList();
    }

    @Test
    void textAndJsonlRoundTripThroughShards() throws Exception {
        Path text = Files.writeString(tmp.resolve("a.txt"), "first doc\nline two\n\n\n  \nsecond doc\n\nthird — ünïcode 🐳\n");
        Path sep = Files.writeString(tmp.resolve("b.txt"), "x1\n\nx1b\n<|endoftext|>\nx2\n<|endoftext|>  \n");
        Path whole = Files.writeString(tmp.resolve("c.txt"), "whole\n\nfile\n");
        Path jsonl = Files.writeString(tmp.resolve("d.jsonl"), "{\"text\": \"j1\", \"id\": 1}\n\n{\"text\": \"j2\\nmore\"}\n{\"text\": \"\"}\n");
        Path out = tmp.resolve("ds");
        Manifest m;
        try (DatasetWriter w = DatasetWriter.create(out, options("mix"), Fixtures.CODE_POINTS)) {
            w.addText(text, TextSplit.blankLines())
                    .addText(sep, TextSplit.separatorLine("<|endoftext|>"))
                    .addText(whole, TextSplit.wholeFile())
                    .addJsonl(jsonl, "text");
            m = w.finish();
        }
        List<int[]> expected = cps("first doc\nline two", "second doc", "third — ünïcode 🐳",
                "x1\n\nx1b", "x2", "whole\n\nfile\n", "j1", "j2\nmore");
        List<int[]> got = Fixtures.readAll(TokenDataset.open(out));
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(got.get(i)).as("document %d", i).containsExactly(expected.get(i));
        }
        long tokens = expected.stream().mapToLong(d -> d.length).sum();
        assertThat(m.documents()).isEqualTo(expected.size());
        assertThat(m.tokens()).isEqualTo(tokens);
        assertThat(m.sources()).extracting(Manifest.Source::documents).containsExactly(3L, 2L, 1L, 2L);
        assertThat(m.sources().get(3).skipped()).isEqualTo(1);
        assertThat(m.sources().get(3).kind()).isEqualTo("jsonl:text");

        Manifest read = Manifest.read(out);
        assertThat(read).isEqualTo(m);
        assertThat(Files.readString(out.resolve("manifest.json"))).contains("\"vocab_size\" : 1114112").contains("\"eos_id\" : 3");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("no temp files left").containsExactly("manifest.json", "shard-00000.arrow");
        }
        try (RootAllocator a = new RootAllocator(); ShardReader r = TokenDataset.open(out).openShard(0, a)) {
            assertThat(r.metadata()).containsEntry("nemotron.source", "mix").containsEntry("nemotron.tokenizer", "code-points")
                    .containsEntry("nemotron.vocab_size", "1114112").containsEntry("nemotron.eos_id", "3")
                    .containsEntry("nemotron.format", ShardFormat.FORMAT);
            assertThat(r.batches()).isGreaterThan(1); // 64-token batches
        }
    }

    @Test
    void shardSizeLimitKeepsDocumentsWhole() {
        List<int[]> docs = Fixtures.randomDocs(7, 300, 50, 10);
        docs.set(100, new int[250]); // longer than a shard: gets one of its own
        TokenDataset ds = Fixtures.write(tmp.resolve("ds"), "limited", docs, 200, 64);
        Manifest m = ds.manifest();
        assertThat(m.shards().size()).isGreaterThan(10);
        for (Manifest.Shard s : m.shards()) {
            assertThat(s.tokens() <= 200 || s.documents() == 1).as("%s", s).isTrue();
            assertThat(Files.exists(ds.dir().resolve(s.file()))).isTrue();
        }
        assertThat(m.shards().stream().mapToLong(Manifest.Shard::tokens).max().orElseThrow()).isEqualTo(250);
        List<int[]> got = Fixtures.readAll(ds);
        assertThat(got).hasSize(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            assertThat(got.get(i)).containsExactly(docs.get(i));
        }
    }

    @Test
    void badInputIsOneLineNamingFileAndLine() throws Exception {
        Path missing = tmp.resolve("none.txt");
        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"text\": \"ok\"}\n{\"text\": oops}\n");
        Path noField = Files.writeString(tmp.resolve("nofield.jsonl"), "{\"text\": \"ok\"}\n\n{\"other\": \"x\"}\n");
        Path notString = Files.writeString(tmp.resolve("num.jsonl"), "{\"text\": 5}\n");
        List<java.util.function.Consumer<DatasetWriter>> actions = List.of(
                w -> w.addText(missing, TextSplit.blankLines()),
                w -> w.addJsonl(bad, "text"),
                w -> w.addJsonl(noField, "text"),
                w -> w.addJsonl(notString, "text"));
        List<String> messages = List.of(missing + ": no such file", bad + ":2: not valid JSON", noField + ":3: no field 'text'",
                notString + ":1: field 'text' is not a string");
        for (int i = 0; i < actions.size(); i++) {
            var action = actions.get(i);
            try (DatasetWriter w = DatasetWriter.create(tmp.resolve("out" + i), options("x"), Fixtures.CODE_POINTS)) {
                assertThatThrownBy(() -> action.accept(w)).isInstanceOf(NemotronException.class)
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
                        .hasMessageStartingWith(messages.get(i));
            }
        }
        TextEncoder outOfVocab = t -> new int[] {1, 99};
        WriterOptions small = new WriterOptions("v", "t", 50, null, 100, 10);
        Path text = Files.writeString(tmp.resolve("v.txt"), "a\n\nb\n");
        try (DatasetWriter w = DatasetWriter.create(tmp.resolve("v"), small, outOfVocab)) {
            assertThatThrownBy(() -> w.addText(text, TextSplit.blankLines())).isInstanceOf(NemotronException.class)
                    .hasMessage(text + ":1: token id 99 is outside the vocabulary [0, 50)");
        }
    }

    @Test
    void refusesADirectoryThatHoldsADataset() {
        Fixtures.write(tmp.resolve("ds"), "a", List.of(new int[] {1}), 10, 10);
        assertThatThrownBy(() -> DatasetWriter.create(tmp.resolve("ds"), options("b"), Fixtures.CODE_POINTS))
                .isInstanceOf(NemotronException.class).hasMessageContaining("already holds a dataset");
    }

    @Test
    void corruptShardsAreOneLineErrorsNamingTheFile() throws Exception {
        TokenDataset ds = Fixtures.write(tmp.resolve("ds"), "c", Fixtures.randomDocs(1, 50, 40, 0), 100_000, 128);
        Path shard = ds.shardPath(0);
        byte[] bytes = Files.readAllBytes(shard);

        // truncated
        Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertCorrupt(ds, shard);
        // garbage
        byte[] garbage = bytes.clone();
        for (int i = 0; i < garbage.length; i += 3) {
            garbage[i] = (byte) (garbage[i] * 31 + 7);
        }
        Files.write(shard, garbage);
        assertCorrupt(ds, shard);
        // not Arrow at all
        Files.writeString(shard, "hello, not arrow");
        assertCorrupt(ds, shard);
        // missing
        Files.delete(shard);
        assertCorrupt(ds, shard);
        // valid Arrow but fewer documents than the manifest says
        Fixtures.write(tmp.resolve("other"), "c", Fixtures.randomDocs(1, 10, 40, 0), 100_000, 128);
        Files.copy(tmp.resolve("other/shard-00000.arrow"), shard);
        assertCorrupt(ds, shard);
        // a broken manifest
        Files.writeString(ds.dir().resolve("manifest.json"), "{\"format\": 1,");
        assertThatThrownBy(() -> TokenDataset.open(ds.dir())).isInstanceOf(NemotronException.class)
                .hasMessageStartingWith(ds.dir().resolve("manifest.json") + ": ");
    }

    private static void assertCorrupt(TokenDataset ds, Path shard) {
        assertThatThrownBy(() -> Fixtures.readAll(TokenDataset.open(ds.dir()))).isInstanceOf(NemotronException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(shard + ": ").doesNotContain("\n"));
        try (DataLoader l = DataLoader.open(ds, LoaderConfig.of(16, 2, 1, -1))) {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    l.next();
                }
            }).isInstanceOf(NemotronException.class).hasMessageStartingWith(shard + ": ");
        }
    }
}
