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

/**
 * {@code nemotron grpo} end to end on a tiny model with the 2k BPE (the fixture model's 512-id
 * vocabulary has no tokenizer to go with it): metrics, the HF model directory, charts, bad input.
 */
class GrpoCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path model() throws Exception {
        return TinyChatModel.create(tmp);
    }

    Path prompts(String... extra) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add(i % 2 == 0 ? "{\"prompt\": \"What is " + i + " + 2?\", \"answer\": " + (i + 2) + "}"
                    : "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"What is "
                    + i + " - 1?\"}, {\"role\": \"assistant\", \"content\": \"" + (i - 1) + "\"}], \"answer\": \"" + (i - 1) + "\"}");
        }
        lines.addAll(List.of(extra));
        return Files.write(tmp.resolve("prompts.jsonl"), lines);
    }

    @Test
    void aRunWritesMetricsTheModelAndCharts() throws Exception {
        Path model = model();
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of("grpo", "--init-model", model.toString(), "--prompts", prompts().toString(), "--reward", "math",
                "--steps", "2", "--batch", "2", "--group", "3", "--max-tokens", "6", "--no-think-fraction", "0.5",
                "--updates-per-rollout", "2", "--lr", "1e-3", "--threads", "2", "--out", out.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("steps").asLong()).isEqualTo(2);
        assertThat(o.get("rollout_tokens").asLong()).isBetween(2L * 2 * 3, 2L * 2 * 3 * 6);
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertThat(lines).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode m = JSON.readTree(lines.get(i));
            assertThat(m.get("step").asLong()).isEqualTo(i + 1);
            for (String f : List.of("loss", "reward_mean", "reward_std", "reward_math", "kl", "clip_fraction", "response_length",
                    "rollout_tokens_per_s", "train_tokens_per_s", "rollout_seconds", "train_seconds")) {
                assertThat(m.get(f)).as(f).isNotNull();
                assertThat(Double.isFinite(m.get(f).asDouble())).as(f).isTrue();
            }
            assertThat(m.get("reward_mean").asDouble()).isBetween(0.0, 1.0);
            assertThat(m.get("response_length").asDouble()).isBetween(1.0, 6.0);
        }
        // the first step's policy is the reference: KL 0
        assertThat(JSON.readTree(lines.get(0)).get("kl").asDouble()).isZero();
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            assertThat(out.resolve("model").resolve(f)).exists();
        }
        assertThat(out.resolve("summary.json")).exists();
        assertThat(Files.readAllLines(out.resolve("rollouts.jsonl"))).hasSize(2 * 4);
        assertThat(out.resolve("grpo_reward.png")).exists();
        // the output is a model directory the SDK runs
        CliRun gen = CliRun.of("generate", "--model", out.resolve("model").toString(), "--prompt", "What is 1 + 2?", "--max-new-tokens", "3");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        // a second run into the same directory is refused
        CliRun again = CliRun.of("grpo", "--init-model", model.toString(), "--prompts", prompts().toString(), "--reward", "math",
                "--steps", "1", "--out", out.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a training run");
    }

    @Test
    void badInputIsOneErrorLine() throws Exception {
        Path model = model();
        Path prompts = prompts();
        assertOneError(List.of("--init-model", model.toString(), "--prompts", prompts.toString(), "--steps", "1"),
                "missing required field 'reward'");
        // the updates on a device: a backend without a training facet; a precision without a backend
        assertOneError(List.of("--init-model", model.toString(), "--prompts", prompts.toString(), "--reward", "math",
                "--steps", "1", "--backend", "java"), "backend 'java' does not train on a device");
        assertOneError(List.of("--init-model", model.toString(), "--prompts", prompts.toString(), "--reward", "math",
                "--steps", "1", "--precision", "bf16"), "'precision' bf16 needs a device backend (--backend cuda)");
        assertOneError(List.of("--init-model", model.toString(), "--prompts", prompts.toString(), "--reward", "maths", "--steps", "1"),
                "no reward named 'maths'");
        assertOneError(List.of("--init-model", model.toString(), "--prompts", prompts.toString(), "--reward", "math",
                "--reward-option", "math.tolerence=0.1", "--steps", "1"), "reward 'math': unknown option(s) tolerence");
        assertOneError(List.of("--init-model", model.toString(), "--prompts", prompts.toString(), "--reward", "math",
                "--reward-weights", "1,2", "--steps", "1"), "2 reward_weights for 1 rewards");
        assertOneError(List.of("--init-model", model.toString(), "--prompts", prompts.toString(), "--reward", "math",
                "--group", "1", "--steps", "1"), "field 'group' must be an integer in [2, 1024]");
        assertOneError(List.of("--init-model", model.toString(), "--prompts", prompts.toString(), "--reward", "math",
                "--batch", "2000000000", "--group", "1024", "--steps", "1"), "more than 65536 samples");
        Path bad = prompts("{\"prompt\": \"x\"}", "{\"messages\": [{\"role\": \"assistant\", \"content\": \"hi\"}]}");
        assertOneError(List.of("--init-model", model.toString(), "--prompts", bad.toString(), "--reward", "math", "--steps", "1"),
                bad + ":8: 'messages' has no user turn");
        Files.writeString(bad, "{\"prompt\": \"a\", \"messages\": []}\n");
        assertOneError(List.of("--init-model", model.toString(), "--prompts", bad.toString(), "--reward", "math", "--steps", "1"),
                bad + ":1: give exactly one of 'prompt'");
        assertOneError(List.of("--init-model", model.toString(), "--prompts", tmp.resolve("none.jsonl").toString(), "--reward", "math",
                "--steps", "1"), "no such prompts file");
    }

    private void assertOneError(List<String> args, String message) {
        List<String> all = new ArrayList<>(List.of("grpo"));
        all.addAll(args);
        all.addAll(List.of("--out", tmp.resolve("bad-" + System.nanoTime()).toString()));
        CliRun r = CliRun.of(all.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("error: ").contains(message).doesNotContain("\tat ");
        assertThat(r.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
    }
}
