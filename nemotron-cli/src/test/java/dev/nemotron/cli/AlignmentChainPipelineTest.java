package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/pipelines/alignment-chain.yaml, the paper's chain (pretrain, SFT stages, on-policy pairs,
 * DPO, GRPO, merge, eval): the example itself is checked whole by a dry run (every stage's parameters and
 * references); the same chain, stage for stage, runs for real on a model small enough for the suite.
 */
class AlignmentChainPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE = CliRun.repoRoot().resolve("examples/pipelines/alignment-chain.yaml");

    @TempDir
    Path base;

    @Test
    void theExampleIsAValidPipeline() throws Exception {
        CliRun r = CliRun.of("pipeline", "run", EXAMPLE.toString(), "--out", base.resolve("runs").toString(), "--dry-run", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("stages").findValuesAsText("type")).containsExactly("synth-arithmetic", "tokenize", "pretrain", "sft",
                "sft", "make-pairs", "dpo", "grpo", "merge", "eval");
        assertThat(base.resolve("runs")).doesNotExist();
        // a misspelt reward or reward option in a grpo stage is one error before anything runs
        for (String[] bad : new String[][] {{"reward: maths", "no reward named 'maths'"},
                {"reward: math, reward_options: {math: {tolerence: 0.1}}", "reward 'math': unknown option(s) tolerence"},
                {"reward: math, group: 1", "field 'group' must be an integer in [2, 1024]"}}) {
            Path spec = Files.writeString(base.resolve("bad.yaml"), "name: bad\nout: runs/bad\nstages:\n"
                    + "  - {name: tune, type: grpo, prompts: p.jsonl, steps: 1, " + bad[0] + "}\n");
            CliRun refused = CliRun.of("pipeline", "run", spec.toString(), "--dry-run");
            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
            assertThat(refused.err()).contains(bad[1]).doesNotContain("\tat ");
            assertThat(refused.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
        }
        // the same for a make-pairs stage
        for (String[] bad : new String[][] {{"reward: maths", "no reward named 'maths'"}, {"reward: math, samples: 1", "samples"},
                {"reward: math, thinking: maybe", "thinking must be on, off or auto"}, {"samples: 4", "reward"}}) {
            Path spec = Files.writeString(base.resolve("bad.yaml"), "name: bad\nout: runs/bad\nstages:\n"
                    + "  - {name: pairs, type: make-pairs, prompts: p.jsonl, " + bad[0] + "}\n");
            CliRun refused = CliRun.of("pipeline", "run", spec.toString(), "--dry-run");
            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
            assertThat(refused.err()).contains(bad[1]).doesNotContain("\tat ");
            assertThat(refused.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
        }
    }

    /**
     * Pairs for the DPO stage of the real run: the tiny random model's sampled answers all score 0
     * with the math reward (every prompt a tie, no pair), so DPO trains on these; the example's
     * {@code ${pairs.jsonl}} link is checked by the dry run above.
     */
    private Path pairsFile() throws Exception {
        return Files.writeString(base.resolve("pairs.jsonl"), """
                {"prompt": "What is 2+3?", "chosen": "5", "rejected": "6"}
                {"prompt": "What is 7-4?", "chosen": "3", "rejected": "1"}
                """);
    }

    @Test
    void theChainRunsOnATinyModel() throws Exception {
        Path tokenizer = CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k");
        Files.writeString(base.resolve("config.json"), "{\"vocab_size\": 2048, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-\","
                + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
                + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
                + " \"conv_kernel\": 4, \"chunk_size\": 4, \"eos_token_id\": 2}");
        Path spec = Files.writeString(base.resolve("chain.yaml"), """
                name: chain
                out: runs/chain
                stages:
                  - {name: arithmetic, type: synth-arithmetic, count: 40, max_digits: 1, ops: "+,-", no_think_fraction: 0.1, seed: 7}
                  - {name: arithmetic-data, type: tokenize, jsonl: ["${arithmetic.jsonl}"], field: text, tokenizer: TOK,
                     dataset_name: arithmetic}
                  - {name: pretrain, type: pretrain, model_config: config.json, tokenizer: TOK, data: ["${arithmetic-data.dataset}"],
                     steps: 2, seq_len: 64, batch: 2, lr: 1e-2, warmup: 0, seed: 1}
                  - {name: sft-reasoning, type: sft, data: ["${arithmetic.jsonl}"], steps: 2, seq_len: 128, batch: 2, lr: 1e-2}
                  - {name: sft-budget, type: sft, data: ["${arithmetic.jsonl}"], truncate_trace: "2:4", truncate_fraction: 0.5,
                     steps: 2, seq_len: 128, batch: 2, lr: 1e-2}
                  - {name: pairs, type: make-pairs, prompts: "${arithmetic.jsonl}", reward: math, limit: 6, samples: 3,
                     max_tokens: 6, seed: 1}
                  - {name: dpo, type: dpo, data: [PAIRS], steps: 1, batch: 2, lr: 1e-3}
                  - {name: grpo, type: grpo, prompts: "${arithmetic.jsonl}", reward: math, group: 2, max_tokens: 6,
                     no_think_fraction: 0.5, updates_per_rollout: 2, steps: 2, batch: 2, lr: 1e-3}
                  - {name: merge, type: merge, with: "${sft-budget.model}", alpha: 0.5}
                  - {name: eval, type: eval, tasks: [arithmetic], limit: 2, max_thinking_tokens: 4}
                """.replace("TOK", tokenizer.toString()).replace("PAIRS", pairsFile().toString()));
        CliRun r = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        JsonNode stages = o.get("stages");
        assertThat(stages.findValuesAsText("status")).containsOnly("ran");
        // the same stage types, in the same order, as the example
        JsonNode example = new YAMLMapper().readTree(EXAMPLE.toFile()).get("stages");
        List<String> exampleTypes = new ArrayList<>();
        example.forEach(s -> exampleTypes.add(s.get("type").asText()));
        assertThat(stages.findValuesAsText("type")).isEqualTo(exampleTypes);
        // make-pairs sampled from the second SFT stage's model and made no model; DPO trained that model
        JsonNode pairs = stages.get(5);
        assertThat(pairs.get("input_model").asText()).isEqualTo(base.resolve("runs/chain/05-sft-budget/model").toString());
        assertThat(pairs.get("summary").get("prompts").asInt()).isEqualTo(6);
        assertThat(Path.of(pairs.get("summary").get("jsonl").asText())).exists();
        JsonNode dpo = stages.get(6);
        assertThat(dpo.get("input_model").asText()).isEqualTo(base.resolve("runs/chain/05-sft-budget/model").toString());
        JsonNode grpo = stages.get(7);
        assertThat(grpo.get("summary").get("steps").asInt()).isEqualTo(2);
        Path grpoRun = base.resolve("runs/chain/08-grpo");
        assertThat(Files.readAllLines(grpoRun.resolve("metrics.jsonl"))).hasSize(2);
        // GRPO trained DPO's model, the merge took GRPO's and the second SFT stage's, eval the merge
        assertThat(grpo.get("input_model").asText()).isEqualTo(dpo.get("output_model").asText());
        assertThat(stages.get(8).get("input_model").asText()).isEqualTo(grpoRun.resolve("model").toString());
        assertThat(stages.get(9).get("input_model").asText()).isEqualTo(stages.get(8).get("output_model").asText());
        assertThat(base.resolve("runs/chain/10-eval/results.json")).exists();
    }
}
