package dev.nemotron.cli;

import static dev.nemotron.cli.PipelineRunTest.assertOneLineError;
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

/**
 * The real stage types, found by ServiceLoader on the module path: {@code tokenize} (this module)
 * and {@code generate} (nemotron-infer), end to end through {@code nemotron pipeline run} on a
 * tiny random model.
 */
class PipelineBuiltinStagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path base;

    private Path tinyModel() {
        Path model = base.resolve("model");
        CliRun init = CliRun.of("init", "--config", CliRun.repoRoot().resolve("examples/configs/tiny-hybrid/config.json").toString(),
                "--out", model.toString(), "--seed", "3", "--tokenizer", CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        return model;
    }

    @Test
    void stagesListsTokenizeAndGenerate() throws Exception {
        CliRun r = CliRun.of("pipeline", "stages", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode arr = JSON.readTree(r.out());
        assertThat(arr.findValuesAsText("type")).contains("generate", "tokenize");
        for (JsonNode d : arr) {
            assertThat(d.get("available").asBoolean()).as(d.toString()).isTrue();
        }
        assertThat(arr.findValuesAsText("module")).contains("dev.nemotron.infer", "dev.nemotron.train").doesNotContain("dev.nemotron.cli");
    }

    @Test
    void tokenizeThenGenerateOnATinyRandomModel() throws Exception {
        tinyModel();
        Files.writeString(base.resolve("corpus.txt"), "Hello, hybrid world!\n\nA second document.\nStill second.\n");
        Files.writeString(base.resolve("q.jsonl"), "{\"q\": \"one\"}\n{\"q\": \"two\"}\n{\"q\": \"three\"}\n");
        Path spec = Files.writeString(base.resolve("quick.yaml"), """
                name: quick
                out: runs/quick
                model: model
                stages:
                  - {name: data, type: tokenize, text: corpus.txt, shard_tokens: 1000}
                  - {name: questions, type: tokenize, jsonl: [q.jsonl], field: q, tokenizer: model/tokenizer.json, dataset_name: qs}
                  - name: sample
                    type: generate
                    prompts: ["What is 2+3?", "Say hi /no_think"]
                    max_new_tokens: 12
                    max_thinking_tokens: 4
                    thinking_grace: 2
                  - {name: raw, type: generate, prompts: "Once upon a time", chat: false, max_new_tokens: 5, temperature: 0.8, top_p: 0.9, seed: 7}
                """);
        CliRun r = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("model").asText()).as("no stage made a model").isEqualTo(base.resolve("model").toString());
        JsonNode stages = o.get("stages");
        assertThat(stages.findValuesAsText("status")).containsExactly("ran", "ran", "ran", "ran");

        // tokenize: a dataset that data inspect reads, with the input model's tokenizer
        JsonNode data = stages.get(0).get("summary");
        Path dataset = Path.of(data.get("dataset").asText());
        assertThat(dataset).isEqualTo(base.resolve("runs/quick/01-data/dataset"));
        assertThat(data.get("documents").asInt()).isEqualTo(2);
        CliRun inspect = CliRun.of("data", "inspect", dataset.toString(), "--json");
        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
        JsonNode ds = JSON.readTree(inspect.out());
        assertThat(ds.get("documents").asInt()).isEqualTo(2);
        assertThat(ds.get("name").asText()).as("the dataset is named after the stage").isEqualTo("data");
        Tokenizer tok = Tokenizer.load(base.resolve("model"));
        List<int[]> docs = new ArrayList<>();
        TokenDataset.open(dataset).forEachDocument(docs::add);
        assertThat(docs.get(0)).containsExactly(tok.encode("Hello, hybrid world!"));
        assertThat(ds.get("tokens").asLong()).isEqualTo(data.get("tokens").asLong());
        JsonNode qs = JSON.readTree(CliRun.of("data", "inspect", stages.get(1).get("summary").get("dataset").asText(), "--json").out());
        assertThat(qs.get("documents").asInt()).isEqualTo(3);
        assertThat(qs.get("name").asText()).isEqualTo("qs");

        // generate: one JSON line per prompt, in order
        Path gen = base.resolve("runs/quick/03-sample/generations.jsonl");
        assertThat(stages.get(2).get("summary").get("generations").asText()).isEqualTo(gen.toString());
        List<String> lines = Files.readAllLines(gen);
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("prompt").asText()).isEqualTo("What is 2+3?");
        assertThat(first.get("completion_tokens").asInt()).isBetween(1, 12);
        assertThat(first.get("reasoning_tokens").asInt()).as("the budget closes the reasoning").isLessThanOrEqualTo(4 + 2);
        for (String field : List.of("text", "reasoning", "content", "finish_reason", "prompt_tokens")) {
            assertThat(first.has(field)).as(field).isTrue();
        }
        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(second.get("index").asInt()).isEqualTo(1);
        assertThat(second.get("reasoning_tokens").asInt()).as("/no_think").isZero();
        assertThat(stages.get(2).get("summary").get("completion_tokens").asLong())
                .isEqualTo(first.get("completion_tokens").asLong() + second.get("completion_tokens").asLong());
        JsonNode raw = JSON.readTree(Files.readAllLines(base.resolve("runs/quick/04-raw/generations.jsonl")).getFirst());
        assertThat(raw.get("completion_tokens").asInt()).isEqualTo(5);
        assertThat(raw.get("reasoning").asText()).isEmpty();

        // a second run finds every stage complete
        CliRun again = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(JSON.readTree(again.out()).get("stages").findValuesAsText("status")).containsOnly("skipped");
    }

    @Test
    void theExampleSpecChecksOut() throws Exception {
        Path out = base.resolve("example");
        CliRun r = CliRun.of("pipeline", "run", CliRun.repoRoot().resolve("examples/pipelines/quickstart.yaml").toString(),
                "--out", out.toString(), "--dry-run", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode stages = JSON.readTree(r.out()).get("stages");
        assertThat(stages.findValuesAsText("name")).containsExactly("arithmetic", "corpus", "arithmetic-data", "pretrain",
                "long-context", "sft", "eval", "story", "math");
        assertThat(out).doesNotExist();
    }

    @Test
    void synthTokenizePretrainCptGenerate() throws Exception {
        Files.writeString(base.resolve("config.json"), "{\"vocab_size\": 2048, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-\","
                + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
                + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
                + " \"conv_kernel\": 4, \"chunk_size\": 4, \"eos_token_id\": 2}");
        Files.writeString(base.resolve("corpus.txt"), "Call me Ishmael.\n\nSome years ago.\n\nNever mind how long.\n".repeat(20));
        String tok = CliRun.repoRoot().resolve("examples/tokenizers/nemotron-bpe-2k").toString();
        Path spec = Files.writeString(base.resolve("train.yaml"), """
                name: train
                out: runs/train
                stages:
                  - {name: arith, type: synth-arithmetic, count: 40, max_digits: 2, ops: "+", seed: 3}
                  - {name: corpus, type: tokenize, text: [corpus.txt], tokenizer: TOK, dataset_name: corpus}
                  - {name: arith-data, type: tokenize, jsonl: ["${arith.jsonl}"], field: text, tokenizer: TOK, dataset_name: arith}
                  - name: pretrain
                    type: pretrain
                    model_config: config.json
                    tokenizer: TOK
                    data: ["${corpus.dataset}", "${arith-data.dataset}"]
                    curriculum: [{end: 0.5, weights: {corpus: 1}}, {end: 1.0, weights: {corpus: 1, arith: 1}}]
                    eval_fraction: 0.2
                    steps: 4
                    seq_len: 16
                    batch: 2
                    lr: 0.01
                    warmup: 1
                  - {name: long, type: cpt, data: ["${corpus.dataset}"], steps: 2, seq_len: 128, batch: 1}
                  - {name: sample, type: generate, prompts: ["What is 2 + 3?"], max_new_tokens: 8, max_thinking_tokens: 4}
                """.replace("TOK", tok));
        CliRun r = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        JsonNode stages = o.get("stages");
        assertThat(stages.findValuesAsText("status")).containsOnly("ran");
        JsonNode pretrain = stages.get(3).get("summary");
        assertThat(pretrain.get("steps").asInt()).isEqualTo(4);
        assertThat(pretrain.has("eval_loss")).isTrue();
        Path pretrained = base.resolve("runs/train/04-pretrain/model");
        assertThat(pretrained.resolve("tokenizer.json")).exists();
        // cpt continued the pretrained model at 8x the sequence length with its constant default LR
        assertThat(o.get("model").asText()).isEqualTo(base.resolve("runs/train/05-long/model").toString());
        List<String> cptMetrics = Files.readAllLines(base.resolve("runs/train/05-long/metrics.jsonl"));
        assertThat(cptMetrics).hasSize(2);
        assertThat(JSON.readTree(cptMetrics.getFirst()).get("lr").asDouble()).isEqualTo(1e-5);
        assertThat(JSON.readTree(cptMetrics.getFirst()).get("tokens").asInt()).isEqualTo(128);
        assertThat(Files.readAllLines(base.resolve("runs/train/06-sample/generations.jsonl"))).hasSize(1);
        // a second run skips everything
        CliRun again = CliRun.of("pipeline", "run", spec.toString(), "--json");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(JSON.readTree(again.out()).get("stages").findValuesAsText("status")).containsOnly("skipped");
    }

    @Test
    void builtinStagesRejectBadParametersNamingStageAndField() throws Exception {
        Files.writeString(base.resolve("t.txt"), "x");
        String[][] cases = {
            {"{name: g, type: generate}", "stage 'g': missing field 'prompts'"},
            {"{name: g, type: generate, prompts: []}", "stage 'g': field 'prompts' must hold at least one prompt"},
            {"{name: g, type: generate, prompts: [a], greedy: true, temperature: 0.5}", "stage 'g': give at most one of 'greedy' and 'temperature'"},
            {"{name: g, type: generate, prompts: [a], top_p: 2}", "stage 'g': top_p must be in (0, 1], got 2.0"},
            {"{name: g, type: generate, prompts: [a], max_new_tokens: many}", "stage 'g': field 'max_new_tokens' must be an integer, got \"many\""},
            {"{name: g, type: generate, prompts: [a], max_new_tokens: 0}", "stage 'g': field 'max_new_tokens' must be positive, got 0"},
            {"{name: g, type: generate, prompts: [a], chat: maybe}", "stage 'g': field 'chat' must be true or false, got \"maybe\""},
            {"{name: d, type: tokenize}", "stage 'd': give 'text' (files) or 'jsonl' (files, with 'field'), one of the two"},
            {"{name: d, type: tokenize, jsonl: [a.jsonl]}", "stage 'd': 'jsonl' needs 'field' (the string field of each record)"},
            {"{name: d, type: tokenize, text: [t.txt], shard_tokens: 0}", "stage 'd': field 'shard_tokens' must be positive, got 0"},
            {"{name: d, type: tokenize, text: [t.txt], whole_file: true, separator: '---'}",
                "stage 'd': give at most one of 'separator' and 'whole_file'"},
        };
        for (String[] c : cases) {
            Path spec = Files.writeString(base.resolve("bad.yaml"), "out: o\nstages:\n  - " + c[0] + "\n");
            assertOneLineError(CliRun.of("pipeline", "run", spec.toString()), c[1]);
        }
        Path unknown = Files.writeString(base.resolve("unknown.yaml"), "out: o\nstages:\n  - {name: d, type: nope}\n");
        CliRun r = CliRun.of("pipeline", "run", unknown.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: stage 'd': unknown stage type 'nope' (known: ").contains("generate").contains("tokenize");
    }

    @Test
    void stagesThatNeedAModelOrFilesFailNamingTheStage() throws Exception {
        Path noModel = Files.writeString(base.resolve("nomodel.yaml"), "out: o\nstages:\n  - {name: g, type: generate, prompts: [hi]}\n");
        CliRun r = CliRun.of("pipeline", "run", noModel.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines().toList().getLast()).isEqualTo(
                "error: stage 'g' needs an input model: set 'model' in the spec or put a stage that produces one before it");
        assertThat(base.resolve("o/01-g/stage.json")).doesNotExist();

        Path missing = Files.writeString(base.resolve("missing.yaml"),
                "out: o2\nstages:\n  - {name: d, type: tokenize, text: [gone.txt], tokenizer: tok.json}\n");
        CliRun m = CliRun.of("pipeline", "run", missing.toString());
        assertThat(m.err().strip().lines().toList().getLast()).isEqualTo("error: stage 'd' failed: " + base.resolve("gone.txt")
                + ": no such file");
    }
}
