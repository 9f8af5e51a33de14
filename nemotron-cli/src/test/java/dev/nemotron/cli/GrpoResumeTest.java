package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nemotron grpo --resume}: a run split by {@code --stop-at} and resumed (twice) equals the
 * straight run bit for bit — the float64 weights and AdamW moments of the last checkpoint, the
 * final model, every metrics line but the timings, every logged rollout, the summary's totals —
 * and a resume that cannot continue the run is one {@code error:} line.
 */
class GrpoResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TIMINGS = List.of("rollout_seconds", "train_seconds", "rollout_tokens_per_s", "train_tokens_per_s");

    @TempDir
    Path tmp;

    private Path model;
    private Path prompts;

    private void setUp() throws Exception {
        model = TinyChatModel.create(tmp);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add("{\"prompt\": \"What is " + i + " + 2?\", \"answer\": " + (i + 2) + "}");
        }
        prompts = Files.write(tmp.resolve("prompts.jsonl"), lines);
    }

    /**
     * 5 steps of 2 prompts (6 prompts: the order's second epoch starts inside step 4), KL on, 2
     * updates per rollout; {@code more} adds flags or replaces these ("--group", "4").
     */
    private CliRun grpo(Path out, String... more) {
        java.util.Map<String, String> flags = new java.util.LinkedHashMap<>();
        String[] base = {"--init-model", model.toString(), "--prompts", prompts.toString(), "--reward", "math,format", "--steps", "5",
            "--batch", "2", "--group", "3", "--max-tokens", "6", "--no-think-fraction", "0.5", "--updates-per-rollout", "2",
            "--lr", "3e-3", "--warmup", "1", "--threads", "2", "--out", out.toString()};
        for (int i = 0; i < base.length; i += 2) {
            flags.put(base[i], base[i + 1]);
        }
        List<String> args = new ArrayList<>(List.of("grpo", "--json"));
        for (int i = 0; i < more.length; i++) {
            if (i + 1 < more.length && !more[i + 1].startsWith("--")) {
                flags.put(more[i], more[++i]);
            } else {
                args.add(more[i]);
            }
        }
        flags.forEach((k, v) -> args.addAll(List.of(k, v)));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static List<JsonNode> linesWithoutTimings(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            ObjectNode o = (ObjectNode) JSON.readTree(line);
            o.remove(TIMINGS);
            out.add(o);
        }
        return out;
    }

    @Test
    void stoppedAndResumedRunEqualsTheStraightRunBitForBit() throws Exception {
        setUp();
        Path straight = tmp.resolve("straight");
        CliRun a = grpo(straight);
        assertThat(a.exitCode()).as(a.err()).isZero();

        Path split = tmp.resolve("split");
        CliRun first = grpo(split, "--stop-at", "2");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(Files.readString(split.resolve("latest"))).isEqualTo("checkpoint-2");
        assertThat(Files.readAllLines(split.resolve("metrics.jsonl"))).hasSize(2);
        // the second leg stops where an epoch of the prompt order ends (6 prompts = 3 steps), the third crosses none
        CliRun second = grpo(split, "--resume", "--stop-at", "3");
        assertThat(second.exitCode()).as(second.err()).isZero();
        // a crash after step 4 was logged but before its checkpoint: the resumed run drops and redoes that line
        Files.writeString(split.resolve("metrics.jsonl"), "{\"step\": 4, \"loss\": 123.0}\n{\"step\": 5, \"lo",
                java.nio.file.StandardOpenOption.APPEND);
        CliRun third = grpo(split, "--resume");
        assertThat(third.exitCode()).as(third.err()).isZero();

        assertThat(sameBytes(split.resolve("checkpoint-5/train_state.safetensors"), straight.resolve("checkpoint-5/train_state.safetensors")))
                .as("float64 weights and AdamW moments after step 5").isTrue();
        assertThat(sameBytes(split.resolve("model/model.safetensors"), straight.resolve("model/model.safetensors"))).isTrue();
        assertThat(sameBytes(straight.resolve("model/model.safetensors"), model.resolve("model.safetensors")))
                .as("the run trained the policy").isFalse();
        List<JsonNode> metrics = linesWithoutTimings(straight.resolve("metrics.jsonl"));
        assertThat(metrics).hasSize(5);
        assertThat(linesWithoutTimings(split.resolve("metrics.jsonl"))).isEqualTo(metrics);
        assertThat(metrics.stream().map(m -> m.get("loss").asDouble()).distinct().count()).as("steps differ").isGreaterThan(1);
        assertThat(Files.readAllLines(split.resolve("rollouts.jsonl"))).isEqualTo(Files.readAllLines(straight.resolve("rollouts.jsonl")));

        JsonNode sa = JSON.readTree(a.out());
        JsonNode sb = JSON.readTree(third.out());
        for (String f : List.of("steps", "final_loss", "first_reward_mean", "last_reward_mean", "rollout_tokens", "tokens")) {
            assertThat(sb.get(f)).as(f).isEqualTo(sa.get(f));
        }
        assertThat(sb.get("steps").asLong()).isEqualTo(5);
    }

    @Test
    void aResumeThatCannotContinueTheRunIsOneErrorLine() throws Exception {
        setUp();
        Path out = tmp.resolve("run");
        CliRun first = grpo(out, "--stop-at", "1");
        assertThat(first.exitCode()).as(first.err()).isZero();

        assertOneError(grpo(out), "already holds a training run (metrics.jsonl); pass --resume");
        assertOneError(grpo(out, "--resume", "--group", "4"), "--resume with other settings than the run was started with (group 3 -> 4)");
        assertOneError(grpo(out, "--resume", "--reward", "math"), "(rewards [");
        assertOneError(grpo(out, "--resume", "--seed", "7"), "(seed ");

        Files.copy(out.resolve("run.json"), tmp.resolve("run.json.saved"));
        ObjectNode record = (ObjectNode) JSON.readTree(out.resolve("run.json").toFile());
        record.remove("job");
        Files.writeString(out.resolve("run.json"), record.toString());
        assertOneError(grpo(out, "--resume"), "holds another kind of run");
        Files.delete(out.resolve("run.json"));
        assertOneError(grpo(out, "--resume"), "has a checkpoint but no run.json");
        Files.copy(tmp.resolve("run.json.saved"), out.resolve("run.json"));

        Files.writeString(out.resolve("latest"), "checkpoint-9");
        assertOneError(grpo(out, "--resume"), "latest names checkpoint 'checkpoint-9', which is not a directory");
        Files.writeString(out.resolve("latest"), "checkpoint-1");
        Path trainer = out.resolve("checkpoint-1/trainer.json");
        String saved = Files.readString(trainer);
        Files.writeString(trainer, "{\"step\": 1, \"data\": \"{\\\"seed\\\": 3}\"}");
        assertOneError(grpo(out, "--resume"), "not a GRPO checkpoint");
        Files.writeString(trainer, "{\"step\": ");
        assertOneError(grpo(out, "--resume"), "not a checkpoint's trainer.json");
        Files.writeString(trainer, saved);
        Files.move(out.resolve("checkpoint-1/train_state.safetensors"), tmp.resolve("state.saved"));
        assertOneError(grpo(out, "--resume"), "not a training checkpoint (no train_state.safetensors)");
        Files.move(tmp.resolve("state.saved"), out.resolve("checkpoint-1/train_state.safetensors"));

        // repaired: it resumes, and the steps change is allowed (a warning: the schedule is reshaped)
        CliRun resumed = grpo(out, "--resume", "--steps", "2");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(JSON.readTree(resumed.out()).get("steps").asLong()).isEqualTo(2);
        assertThat(Files.readAllLines(out.resolve("metrics.jsonl"))).hasSize(2);
    }

    private static boolean sameBytes(Path a, Path b) throws Exception {
        return java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    private static void assertOneError(CliRun r, String message) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("error: ").contains(message).doesNotContain("\tat ");
        assertThat(r.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
    }
}
