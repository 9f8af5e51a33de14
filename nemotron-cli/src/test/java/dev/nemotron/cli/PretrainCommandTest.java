package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron pretrain} / {@code cpt} on a small text corpus, from flags and from a YAML spec; bad input. */
class PretrainCommandTest {
    private static final Path BPE = Path.of("../examples/tokenizers/nemotron-bpe-2k").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "{\"vocab_size\": 2048, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-\","
            + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
            + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
            + " \"conv_kernel\": 4, \"chunk_size\": 4, \"eos_token_id\": 2}";

    @TempDir
    Path tmp;

    Path corpus() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            sb.append("Call me Ishmael. Some years ago, paragraph ").append(i).append(".\n\n");
        }
        Files.writeString(tmp.resolve("config.json"), CONFIG);
        return Files.writeString(tmp.resolve("corpus.txt"), sb.toString());
    }

    @Test
    void pretrainsOnATextFileThenContinuesAtLongerContext() throws Exception {
        Path corpus = corpus();
        CliRun r = CliRun.of("pretrain", "--model-config", tmp.resolve("config.json").toString(), "--tokenizer", BPE.toString(),
                "--data", corpus.toString(), "--eval-fraction", "0.1", "--steps", "6", "--seq-len", "16", "--batch", "2",
                "--lr", "1e-2", "--out", tmp.resolve("run").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("steps").asLong()).isEqualTo(6);
        assertThat(o.has("eval_loss")).isTrue();
        assertThat(tmp.resolve("run/model/model.safetensors")).exists();
        assertThat(tmp.resolve("run/model/tokenizer.json")).exists();
        assertThat(tmp.resolve("run/data/corpus-heldout/manifest.json")).exists();
        assertThat(Files.readAllLines(tmp.resolve("run/metrics.jsonl"))).hasSize(6);
        assertThat(r.err()).contains("step 6/6");

        // again without --resume: refused, nothing overwritten
        CliRun again = CliRun.of("pretrain", "--model-config", tmp.resolve("config.json").toString(), "--tokenizer", BPE.toString(),
                "--data", corpus.toString(), "--steps", "6", "--out", tmp.resolve("run").toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a training run");

        // cpt from the trained model at 4x the sequence length, from a YAML spec
        Path yaml = Files.writeString(tmp.resolve("cpt.yaml"), String.join("\n",
                "init_model: " + tmp.resolve("run/model"),
                "data: [" + tmp.resolve("run/data/corpus-train") + "]",
                "steps: 3", "seq_len: 64", "batch: 1", "out: " + tmp.resolve("cpt"), ""));
        CliRun cpt = CliRun.of("cpt", "--config", yaml.toString(), "--json");
        assertThat(cpt.exitCode()).as(cpt.err()).isZero();
        JsonNode lines = JSON.readTree(Files.readAllLines(tmp.resolve("cpt/metrics.jsonl")).getLast());
        assertThat(lines.get("lr").asDouble()).isEqualTo(1e-5);
        assertThat(lines.get("tokens").asLong()).isEqualTo(64);
    }

    @Test
    void fortyStepsStraightEqualTwentyStoppedPlusTwentyResumed() throws Exception {
        Path corpus = corpus();
        List<String> common = List.of("pretrain", "--model-config", tmp.resolve("config.json").toString(), "--tokenizer",
                BPE.toString(), "--data", corpus.toString(), "--steps", "40", "--seq-len", "16", "--batch", "2", "--lr", "1e-2",
                "--warmup", "4", "--threads", "2", "--json");
        CliRun straight = CliRun.of(concat(common, "--out", tmp.resolve("a").toString()));
        assertThat(straight.exitCode()).as(straight.err()).isZero();
        CliRun first = CliRun.of(concat(common, "--out", tmp.resolve("b").toString(), "--stop-at", "20"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(JSON.readTree(first.out()).get("steps").asLong()).isEqualTo(20);
        CliRun second = CliRun.of(concat(common, "--out", tmp.resolve("b").toString(), "--resume"));
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(JSON.readTree(second.out()).get("final_loss").asDouble()).isEqualTo(JSON.readTree(straight.out()).get("final_loss").asDouble());
        assertThat(Files.readAllBytes(tmp.resolve("b/checkpoint-40/train_state.safetensors")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("a/checkpoint-40/train_state.safetensors")));
        assertThat(Files.readAllBytes(tmp.resolve("b/model/model.safetensors")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("a/model/model.safetensors")));
        List<String> a = Files.readAllLines(tmp.resolve("a/metrics.jsonl"));
        List<String> b = Files.readAllLines(tmp.resolve("b/metrics.jsonl"));
        assertThat(b).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(JSON.readTree(b.get(i)).get("loss")).isEqualTo(JSON.readTree(a.get(i)).get("loss"));
        }
    }

    private static String[] concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    @Test
    void badInputIsOneClearError() throws Exception {
        Path corpus = corpus();
        String config = tmp.resolve("config.json").toString();
        List<List<String>> cases = List.of(
                List.of("pretrain", "--model-config", config, "--data", corpus.toString(), "--steps", "2", "--out", tmp.resolve("a").toString()),
                List.of("pretrain", "--model-config", config, "--tokenizer", BPE.toString(), "--data", tmp.resolve("missing.txt").toString(),
                        "--steps", "2", "--out", tmp.resolve("b").toString()),
                List.of("pretrain", "--model-config", config, "--tokenizer", BPE.toString(), "--data", corpus.toString(),
                        "--steps", "0", "--out", tmp.resolve("c").toString()),
                List.of("pretrain", "--config", tmp.resolve("nope.yaml").toString()),
                List.of("pretrain", "--model-config", config, "--tokenizer", BPE.toString(), "--data", corpus.toString(),
                        "--steps", "2", "--schedule", "linear", "--out", tmp.resolve("d").toString()),
                // device training: a backend without a training facet, a precision without a backend, --fp8 on a
                // backend (no longer refused by itself: the device runs the FP8 plan; 'java' has no training facet)
                List.of("pretrain", "--model-config", config, "--tokenizer", BPE.toString(), "--data", corpus.toString(),
                        "--steps", "2", "--backend", "java", "--out", tmp.resolve("e").toString()),
                List.of("pretrain", "--model-config", config, "--tokenizer", BPE.toString(), "--data", corpus.toString(),
                        "--steps", "2", "--precision", "bf16", "--out", tmp.resolve("f").toString()),
                List.of("pretrain", "--model-config", config, "--tokenizer", BPE.toString(), "--data", corpus.toString(),
                        "--steps", "2", "--backend", "java", "--fp8", "--out", tmp.resolve("g").toString()));
        List<String> expected = List.of("text data needs a tokenizer", "missing.txt: no such data file or dataset directory",
                "field 'steps' must be a positive integer", "nope.yaml: no such file", "'schedule' must be wsd, cosine or constant",
                "backend 'java' does not train on a device", "'precision' bf16 needs a device backend (--backend cuda)",
                "backend 'java' does not train on a device");
        for (int i = 0; i < cases.size(); i++) {
            CliRun r = CliRun.of(cases.get(i).toArray(String[]::new));
            assertThat(r.exitCode()).as(cases.get(i).toString()).isEqualTo(2);
            assertThat(r.err()).as(cases.get(i).toString()).contains(expected.get(i)).doesNotContain("\tat ");
        }
    }
}
