package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dpo} pipeline stage: DPO of the spec's model on a pairs file, then generation from the result. */
class DpoPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path base;

    @Test
    void dpoThenGenerate() throws Exception {
        Files.writeString(base.resolve("config.json"), "{\"vocab_size\": 2048, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-\","
                + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
                + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
                + " \"conv_kernel\": 4, \"chunk_size\": 4, \"eos_token_id\": 2}");
        CliRun init = CliRun.of("init", "--config", base.resolve("config.json").toString(), "--out", base.resolve("model").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        Files.copy(CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k/tokenizer.json"), base.resolve("model/tokenizer.json"));
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pairs.add("{\"prompt\": \"What is " + i + " + 2?\", \"chosen\": \"" + (i + 2) + "\", \"rejected\": \"" + (i + 3) + "\"}");
        }
        Files.write(base.resolve("pairs.jsonl"), pairs);
        Path spec = Files.writeString(base.resolve("dpo.yaml"), """
                name: dpo
                out: runs/dpo
                model: model
                stages:
                  - {name: prefer, type: dpo, data: [pairs.jsonl], beta: 0.2, steps: 3, seq_len: 64, batch: 2, lr: 0.01}
                  - {name: sample, type: generate, prompts: ["What is 2 + 3?"], max_new_tokens: 4}
                """);
        CliRun r = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        JsonNode stages = o.get("stages");
        assertThat(stages.findValuesAsText("status")).containsOnly("ran");
        JsonNode prefer = stages.get(0).get("summary");
        assertThat(prefer.get("steps").asInt()).isEqualTo(3);
        assertThat(prefer.get("pairs").asInt()).isEqualTo(8);
        Path tuned = base.resolve("runs/dpo/01-prefer/model");
        assertThat(o.get("model").asText()).isEqualTo(tuned.toString());
        List<String> metrics = Files.readAllLines(base.resolve("runs/dpo/01-prefer/metrics.jsonl"));
        assertThat(metrics).hasSize(3);
        assertThat(JSON.readTree(metrics.getFirst()).get("loss").asDouble()).isEqualTo(Math.log(2));
        assertThat(JSON.readTree(metrics.getFirst()).has("reward_accuracy")).isTrue();

        Path bad = Files.writeString(base.resolve("bad.yaml"), """
                name: bad
                out: runs/bad
                model: model
                stages:
                  - {name: prefer, type: dpo, data: [pairs.jsonl], steps: 1, loss: hinge}
                """);
        CliRun refused = CliRun.of("pipeline", "run", bad.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("unknown DPO loss 'hinge'").doesNotContain("\tat ");
        assertThat(List.of(refused.err().split("\n"))).filteredOn(l -> l.startsWith("error:")).hasSize(1);
    }
}
