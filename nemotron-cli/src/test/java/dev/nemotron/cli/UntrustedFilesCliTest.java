package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.train.data.DatasetWriter;
import dev.nemotron.train.data.TokenDataset;
import dev.nemotron.train.data.WriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files from outside (datasets, JSONL, tokenizer.json, config.json) with huge or out-of-range
 * numbers, invalid UTF-8, trailing content or a named pipe in place of a file: one {@code error:}
 * line and exit code 2, never a stack trace, an OutOfMemoryError or a hang.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UntrustedFilesCliTest {
    private static final Path BPE = dev.nemotron.testing.Fixtures.dir("tokenizer-bpe")
            .toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static void assertOneLineError(CliRun r, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.getFirst()).startsWith("error: ").doesNotContain("Exception").doesNotContain("internal error");
        for (String frag : fragments) {
            assertThat(lines.getFirst()).contains(frag);
        }
    }

    private Path dataset(int vocab, Integer eos, int[]... docs) {
        Path dir = tmp.resolve("ds");
        try (DatasetWriter w = DatasetWriter.create(dir, new WriterOptions("t", "ids", vocab, eos, 1000, 1024),
                text -> text.codePoints().toArray())) {
            for (int[] d : docs) {
                w.addDocument("t", d);
            }
            w.finish();
        }
        return dir;
    }

    private static void setManifest(Path dir, String field, String value) throws Exception {
        Path m = dir.resolve("manifest.json");
        String before = Files.readString(m);
        String after = before.replaceFirst("\"" + field + "\" : [^,\\n]+", "\"" + field + "\" : " + value);
        assertThat(after).isNotEqualTo(before);
        Files.writeString(m, after);
    }

    private static CliRun inspect(Path dir) {
        return CliRun.of("data", "inspect", dir.toString(), "--json");
    }

    @Test
    void dataInspectRejectsManifestNumbersOutOfRange() throws Exception {
        Path ds = dataset(100, 1, new int[] {5, 6});
        setManifest(ds, "eos_id", "1000000000");
        assertOneLineError(inspect(ds), "manifest.json: eos_id 1000000000 is outside the vocabulary [0, 100)");
        setManifest(ds, "eos_id", "1");
        setManifest(ds, "vocab_size", "-1");
        assertOneLineError(inspect(ds), "manifest.json: vocab_size must be >= 0");
        setManifest(ds, "vocab_size", "100");
        setManifest(ds, "shard_tokens", "-1");
        assertOneLineError(inspect(ds), "manifest.json: shard_tokens must be >= 1, got -1");
        setManifest(ds, "shard_tokens", "1000");
        // a document count the shards do not hold sizes nothing: it is found out while reading
        Path m = ds.resolve("manifest.json");
        Files.writeString(m, Files.readString(m).replace("\"documents\" : 1,", "\"documents\" : 2000000000,"));
        assertOneLineError(inspect(ds), "holds 1 documents and 2 tokens, but the manifest says 2000000000 and 2");
    }

    @Test
    void dataInspectCountsHugeIdsOfAnUnknownVocabularyWithoutSizingByThem() throws Exception {
        Path ds = dataset(0, 1, new int[] {2_000_000_000, 3}, new int[] {3});
        setManifest(ds, "eos_id", "1000000000");
        CliRun r = inspect(ds);
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode h = JSON.readTree(r.out()).get("unigram_entropy");
        assertThat(h.get("tokens").asLong()).isEqualTo(5);
        assertThat(h.get("distinct_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void dataInspectRejectsIdsOutsideTheVocabularyAndNegativeIds() throws Exception {
        Path ds = dataset(0, null, new int[] {3, 0x12345678});
        setManifest(ds, "vocab_size", "100");
        Path shard = TokenDataset.open(ds).shardPath(0);
        assertOneLineError(inspect(ds), shard + ": document 0, token 1: id 305419896 is outside the vocabulary [0, 100)");
        setManifest(ds, "vocab_size", "0");
        byte[] b = Files.readAllBytes(shard);
        for (int i = 0; i + 4 <= b.length; i++) {
            if (b[i] == 0x78 && b[i + 1] == 0x56 && b[i + 2] == 0x34 && b[i + 3] == 0x12) {
                b[i] = b[i + 1] = b[i + 2] = b[i + 3] = (byte) 0xFF;
            }
        }
        Files.write(shard, b);
        assertOneLineError(inspect(ds), shard + ": document 0, token 1: id -1 is negative");
    }

    @Test
    void dataInspectRefusesANamedPipeInPlaceOfAShard() throws Exception {
        Path ds = dataset(100, null, new int[] {5});
        Path shard = TokenDataset.open(ds).shardPath(0);
        Files.delete(shard);
        assertThat(new ProcessBuilder("mkfifo", shard.toString()).inheritIO().start().waitFor()).isZero();
        assertOneLineError(inspect(ds), shard + ": not a regular file");
    }

    @Test
    void jsonlWithInvalidUtf8OrTwoValuesOnALineIsOneErrorNamingFileAndLine() throws Exception {
        Path bad = tmp.resolve("bad.jsonl");
        Files.write(bad, new byte[] {'{', '"', 'q', '"', ':', '"', 'a', '"', '}', '\n', '{', '"', 'q', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'});
        assertOneLineError(CliRun.of("tokenize", "--tokenizer", BPE.toString(), "--jsonl", bad.toString(), "--field", "q"),
                bad + ":2: not valid UTF-8 (byte 0xC3 at byte 7 of the line)");
        assertOneLineError(CliRun.of("data", "tokenize", "--tokenizer", BPE.toString(), "--out", tmp.resolve("o1").toString(),
                "--jsonl", bad.toString(), "--field", "q"), bad + ":2: not valid UTF-8");
        Path two = Files.writeString(tmp.resolve("two.jsonl"), "{\"q\":\"a\"} {\"q\":\"b\"}\n");
        assertOneLineError(CliRun.of("tokenize", "--tokenizer", BPE.toString(), "--jsonl", two.toString(), "--field", "q"),
                two + ":1: not valid JSON (one JSON object per line): unexpected text after the JSON value");
        Path garbage = Files.writeString(tmp.resolve("garbage.jsonl"), "{\"q\":\"a\"}garbage\n");
        assertOneLineError(CliRun.of("data", "tokenize", "--tokenizer", BPE.toString(), "--out", tmp.resolve("o2").toString(),
                "--jsonl", garbage.toString(), "--field", "q"), garbage + ":1: not valid JSON (one JSON object per line)");
    }

    @Test
    void tokenizeWithHugeVocabularyIds() throws Exception {
        Path tok = Files.writeString(tmp.resolve("tokenizer.json"), """
            {"version": "1.0", "added_tokens": [], "normalizer": null, "pre_tokenizer": null, "post_processor": null,
             "decoder": null, "model": {"type": "BPE", "vocab": {"a": 0, "b": 2147483000, "ab": 2}, "merges": ["a b"]}}
            """);
        CliRun r = CliRun.of("tokenize", "--tokenizer", tok.toString(), "--text", "ba");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("{\"ids\":[2147483000,0]}");
    }

    @Test
    void configOfAnotherModelTypeOrWithTrailingContentIsRejected() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        String cfg = Files.readString(CliRun.fixture("tiny-nemotron-h-a").resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), cfg.replace("\"nemotron_h\"", "\"llama\""));
        assertOneLineError(CliRun.of("inspect", dir.toString()), "model_type is 'llama'");
        Files.writeString(dir.resolve("config.json"), cfg + " trailing");
        assertOneLineError(CliRun.of("inspect", dir.toString()), "config.json", "not valid JSON");
        Files.writeString(dir.resolve("config.json"), cfg.replace("\"max_position_embeddings\": 4096", "\"max_position_embeddings\": \"NaN\""));
        assertOneLineError(CliRun.of("inspect", dir.toString()), "'max_position_embeddings' must be an integer");
        Files.writeString(dir.resolve("config.json"), cfg.replace("\"max_position_embeddings\": 4096", "\"max_position_embeddings\": -5"));
        assertOneLineError(CliRun.of("inspect", dir.toString()), "'max_position_embeddings' must be positive, got -5");
    }

    @Test
    void serveRejectsABadContextLengthAndEosIdsOutsideTheVocabulary() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("serve"));
        try (var files = Files.list(CliRun.fixture("tiny-nemotron-h-a"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }
        Path config = dir.resolve("config.json");
        String cfg = Files.readString(config);
        Files.writeString(config, cfg.replace("\"max_position_embeddings\": 4096", "\"max_position_embeddings\": -5"));
        assertOneLineError(CliRun.of("serve", "--model", dir.toString(), "--port", "0"),
                config + ": field 'max_position_embeddings' must be positive, got -5");
        Files.writeString(config, cfg);
        Path generation = Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [99999999, -1]}");
        assertOneLineError(CliRun.of("serve", "--model", dir.toString(), "--port", "0"),
                generation + ": eos_token_id 99999999 is outside the vocabulary [0, 512)");
    }
}
