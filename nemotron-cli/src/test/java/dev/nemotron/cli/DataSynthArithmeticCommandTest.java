package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nemotron data synth-arithmetic}: the JSONL fields, and training text that continues exactly
 * the prompt {@code generate --chat} builds (as text and as tokens), in both reasoning modes.
 */
class DataSynthArithmeticCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TOKENIZER = CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k");
    private static final Pattern QUESTION = Pattern.compile("What is (\\d+) ([-+*]) (\\d+)\\?");

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

    /** The prompt {@code generate --chat --prompt Q} renders (reasoning on unless Q says /no_think). */
    private static RenderedPrompt inferencePrompt(String userText) {
        return new NemotronChatTemplate().render(List.of(ChatMessage.user(userText)), RenderOptions.defaults());
    }

    @Test
    void writesChatFormattedSamplesThatContinueTheInferencePrompt() throws IOException {
        Path out = tmp.resolve("synth/arith.jsonl");
        CliRun r = CliRun.of("data", "synth-arithmetic", "--out", out.toString(), "--count", "300", "--seed", "3",
                "--max-digits", "4", "--ops", "+,-,*", "--no-think-fraction", "0.3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("wrote " + out + ": 300 samples (");
        List<JsonNode> lines = read(out);
        assertThat(lines).hasSize(300);
        long noThink = lines.stream().filter(l -> !l.get("thinking").asBoolean()).count();
        assertThat(noThink).isBetween(50L, 130L);

        Tokenizer tok = Tokenizer.load(TOKENIZER.resolve("tokenizer.json"));
        int thinkEnd = tok.tokenToId("</think>").orElseThrow();
        for (JsonNode l : lines) {
            String q = l.get("question").asText();
            String reasoning = l.get("reasoning").asText();
            String answer = l.get("answer").asText();
            String text = l.get("text").asText();
            Matcher m = QUESTION.matcher(q);
            assertThat(m.matches()).as(q).isTrue();
            long a = Long.parseLong(m.group(1));
            long b = Long.parseLong(m.group(3));
            long expected = switch (m.group(2)) {
                case "+" -> a + b;
                case "-" -> a - b;
                default -> a * b;
            };
            assertThat(answer).isEqualTo(Long.toString(expected));
            assertThat(reasoning).endsWith("The answer is " + answer + ".");

            boolean thinking = l.get("thinking").asBoolean();
            RenderedPrompt prompt = inferencePrompt(thinking ? q : q + " /no_think");
            assertThat(prompt.thinking()).isEqualTo(thinking);
            String expectedPrompt = "<SPECIAL_10>System\n\n<SPECIAL_11>User\n" + q + "\n<SPECIAL_11>Assistant\n"
                    + (thinking ? "<think>\n" : "<think></think>");
            assertThat(prompt.text()).isEqualTo(expectedPrompt);
            String completion = thinking ? reasoning + "\n</think>\n" + answer : answer;
            assertThat(text).isEqualTo(expectedPrompt + completion + "\n<SPECIAL_12>\n");

            // as tokens: the training sequence starts with exactly the inference prompt's tokens,
            // and with reasoning on, </think> (one token) closes the reasoning
            int[] p = tok.encode(prompt.text());
            int[] t = tok.encode(text);
            assertThat(Arrays.copyOf(t, p.length)).as(q).containsExactly(p);
            if (thinking) {
                int close = -1;
                for (int i = p.length; i < t.length; i++) {
                    if (t[i] == thinkEnd) {
                        close = i;
                        break;
                    }
                }
                assertThat(close).as(q).isPositive();
                assertThat(tok.decode(Arrays.copyOfRange(t, p.length, close), false)).isEqualTo(reasoning + "\n");
            }
        }

        // deterministic by seed
        Path again = tmp.resolve("again.jsonl");
        assertThat(CliRun.of("data", "synth-arithmetic", "--out", again.toString(), "--count", "300", "--seed", "3",
                "--max-digits", "4", "--no-think-fraction", "0.3").exitCode()).isZero();
        assertThat(Files.readString(again)).isEqualTo(Files.readString(out));
        Path other = tmp.resolve("other.jsonl");
        assertThat(CliRun.of("data", "synth-arithmetic", "--out", other.toString(), "--count", "300", "--seed", "4",
                "--max-digits", "4", "--no-think-fraction", "0.3").exitCode()).isZero();
        assertThat(Files.readString(other)).isNotEqualTo(Files.readString(out));
    }

    @Test
    void tokenizesIntoADataset() throws IOException {
        Path out = tmp.resolve("a.jsonl");
        CliRun r = CliRun.of("data", "synth-arithmetic", "--out", out.toString(), "--count", "20", "--ops", "*", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("samples").asInt()).isEqualTo(20);
        assertThat(o.get("no_thinking").asInt()).isZero();
        assertThat(read(out)).allSatisfy(l -> assertThat(l.get("question").asText()).contains(" * "));
        CliRun t = CliRun.of("data", "tokenize", "--tokenizer", TOKENIZER.toString(), "--out", tmp.resolve("ds").toString(),
                "--jsonl", out.toString(), "--field", "text", "--json");
        assertThat(t.exitCode()).as(t.err()).isZero();
        assertThat(JSON.readTree(t.out()).get("documents").asInt()).isEqualTo(20);
    }

    private static void assertOneLineError(CliRun r, String fragment) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("error: ").contains(fragment);
    }

    @Test
    void badInput() {
        String out = tmp.resolve("x.jsonl").toString();
        assertOneLineError(CliRun.of("data", "synth-arithmetic", "--out", out, "--count", "5", "--ops", "+,/"), "unknown operation '/'");
        assertOneLineError(CliRun.of("data", "synth-arithmetic", "--out", out, "--count", "5", "--max-digits", "12"), "max digits must be 1..9");
        assertOneLineError(CliRun.of("data", "synth-arithmetic", "--out", out, "--count", "5", "--max-digits", "2",
                "--max-multiplier-digits", "3"), "max multiplier digits must be 1..2");
        CliRun zero = CliRun.of("data", "synth-arithmetic", "--out", out, "--count", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--count must be >= 1");
        CliRun frac = CliRun.of("data", "synth-arithmetic", "--out", out, "--count", "3", "--no-think-fraction", "2");
        assertThat(frac.exitCode()).isEqualTo(2);
        assertThat(frac.err()).contains("--no-think-fraction must be in [0, 1]");
        assertThat(tmp.resolve("x.jsonl")).doesNotExist();
    }
}
