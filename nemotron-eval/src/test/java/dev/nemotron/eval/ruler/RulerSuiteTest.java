package dev.nemotron.eval.ruler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSONL a task runner loads: fields, round trip, and errors naming file and line. */
class RulerSuiteTest {
    @TempDir
    Path tmp;

    @Test
    void writesOneSampleALineAndReadsItBack() throws IOException {
        RulerSuite suite = RulerSuite.generate(List.of(RulerTask.NIAH_MULTIVALUE, RulerTask.FWE), List.of(1024), 2, 9,
                Fixtures.bpeCounter());
        Path out = tmp.resolve("sub/ruler.jsonl");
        suite.write(out);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(4);
        JsonNode first = new ObjectMapper().readTree(lines.getFirst());
        assertThat(first.fieldNames()).toIterable().containsExactly("index", "task", "length", "tokens", "max_new_tokens", "input",
                "answer_prefix", "outputs", "metric", "prompt_format", "seed", "haystack", "haystack_size", "haystack_units",
                "needles", "details");
        assertThat(first.get("task").asText()).isEqualTo("niah_multivalue");
        assertThat(first.get("outputs").isArray()).isTrue();
        assertThat(first.get("outputs")).hasSize(4);
        assertThat(first.get("metric").asText()).isEqualTo("string_match_all");
        assertThat(first.get("needles").get(0).get("char_offset").asInt()).isPositive();
        assertThat(first.get("details").get("query").asText()).contains("-");

        RulerSuite back = RulerSuite.read(out);
        assertThat(back.samples()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(RulerJson.toJson(back.samples().get(i)).toString()).isEqualTo(lines.get(i));
        }
        RulerSample s = back.samples().getFirst();
        assertThat(s.score("The values: " + String.join(", ", s.outputs()))).isEqualTo(1.0);
        assertThat(s.score("The values: " + s.outputs().getFirst())).isEqualTo(0.25);
    }

    @Test
    void badFiles() throws IOException {
        assertThatThrownBy(() -> RulerSuite.read(tmp.resolve("none.jsonl"))).isInstanceOf(NemotronException.class)
                .hasMessageEndingWith("none.jsonl: no such file");
        RulerSuite.generate(List.of(RulerTask.NIAH_SINGLE_1), List.of(512), 1, 1, Fixtures.bpeCounter()).write(tmp.resolve("ok.jsonl"));
        String good = Files.readString(tmp.resolve("ok.jsonl")).strip();
        Path f = Files.writeString(tmp.resolve("bad.jsonl"), good + "\n\n" + good.replace("\"outputs\"", "\"answers\"") + "\n");
        assertThatThrownBy(() -> RulerSuite.read(f)).isInstanceOf(NemotronException.class)
                .hasMessageEndingWith("bad.jsonl:3: field 'outputs' is missing");
        Path g = Files.writeString(tmp.resolve("broken.jsonl"), "{\"task\": \n");
        assertThatThrownBy(() -> RulerSuite.read(g)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("broken.jsonl:1: not valid JSON");
        Path h = Files.writeString(tmp.resolve("task.jsonl"), good.replace("\"niah_single_1\"", "\"qa_1\"") + "\n");
        assertThatThrownBy(() -> RulerSuite.read(h)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("task.jsonl:1: RULER task 'qa_1' needs SQuAD/HotpotQA");
    }

    @Test
    void badArguments() {
        assertThatThrownBy(() -> RulerSuite.generate(List.of(), List.of(1024), 1, 0, Fixtures.bpeCounter()))
                .isInstanceOf(NemotronException.class).hasMessage("RULER suite: no tasks given");
        assertThatThrownBy(() -> RulerSuite.generate(List.of(RulerTask.VT), List.of(), 1, 0, Fixtures.bpeCounter()))
                .isInstanceOf(NemotronException.class).hasMessage("RULER suite: no lengths given");
        assertThatThrownBy(() -> RulerSuite.generate(List.of(RulerTask.VT), List.of(1024), 0, 0, Fixtures.bpeCounter()))
                .isInstanceOf(NemotronException.class).hasMessage("RULER suite: samples per task must be >= 1, got 0");
        assertThatThrownBy(() -> RulerSuite.generate(List.of(RulerTask.VT), List.of(32), 1, 0, Fixtures.bpeCounter()))
                .isInstanceOf(NemotronException.class).hasMessage("RULER suite: length 32 is below the minimum 64");
        assertThatThrownBy(() -> RulerSuite.generate(List.of(RulerTask.VT), List.of(300), 1, 0, Fixtures.bpeCounter()))
                .isInstanceOf(NemotronException.class).hasMessageStartingWith("vt at length 300: the prompt without any haystack");
    }
}
