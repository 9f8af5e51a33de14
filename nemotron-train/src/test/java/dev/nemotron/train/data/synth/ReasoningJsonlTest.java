package dev.nemotron.train.data.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReasoningJsonlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChatRenderer FAKE = (q, content, thinking) -> "U:" + q + "|A:" + (thinking ? "<think>\n" : "<think></think>") + content;

    @TempDir
    Path tmp;

    private List<JsonNode> read(Path f) throws IOException {
        return Files.readAllLines(f).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @Test
    void writesFieldsAndMixesModesWithoutChangingTheProblems() throws IOException {
        Path all = tmp.resolve("sub/all.jsonl");
        ReasoningJsonl.Summary s = ReasoningJsonl.write(all, new ArithmeticReasoning(ArithmeticConfig.defaults(), 5), 400, 0, 5, FAKE);
        assertThat(s).isEqualTo(new ReasoningJsonl.Summary(400, 400, 0));
        Path mixed = tmp.resolve("mixed.jsonl");
        ReasoningJsonl.Summary m = ReasoningJsonl.write(mixed, new ArithmeticReasoning(ArithmeticConfig.defaults(), 5), 400, 0.25, 5, FAKE);
        assertThat(m.noThinking()).isBetween(70L, 130L);
        assertThat(m.thinking() + m.noThinking()).isEqualTo(400);
        List<JsonNode> a = read(all);
        List<JsonNode> b = read(mixed);
        assertThat(a).hasSize(400);
        for (int i = 0; i < a.size(); i++) {
            JsonNode x = b.get(i);
            assertThat(x.get("question")).isEqualTo(a.get(i).get("question"));
            assertThat(x.get("answer")).isEqualTo(a.get(i).get("answer"));
            String expected = x.get("thinking").asBoolean()
                    ? "U:" + x.get("question").asText() + "|A:<think>\n" + x.get("reasoning").asText() + "\n</think>\n" + x.get("answer").asText()
                    : "U:" + x.get("question").asText() + "|A:<think></think>" + x.get("answer").asText();
            assertThat(x.get("text").asText()).isEqualTo(expected);
        }
        assertThat(b.stream().filter(x -> !x.get("thinking").asBoolean()).count()).isEqualTo(m.noThinking());
        // deterministic
        Path again = tmp.resolve("again.jsonl");
        ReasoningJsonl.write(again, new ArithmeticReasoning(ArithmeticConfig.defaults(), 5), 400, 0.25, 5, FAKE);
        assertThat(Files.readString(again)).isEqualTo(Files.readString(mixed));
        assertThat(tmp).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void badArguments() {
        ArithmeticReasoning g = new ArithmeticReasoning(ArithmeticConfig.defaults(), 1);
        assertThatThrownBy(() -> ReasoningJsonl.write(tmp.resolve("x"), g, 1, 1.5, 1, FAKE)).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> ReasoningJsonl.write(tmp.resolve("x"), g, -1, 0, 1, FAKE)).hasMessageContaining("count");
    }
}
