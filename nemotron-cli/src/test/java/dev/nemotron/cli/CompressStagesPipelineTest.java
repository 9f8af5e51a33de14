package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code nas} and {@code distill} stages through {@code nemotron pipeline run}, chained with {@code tokenize}. */
class CompressStagesPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path base;

    @Test
    void nasThenDistillIntoTheInputModel() throws Exception {
        CliRun init = CliRun.of("init", "--config", CliRun.repoRoot().resolve("examples/configs/tiny-hybrid/config.json").toString(),
                "--out", base.resolve("teacher").toString(), "--seed", "3", "--tokenizer",
                CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            text.append("Call me Ishmael, paragraph ").append(i).append(".\n\n");
        }
        Files.writeString(base.resolve("corpus.txt"), text);
        Path spec = Files.writeString(base.resolve("compress.yaml"), """
                name: compress
                out: runs/compress
                model: teacher
                stages:
                  - {name: data, type: tokenize, text: corpus.txt}
                  - {name: search, type: nas, memory_budget_gib: 0.004, context: 4096, layers: "10:11", ffn: "256:384:128"}
                  - name: recover
                    type: distill
                    teacher: teacher
                    data: ["${data.dataset}"]
                    temperature: 2
                    steps: 2
                    seq_len: 16
                    batch: 2
                """);
        CliRun r = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        JsonNode stages = o.get("stages");
        assertThat(stages.findValuesAsText("status")).containsExactly("ran", "ran", "ran");
        JsonNode nas = stages.get(1).get("summary");
        assertThat(nas.get("num_hidden_layers").asInt()).isBetween(10, 11);
        assertThat(nas.get("baseline_feasible").asBoolean()).isFalse();
        assertThat(Path.of(nas.get("result").asText())).isRegularFile();
        JsonNode kd = stages.get(2).get("summary");
        assertThat(kd.get("steps").asInt()).isEqualTo(2);
        assertThat(Path.of(o.get("model").asText())).isEqualTo(base.resolve("runs/compress/03-recover/model"));
        assertThat(base.resolve("runs/compress/03-recover/distill.json")).isRegularFile();
    }
}
