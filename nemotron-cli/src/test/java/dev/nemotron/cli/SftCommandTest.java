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

/** {@code nemotron sft} end to end on a tiny model: a run, bit-identical resume, bad lines. */
class SftCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A freshly initialised model with the 2k BPE beside it, and 40 chat lines (reasoning, multi-turn, tools). */
    Path model() throws Exception {
        return TinyChatModel.create(tmp);
    }

    Path data(String... extra) throws Exception {
        return data(tmp, extra);
    }

    /** {@code dir/chat.jsonl}: 40 chat lines (reasoning, multi-turn, tools), then {@code extra}. */
    static Path data(Path dir, String... extra) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int a = i % 9;
            int b = (i * 7) % 9;
            lines.add(switch (i % 4) {
                case 0 -> "{\"messages\": [{\"role\": \"user\", \"content\": \"What is " + a + " + " + b + "?\"}, {\"role\": \"assistant\", "
                        + "\"content\": \"" + (a + b) + "\", \"reasoning_content\": \"Add " + a + " and " + b + ". The answer is " + (a + b) + ".\"}]}";
                case 1 -> "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi " + i
                        + "\"}, {\"role\": \"assistant\", \"content\": \"<think>A greeting.</think>Hello.\"}, {\"role\": \"user\", "
                        + "\"content\": \"Bye\"}, {\"role\": \"assistant\", \"content\": \"Goodbye " + i + ".\"}]}";
                case 2 -> "{\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"add\", \"parameters\": {}}}], \"messages\": ["
                        + "{\"role\": \"user\", \"content\": \"Add " + a + " and " + b + "\"}, {\"role\": \"assistant\", \"content\": \"\", "
                        + "\"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"add\", \"arguments\": "
                        + "\"{\\\"a\\\": " + a + "}\"}}]}, {\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\": \"" + (a + b)
                        + "\"}, {\"role\": \"assistant\", \"content\": \"It is " + (a + b) + ".\"}]}";
                default -> "{\"messages\": [{\"role\": \"user\", \"content\": \"Say " + i + "\"}, {\"role\": \"assistant\", \"content\": \"" + i + "\"}]}";
            });
        }
        lines.addAll(List.of(extra));
        return Files.write(dir.resolve("chat.jsonl"), lines);
    }

    @Test
    void fineTunesATinyModelOnChatJsonl() throws Exception {
        Path model = model();
        Path data = data();
        CliRun r = CliRun.of("sft", "--init-model", model.toString(), "--data", data.toString(), "--steps", "4", "--seq-len", "512",
                "--batch", "2", "--lr", "1e-2", "--truncate-trace", "2:4", "--eval-fraction", "0.1", "--out", tmp.resolve("run").toString(),
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("steps").asLong()).isEqualTo(4);
        assertThat(o.has("eval_loss")).isTrue();
        JsonNode d = JSON.readTree(tmp.resolve("run/sft_data.json").toFile());
        assertThat(d.get("conversations").asLong()).isEqualTo(40);
        // one sample per assistant turn (multi-turn and tool conversations have two), minus the held-out ones
        assertThat(d.get("samples").asLong() + d.get("held_out_samples").asLong()).isEqualTo(60);
        assertThat(d.get("rows").asLong()).isLessThan(d.get("samples").asLong()); // packed
        assertThat(tmp.resolve("run/model/model.safetensors")).exists();
        assertThat(tmp.resolve("run/model/tokenizer.json")).exists();
        assertThat(tmp.resolve("run/loss.png")).exists();
        assertThat(Files.readAllLines(tmp.resolve("run/metrics.jsonl"))).hasSize(4);
        assertThat(r.err()).contains("step 4/4");

        CliRun unpacked = CliRun.of("sft", "--init-model", model.toString(), "--data", data.toString(), "--steps", "1", "--seq-len",
                "512", "--batch", "2", "--no-pack", "--out", tmp.resolve("unpacked").toString(), "--json");
        assertThat(unpacked.exitCode()).as(unpacked.err()).isZero();
        JsonNode u = JSON.readTree(unpacked.out());
        assertThat(u.get("rows").asLong()).isEqualTo(u.get("samples").asLong()).isEqualTo(60);
    }

    @Test
    void eightStepsStraightEqualFourStoppedPlusFourResumed() throws Exception {
        Path model = model();
        Path data = data();
        List<String> common = List.of("sft", "--init-model", model.toString(), "--data", data.toString(), "--steps", "8", "--seq-len",
                "512", "--batch", "4", "--lr", "1e-2", "--threads", "2", "--truncate-trace", "2:6", "--json");
        CliRun straight = CliRun.of(concat(common, "--out", tmp.resolve("a").toString()));
        assertThat(straight.exitCode()).as(straight.err()).isZero();
        CliRun first = CliRun.of(concat(common, "--out", tmp.resolve("b").toString(), "--stop-at", "4"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        CliRun second = CliRun.of(concat(common, "--out", tmp.resolve("b").toString(), "--resume"));
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(Files.readAllBytes(tmp.resolve("b/model/model.safetensors")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("a/model/model.safetensors")));
        List<String> a = Files.readAllLines(tmp.resolve("a/metrics.jsonl"));
        List<String> b = Files.readAllLines(tmp.resolve("b/metrics.jsonl"));
        assertThat(b).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(JSON.readTree(b.get(i)).get("loss")).isEqualTo(JSON.readTree(a.get(i)).get("loss"));
        }
        // the 8 steps x 4 rows pass an epoch boundary (a new seeded order)
        assertThat(JSON.readTree(tmp.resolve("a/sft_data.json").toFile()).get("rows").asLong()).isLessThan(32);
    }

    @Test
    void aBadLineIsOneErrorNamingFileAndLineOrSkippedAndCounted() throws Exception {
        Path model = model();
        Path data = data("{\"messages\": [{\"role\": \"user\", \"content\": \"no answer\"}]}", "not json",
                "{\"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]}");
        CliRun r = CliRun.of("sft", "--init-model", model.toString(), "--data", data.toString(), "--steps", "1", "--seq-len", "128",
                "--out", tmp.resolve("bad").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + data + ":41: no assistant turn").doesNotContain("\tat ");
        assertThat(r.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);

        CliRun skip = CliRun.of("sft", "--init-model", model.toString(), "--data", data.toString(), "--steps", "1", "--seq-len", "128",
                "--skip-bad", "--out", tmp.resolve("skip").toString(), "--json");
        assertThat(skip.exitCode()).as(skip.err()).isZero();
        assertThat(JSON.readTree(skip.out()).get("bad_lines_skipped").asLong()).isEqualTo(3);
        assertThat(skip.err()).contains("skipped 3 bad line(s)");

        CliRun range = CliRun.of("sft", "--init-model", model.toString(), "--data", data.toString(), "--steps", "1",
                "--truncate-trace", "9:3", "--out", tmp.resolve("range").toString());
        assertThat(range.exitCode()).isEqualTo(2);
        assertThat(range.err()).contains("truncate_trace must be MIN:MAX").doesNotContain("\tat ");
    }

    private static String[] concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }
}
