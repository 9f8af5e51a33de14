package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.text.tokenizer.Tokenizer;
import dev.nemotron.train.data.TokenDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron data tokenize} and {@code nemotron data inspect}; bad input is one error line naming file and line. */
class DataCommandTest {
    private static final Path BPE = dev.nemotron.testing.Fixtures.dir("tokenizer-bpe")
            .toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void tokenizesTextIntoShardsAndInspectsThem() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.txt"), "Hello, world!\n\nSecond document here.\nStill second.\n\n\nThird.\n");
        Path b = Files.writeString(tmp.resolve("b.txt"), "Another file, one document.\n");
        Path out = tmp.resolve("ds");
        CliRun r = CliRun.of("data", "tokenize", "--tokenizer", BPE.toString(), "--out", out.toString(),
                "--text", a.toString(), b.toString(), "--shard-tokens", "12", "--name", "demo", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode summary = JSON.readTree(r.out());
        assertThat(summary.get("documents").asLong()).isEqualTo(4);
        assertThat(summary.get("name").asText()).isEqualTo("demo");
        assertThat(summary.get("shards").asInt()).isGreaterThan(1);

        Tokenizer tok = Tokenizer.load(BPE);
        List<int[]> docs = new ArrayList<>();
        TokenDataset.open(out).forEachDocument(docs::add);
        assertThat(docs).hasSize(4);
        assertThat(docs.get(0)).containsExactly(tok.encode("Hello, world!"));
        assertThat(docs.get(1)).containsExactly(tok.encode("Second document here.\nStill second."));
        assertThat(docs.get(3)).containsExactly(tok.encode("Another file, one document."));
        long tokens = docs.stream().mapToLong(d -> d.length).sum();

        CliRun inspect = CliRun.of("data", "inspect", out.toString(), "--json");
        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
        JsonNode o = JSON.readTree(inspect.out());
        assertThat(o.get("documents").asLong()).isEqualTo(4);
        assertThat(o.get("tokens").asLong()).isEqualTo(tokens);
        assertThat(o.get("vocab_size").asInt()).isEqualTo(tok.vocabSize());
        assertThat(o.get("document_tokens").get("max").asInt()).isEqualTo(docs.stream().mapToInt(d -> d.length).max().orElseThrow());
        assertThat(o.get("document_tokens").get("min").asInt()).isEqualTo(docs.stream().mapToInt(d -> d.length).min().orElseThrow());

        CliRun table = CliRun.of("data", "inspect", out.toString());
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("documents  4").contains("document length in tokens: min");
    }

    @Test
    void tokenizesJsonl() throws Exception {
        Path f = Files.writeString(tmp.resolve("in.jsonl"), "{\"text\": \"Hello, world!\"}\n\n{\"text\": \"<think>\\n\", \"x\": 1}\n");
        Path out = tmp.resolve("j");
        CliRun r = CliRun.of("data", "tokenize", "--tokenizer", BPE.resolve("tokenizer.json").toString(), "--out", out.toString(),
                "--jsonl", f.toString(), "--field", "text");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 documents");
        List<int[]> docs = new ArrayList<>();
        TokenDataset.open(out).forEachDocument(docs::add);
        assertThat(docs.get(0)).containsExactly(421, 81, 365, 17, 311, 281, 432, 6);
        assertThat(docs.get(1)).containsExactly(3, 204);
        assertThat(TokenDataset.open(out).name()).isEqualTo("j");
    }

    @Test
    void inspectShowsTheUnigramEntropyOfTheLoaderStream() throws Exception {
        Path a = Files.writeString(tmp.resolve("u.txt"), "aaab\n\nab\n");
        Path out = tmp.resolve("u");
        assertThat(CliRun.of("data", "tokenize", "--tokenizer", BPE.toString(), "--out", out.toString(), "--text", a.toString()).exitCode())
                .isZero();
        Tokenizer tok = Tokenizer.load(BPE);
        int eos = TokenDataset.open(out).manifest().eosId();
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        long total = 0;
        for (String doc : List.of("aaab", "ab")) {
            for (int id : tok.encode(doc)) {
                counts.merge(id, 1, Integer::sum);
                total++;
            }
            counts.merge(eos, 1, Integer::sum);
            total++;
        }
        double h = 0;
        for (int c : counts.values()) {
            h -= (double) c / total * Math.log((double) c / total);
        }
        CliRun r = CliRun.of("data", "inspect", out.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode u = JSON.readTree(r.out()).get("unigram_entropy");
        assertThat(u.get("nats").asDouble()).isCloseTo(h, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(u.get("bits").asDouble()).isCloseTo(h / Math.log(2), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(u.get("tokens").asLong()).isEqualTo(total);
        assertThat(u.get("distinct_tokens").asInt()).isEqualTo(counts.size());
        assertThat(u.get("eos_counted").asBoolean()).isTrue();
        CliRun table = CliRun.of("data", "inspect", out.toString());
        assertThat(table.out()).contains(String.format(java.util.Locale.ROOT, "unigram entropy %.4f nats", h));
    }

    private static void assertOneLineError(CliRun r, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("error: ").doesNotContain("Exception");
        for (String frag : fragments) {
            assertThat(lines.get(0)).contains(frag);
        }
    }

    @Test
    void badInputIsOneLineNamingFileAndLine() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"q\": \"ok\"}\n{\"q\": oops}\n");
        assertOneLineError(CliRun.of("data", "tokenize", "--tokenizer", BPE.toString(), "--out", tmp.resolve("o1").toString(),
                "--jsonl", bad.toString(), "--field", "q"), bad + ":2: not valid JSON");
        Path noField = Files.writeString(tmp.resolve("nofield.jsonl"), "{\"q\": \"ok\"}\n{\"other\": \"x\"}\n");
        assertOneLineError(CliRun.of("data", "tokenize", "--tokenizer", BPE.toString(), "--out", tmp.resolve("o2").toString(),
                "--jsonl", noField.toString(), "--field", "q"), noField + ":2: no field 'q'");
        Path missing = tmp.resolve("missing.txt");
        assertOneLineError(CliRun.of("data", "tokenize", "--tokenizer", BPE.toString(), "--out", tmp.resolve("o3").toString(),
                "--text", missing.toString()), missing + ": no such file");
        assertOneLineError(CliRun.of("data", "inspect", tmp.resolve("nothing").toString()), tmp.resolve("nothing") + ": no such dataset directory");

        // a corrupt shard
        Path text = Files.writeString(tmp.resolve("t.txt"), "one\n\ntwo\n\nthree\n");
        Path out = tmp.resolve("ok");
        assertThat(CliRun.of("data", "tokenize", "--tokenizer", BPE.toString(), "--out", out.toString(), "--text", text.toString()).exitCode())
                .isZero();
        Path shard = out.resolve("shard-00000.arrow");
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length - 20));
        assertOneLineError(CliRun.of("data", "inspect", out.toString()), shard + ": ");
        // and the directory already holds a dataset
        assertOneLineError(CliRun.of("data", "tokenize", "--tokenizer", BPE.toString(), "--out", out.toString(), "--text", text.toString()),
                "already holds a dataset");
    }

    @Test
    void usageErrors() {
        CliRun r = CliRun.of("data", "tokenize", "--tokenizer", BPE.toString(), "--out", tmp.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("give --text FILE... or --jsonl FILE...");
        CliRun r2 = CliRun.of("data");
        assertThat(r2.exitCode()).isEqualTo(2);
        assertThat(r2.err()).contains("missing subcommand");
    }
}
