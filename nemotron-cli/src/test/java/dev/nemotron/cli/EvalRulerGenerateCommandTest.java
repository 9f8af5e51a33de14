package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron eval ruler-generate}: the JSONL suite, its lengths in the tokenizer's tokens, determinism, bad input. */
class EvalRulerGenerateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TOKENIZER = CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k");

    @TempDir
    Path tmp;

    private static List<JsonNode> read(Path f) throws IOException {
        return Files.readAllLines(f).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @Test
    void writesASuiteMeasuredInTheTokenizersTokens() throws IOException {
        Path out = tmp.resolve("ruler/suite.jsonl");
        CliRun r = CliRun.of("eval", "ruler-generate", "--tokenizer", TOKENIZER.toString(), "--tasks", "niah_single_1,vt,fwe",
                "--lengths", "1k,2048", "--samples", "2", "--out", out.toString(), "--seed", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("wrote " + out + ": 12 samples (3 tasks x 2 lengths x 2), seed 3, format plain")
                .contains("length 1,024: prompts of").contains("length 2,048: prompts of");
        List<JsonNode> lines = read(out);
        assertThat(lines).hasSize(12);
        Tokenizer tok = Tokenizer.load(TOKENIZER);
        for (JsonNode l : lines) {
            int length = l.get("length").asInt();
            int tokens = l.get("tokens").asInt();
            assertThat(tok.encode(l.get("input").asText() + l.get("answer_prefix").asText())).hasSize(tokens);
            assertThat(tokens + l.get("max_new_tokens").asInt()).isBetween((int) Math.ceil(0.98 * length), length);
            for (JsonNode answer : l.get("outputs")) {
                assertThat(l.get("input").asText()).contains(answer.asText());
            }
        }
        assertThat(lines).extracting(l -> l.get("task").asText() + "@" + l.get("length").asInt()).startsWith(
                "niah_single_1@1024", "niah_single_1@1024", "vt@1024", "vt@1024", "fwe@1024", "fwe@1024", "niah_single_1@2048");

        Path again = tmp.resolve("again.jsonl");
        CliRun j = CliRun.of("eval", "ruler-generate", "--tokenizer", TOKENIZER.toString(), "--tasks", "niah_single_1,vt,fwe",
                "--lengths", "1024,2k", "--samples", "2", "--out", again.toString(), "--seed", "3", "--json");
        assertThat(j.exitCode()).as(j.err()).isZero();
        JsonNode summary = JSON.readTree(j.out());
        assertThat(summary.get("samples").asInt()).isEqualTo(12);
        assertThat(summary.get("lengths")).hasSize(2);
        assertThat(Files.readString(again)).isEqualTo(Files.readString(out));
    }

    @Test
    void chatFormatHaystackFileAndDepths() throws IOException {
        Path text = Files.writeString(tmp.resolve("essay.txt"), "The sea was calm. The crew slept soundly. ".repeat(60));
        Path out = tmp.resolve("chat.jsonl");
        CliRun r = CliRun.of("eval", "ruler-generate", "--tokenizer", TOKENIZER.toString(), "--tasks", "niah_single_2",
                "--lengths", "1024", "--samples", "1", "--out", out.toString(), "--format", "nemotron-chat", "--haystack",
                text.toString(), "--depths", "0.5", "--no-reserve");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode l = read(out).getFirst();
        assertThat(l.get("prompt_format").asText()).isEqualTo("nemotron-chat");
        assertThat(l.get("haystack").asText()).isEqualTo("essay:essay.txt");
        assertThat(l.get("needles").get(0).get("depth").asDouble()).isEqualTo(0.5);
        assertThat(l.get("tokens").asInt()).isBetween(1004, 1024);
        String prompt = "<SPECIAL_10>System\n\n<SPECIAL_11>User\n" + l.get("input").asText() + "\n<SPECIAL_11>Assistant\n<think></think>"
                + l.get("answer_prefix").asText().stripLeading();
        assertThat(Tokenizer.load(TOKENIZER).encode(prompt)).hasSize(l.get("tokens").asInt());
    }

    private static void assertOneLineError(CliRun r, String fragment) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.getFirst()).startsWith("error: ").contains(fragment);
    }

    @Test
    void badInput() {
        String out = tmp.resolve("x.jsonl").toString();
        String tok = TOKENIZER.toString();
        assertOneLineError(CliRun.of("eval", "ruler-generate", "--tokenizer", tok, "--tasks", "niah_single_9", "--lengths", "1024",
                "--samples", "1", "--out", out), "unknown RULER task 'niah_single_9'");
        assertOneLineError(CliRun.of("eval", "ruler-generate", "--tokenizer", tok, "--tasks", "qa_2", "--lengths", "1024",
                "--samples", "1", "--out", out), "needs SQuAD/HotpotQA");
        assertOneLineError(CliRun.of("eval", "ruler-generate", "--tokenizer", tok, "--tasks", "vt", "--lengths", "300",
                "--samples", "1", "--out", out), "vt at length 300: the prompt without any haystack already has");
        assertOneLineError(CliRun.of("eval", "ruler-generate", "--tokenizer", tmp.resolve("none").toString(), "--tasks", "vt",
                "--lengths", "1024", "--samples", "1", "--out", out), "none");
        assertOneLineError(CliRun.of("eval", "ruler-generate", "--tokenizer", tok, "--tasks", "vt", "--lengths", "1024",
                "--samples", "1", "--out", out, "--haystack", tmp.resolve("missing.txt").toString()), "missing.txt: no such file");
        CliRun badLength = CliRun.of("eval", "ruler-generate", "--tokenizer", tok, "--lengths", "4x", "--samples", "1", "--out", out);
        assertThat(badLength.exitCode()).isEqualTo(2);
        assertThat(badLength.err()).contains("--lengths: '4x' is not a positive token count");
        CliRun badFormat = CliRun.of("eval", "ruler-generate", "--tokenizer", tok, "--lengths", "1024", "--samples", "1", "--out", out,
                "--format", "llama");
        assertThat(badFormat.exitCode()).isEqualTo(2);
        assertThat(badFormat.err()).contains("--format must be plain or nemotron-chat, got 'llama'");
        CliRun zero = CliRun.of("eval", "ruler-generate", "--tokenizer", tok, "--lengths", "1024", "--samples", "0", "--out", out);
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--samples must be >= 1");
        CliRun none = CliRun.of("eval");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("missing subcommand").contains("ruler-generate");
        assertThat(tmp.resolve("x.jsonl")).doesNotExist();
    }
}
