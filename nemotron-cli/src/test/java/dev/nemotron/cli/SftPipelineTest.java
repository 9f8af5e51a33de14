package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sft} pipeline stage: synthetic chat data into SFT of the spec's model, then generation from the result. */
class SftPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path base;

    @Test
    void synthArithmeticThenSftThenGenerate() throws Exception {
        Files.writeString(base.resolve("config.json"), "{\"vocab_size\": 2048, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-\","
                + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
                + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
                + " \"conv_kernel\": 4, \"chunk_size\": 4, \"eos_token_id\": 2}");
        CliRun init = CliRun.of("init", "--config", base.resolve("config.json").toString(), "--out", base.resolve("model").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        Files.copy(CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k/tokenizer.json"), base.resolve("model/tokenizer.json"));
        Path spec = Files.writeString(base.resolve("sft.yaml"), """
                name: sft
                out: runs/sft
                model: model
                stages:
                  - {name: arith, type: synth-arithmetic, count: 30, max_digits: 1, ops: "+", seed: 3}
                  - name: tune
                    type: sft
                    data: ["${arith.jsonl}"]
                    truncate_trace: "2:4"
                    truncate_fraction: 0.5
                    eval_fraction: 0.1
                    steps: 3
                    seq_len: 128
                    batch: 2
                    lr: 0.01
                  - {name: sample, type: generate, prompts: ["What is 2 + 3?"], max_new_tokens: 8, max_thinking_tokens: 4}
                """);
        CliRun r = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        JsonNode stages = o.get("stages");
        assertThat(stages.findValuesAsText("status")).containsOnly("ran");
        JsonNode tune = stages.get(1).get("summary");
        assertThat(tune.get("steps").asInt()).isEqualTo(3);
        assertThat(tune.has("eval_loss")).isTrue();
        assertThat(tune.get("truncated").asLong()).isPositive();
        assertThat(tune.get("samples").asLong()).isLessThanOrEqualTo(30).isGreaterThan(tune.get("rows").asLong());
        Path tuned = base.resolve("runs/sft/02-tune/model");
        assertThat(tuned.resolve("tokenizer.json")).exists();
        assertThat(Files.readAllLines(base.resolve("runs/sft/02-tune/metrics.jsonl"))).hasSize(3);
        // the generate stage used the fine-tuned model
        assertThat(o.get("model").asText()).isEqualTo(tuned.toString());
        assertThat(Files.readAllLines(base.resolve("runs/sft/03-sample/generations.jsonl"))).hasSize(1);

        // unknown parameters are refused before anything runs; a second run skips every stage
        CliRun again = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(JSON.readTree(again.out()).get("stages").findValuesAsText("status")).containsOnly("skipped");
        Path bad = Files.writeString(base.resolve("bad.yaml"), """
                name: bad
                out: runs/bad
                model: model
                stages:
                  - {name: tune, type: sft, data: [x.jsonl], steps: 1, truncate_trace: "5:2"}
                """);
        CliRun refused = CliRun.of("pipeline", "run", bad.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("truncate_trace must be MIN:MAX").doesNotContain("\tat ");
        assertThat(List.of(refused.err().split("\n"))).filteredOn(l -> l.startsWith("error:")).hasSize(1);
    }
}
