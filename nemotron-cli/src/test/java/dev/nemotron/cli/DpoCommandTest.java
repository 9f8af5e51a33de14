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
 * {@code nemotron dpo} and {@code nemotron align make-pairs} end to end on a tiny model with the
 * 2k BPE: metrics.jsonl with the DPO fields (step 1's loss exactly log 2: the reference is the
 * init model), an HF model directory, bit-identical resume, bad lines, and pairs made by sampling
 * with the engine and scoring with the math reward.
 */
class DpoCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path model() throws Exception {
        return TinyChatModel.create(tmp);
    }

    /** 24 pairs in every accepted form: prompt or messages; strings, messages, one-message arrays, reasoning. */
    Path pairs(String... extra) throws Exception {
        return pairs(tmp, extra);
    }

    /** {@code dir/pairs.jsonl}: the 24 pairs, then {@code extra}. */
    static Path pairs(Path dir, String... extra) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int a = i % 9;
            int b = (i * 7) % 9;
            String q = "What is " + a + " + " + b + "?";
            lines.add(switch (i % 3) {
                case 0 -> "{\"prompt\": \"" + q + "\", \"chosen\": \"" + (a + b) + "\", \"rejected\": \"" + (a + b + 1) + "\"}";
                case 1 -> "{\"messages\": [{\"role\": \"system\", \"content\": \"Be exact.\"}, {\"role\": \"user\", \"content\": \"" + q
                        + "\"}], \"chosen\": {\"role\": \"assistant\", \"content\": \"" + (a + b) + "\", \"reasoning_content\": \"Add "
                        + a + " and " + b + ".\"}, \"rejected\": {\"content\": \"<think>Guess.</think>" + (a * b + 3) + "\"}}";
                default -> "{\"prompt\": \"" + q + "\", \"chosen\": [{\"role\": \"assistant\", \"content\": \"It is " + (a + b)
                        + ".\"}], \"rejected\": [{\"role\": \"assistant\", \"content\": \"No idea.\"}]}";
            });
        }
        lines.addAll(List.of(extra));
        return Files.write(dir.resolve("pairs.jsonl"), lines);
    }

    @Test
    void trainsOnPairsWritingDpoMetricsAndAnHfModel() throws Exception {
        Path model = model();
        Path data = pairs();
        CliRun r = CliRun.of("dpo", "--init-model", model.toString(), "--data", data.toString(), "--steps", "6", "--seq-len", "128",
                "--batch", "4", "--lr", "2e-2", "--schedule", "constant", "--warmup", "0", "--threads", "2",
                "--out", tmp.resolve("run").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("steps").asLong()).isEqualTo(6);
        assertThat(o.get("pairs").asLong()).isEqualTo(24);
        List<String> lines = Files.readAllLines(tmp.resolve("run/metrics.jsonl"));
        assertThat(lines).hasSize(6);
        JsonNode first = JSON.readTree(lines.getFirst());
        for (String f : List.of("step", "loss", "lr", "tokens", "reward_accuracy", "reward_margin", "chosen_logp", "rejected_logp")) {
            assertThat(first.has(f)).as(f).isTrue();
        }
        // step 1 is computed before any update: policy = reference, every pair's loss is log 2
        assertThat(first.get("loss").asDouble()).isEqualTo(Math.log(2));
        assertThat(first.get("reward_margin").asDouble()).isZero();
        assertThat(first.get("chosen_logp").asDouble()).isLessThan(0);
        JsonNode last = JSON.readTree(lines.getLast());
        assertThat(last.get("loss").asDouble()).isLessThan(Math.log(2));
        assertThat(last.get("reward_margin").asDouble()).isGreaterThan(0);
        // the Hugging Face layout the other commands load
        assertThat(tmp.resolve("run/model/config.json")).exists();
        assertThat(tmp.resolve("run/model/model.safetensors")).exists();
        assertThat(tmp.resolve("run/model/tokenizer.json")).exists();
        assertThat(tmp.resolve("run/loss.png")).exists();
        JsonNode d = JSON.readTree(tmp.resolve("run/dpo_data.json").toFile());
        assertThat(d.get("pairs").asLong()).isEqualTo(24);
        assertThat(d.get("loss").asText()).isEqualTo("sigmoid");
        CliRun inspect = CliRun.of("inspect", tmp.resolve("run/model").toString());
        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
    }

    @Test
    void ipoAndLabelSmoothingRunAndResumeIsBitIdentical() throws Exception {
        Path model = model();
        Path data = pairs();
        List<String> common = List.of("dpo", "--init-model", model.toString(), "--data", data.toString(), "--steps", "4",
                "--seq-len", "128", "--batch", "4", "--lr", "1e-2", "--threads", "2", "--loss", "ipo", "--beta", "0.5", "--json");
        CliRun straight = CliRun.of(concat(common, "--out", tmp.resolve("a").toString()));
        assertThat(straight.exitCode()).as(straight.err()).isZero();
        // IPO at initialisation: (0 - 1 / (2 beta))^2 = 1
        assertThat(JSON.readTree(Files.readAllLines(tmp.resolve("a/metrics.jsonl")).getFirst()).get("loss").asDouble()).isEqualTo(1.0);
        CliRun first = CliRun.of(concat(common, "--out", tmp.resolve("b").toString(), "--stop-at", "2"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        CliRun second = CliRun.of(concat(common, "--out", tmp.resolve("b").toString(), "--resume"));
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(Files.readAllBytes(tmp.resolve("b/model/model.safetensors")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("a/model/model.safetensors")));

        CliRun smooth = CliRun.of("dpo", "--init-model", model.toString(), "--data", data.toString(), "--steps", "1", "--seq-len",
                "128", "--batch", "2", "--label-smoothing", "0.2", "--out", tmp.resolve("s").toString(), "--json");
        assertThat(smooth.exitCode()).as(smooth.err()).isZero();
        assertThat(JSON.readTree(Files.readAllLines(tmp.resolve("s/metrics.jsonl")).getFirst()).get("loss").asDouble())
                .isCloseTo(Math.log(2), org.assertj.core.api.Assertions.within(1e-15));
    }

    @Test
    void aBadLineIsOneErrorNamingFileAndLineOrSkippedAndCounted() throws Exception {
        Path model = model();
        Path data = pairs("{\"prompt\": \"Hi\", \"chosen\": \"Hello\"}", "not json",
                "{\"prompt\": \"Hi\", \"chosen\": {\"role\": \"user\", \"content\": \"x\"}, \"rejected\": \"y\"}");
        CliRun r = CliRun.of("dpo", "--init-model", model.toString(), "--data", data.toString(), "--steps", "1", "--seq-len", "128",
                "--out", tmp.resolve("bad").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + data + ":25: missing 'rejected'").doesNotContain("\tat ");
        assertThat(r.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);

        CliRun skip = CliRun.of("dpo", "--init-model", model.toString(), "--data", data.toString(), "--steps", "1", "--seq-len", "128",
                "--skip-bad", "--out", tmp.resolve("skip").toString(), "--json");
        assertThat(skip.exitCode()).as(skip.err()).isZero();
        assertThat(JSON.readTree(skip.out()).get("bad_lines_skipped").asLong()).isEqualTo(3);
        assertThat(skip.err()).contains("skipped 3 bad line(s)");

        CliRun beta = CliRun.of("dpo", "--init-model", model.toString(), "--data", data.toString(), "--steps", "1", "--beta", "-1",
                "--out", tmp.resolve("beta").toString());
        assertThat(beta.exitCode()).isEqualTo(2);
        assertThat(beta.err()).contains("beta must be a positive number").doesNotContain("\tat ");

        CliRun noInit = CliRun.of("dpo", "--model-config", tmp.resolve("config.json").toString(), "--data", data.toString(),
                "--steps", "1", "--out", tmp.resolve("noinit").toString());
        assertThat(noInit.exitCode()).isEqualTo(2);
        assertThat(noInit.err()).contains("DPO needs 'init_model' (--init-model DIR)").doesNotContain("\tat ");

        // --backend: the DPO loss runs on a device's token log-probs; 'java' has no training facet
        CliRun device = CliRun.of("dpo", "--init-model", model.toString(), "--data", data.toString(), "--steps", "1",
                "--skip-bad", "--backend", "java", "--out", tmp.resolve("device").toString());
        assertThat(device.exitCode()).isEqualTo(2);
        assertThat(device.err()).contains("error: backend 'java' does not train on a device").doesNotContain("\tat ");
        assertThat(device.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
    }

    @Test
    void makePairsSamplesScoresWithTheMathRewardAndWritesPairsDpoReads() throws Exception {
        Path model = model();
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            prompts.add("{\"messages\": [{\"role\": \"user\", \"content\": \"What is " + i + " + 1?\"}, {\"role\": \"assistant\", "
                    + "\"content\": \"" + (i + 1) + "\"}], \"answer\": \"" + (i + 1) + "\"}");
        }
        Path file = Files.write(tmp.resolve("prompts.jsonl"), prompts);
        Path out = tmp.resolve("made.jsonl");
        CliRun r = CliRun.of("align", "make-pairs", "--model", model.toString(), "--prompts", file.toString(), "--reward", "math",
                "--samples", "3", "--max-tokens", "8", "--seed", "5", "--out", out.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode c = JSON.readTree(r.out());
        assertThat(c.get("prompts").asLong()).isEqualTo(6);
        assertThat(c.get("samples").asLong()).isEqualTo(18);
        assertThat(c.get("pairs").asLong() + c.get("ties_dropped").asLong()).isEqualTo(6);
        assertThat(Files.readAllLines(out)).hasSize(c.get("pairs").asInt());
        // the same seed gives the same file
        Path again = tmp.resolve("again.jsonl");
        CliRun r2 = CliRun.of("align", "make-pairs", "--model", model.toString(), "--prompts", file.toString(), "--reward", "math",
                "--samples", "3", "--max-tokens", "8", "--seed", "5", "--out", again.toString(), "--json");
        assertThat(r2.exitCode()).as(r2.err()).isZero();
        assertThat(Files.readString(again)).isEqualTo(Files.readString(out));

        CliRun unknown = CliRun.of("align", "make-pairs", "--model", model.toString(), "--prompts", file.toString(), "--reward",
                "nosuch", "--out", out.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no reward named 'nosuch'").contains("math").doesNotContain("\tat ");
        CliRun badOption = CliRun.of("align", "make-pairs", "--model", model.toString(), "--prompts", file.toString(), "--reward",
                "math:bogus=1", "--out", out.toString());
        assertThat(badOption.exitCode()).isEqualTo(2);
        assertThat(badOption.err()).contains("reward 'math': unknown option(s) bogus").doesNotContain("\tat ");
    }

    private static String[] concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }
}
