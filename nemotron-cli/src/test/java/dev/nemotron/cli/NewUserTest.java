package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a new user meets it: a missing, unknown or invalid option, a wrong-case
 * dtype, a file where a model directory belongs. Each is one {@code error:} line that names the
 * problem and points at {@code nemotron CMD --help}, exit code 2, nothing on stdout.
 */
class NewUserTest {
    @TempDir
    Path tmp;

    private static String usageError(CliRun r, String command) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("error: ").endsWith("; see '" + command + " --help'")
                .doesNotContain("Usage:").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
        return lines.get(0);
    }

    @Test
    void aMissingRequiredOptionIsOneLine() {
        assertThat(usageError(CliRun.of("forward"), "nemotron forward")).contains("Missing required option").contains("--model");
    }

    @Test
    void anUnknownOptionIsOneLineWithASuggestion() {
        String line = usageError(CliRun.of("backends", "--jsn"), "nemotron backends");
        assertThat(line).contains("Unknown option: '--jsn'").contains("did you mean '--json'?");
    }

    @Test
    void anInvalidNumberIsOneLine() {
        String line = usageError(CliRun.of("gradcheck", "--model-config", "x.json", "--seq-len", "ten"), "nemotron gradcheck");
        assertThat(line).contains("--seq-len").contains("'ten'");
    }

    @Test
    void aCommandsOwnUsageErrorIsOneLineToo() {
        assertThat(usageError(CliRun.of("gradcheck"), "nemotron gradcheck")).contains("give exactly one of --model-config and --model");
    }

    @Test
    void noSubcommandNamesTheSubcommands() {
        assertThat(usageError(CliRun.of(), "nemotron")).contains("missing subcommand: one of inspect, forward, init");
        assertThat(usageError(CliRun.of("eval"), "nemotron eval")).contains("missing subcommand: one of run, budget-sweep")
                .contains("ruler-generate");
    }

    @Test
    void dtypeIsCaseInsensitiveAndListsOnlyTheAcceptedTypes() throws Exception {
        Path config = CliRun.fixture("tiny-nemotron-h-a").resolve("config.json");
        CliRun lower = CliRun.of("init", "--config", config.toString(), "--out", tmp.resolve("m").toString(), "--dtype", "bf16");
        assertThat(lower.exitCode()).as(lower.err()).isZero();
        assertThat(new ObjectMapper().readTree(lower.out()).get("dtype").asText()).isEqualTo("BF16");

        String line = usageError(CliRun.of("init", "--config", config.toString(), "--out", tmp.resolve("n").toString(),
                "--dtype", "f64"), "nemotron init");
        assertThat(line).contains("F32, BF16, F16").doesNotContain("I64").doesNotContain("F8");
        CliRun help = CliRun.of("init", "--help");
        assertThat(help.out()).contains("F32, BF16, F16");
    }

    @Test
    void aFileWhereAModelDirectoryBelongsSaysSo() throws Exception {
        Path model = CliRun.fixture("tiny-nemotron-h-a");
        Path weights = model.resolve("model.safetensors");
        String line = usageError(CliRun.of("forward", "--model", weights.toString(), "--ids", "1,2",
                "--out", tmp.resolve("o.safetensors").toString()), "nemotron forward");
        assertThat(line).contains("--model").contains("is a file, but a model directory is expected")
                .contains("did you mean " + model).doesNotContain("header");
        // the same check behind every option that names a model directory
        Path file = Files.writeString(tmp.resolve("notes.txt"), "hello");
        for (List<String> args : List.of(
                List.of("generate", "--model", file.toString(), "--prompt-ids", "1"),
                List.of("chat", "--model", file.toString()),
                List.of("serve", "--model", file.toString()),
                List.of("bench", "--model", file.toString(), "--isl", "4", "--osl", "4", "--batch", "1"),
                List.of("gradcheck", "--model", file.toString()),
                List.of("eval", "run", "--model", file.toString(), "--tasks", "arithmetic"),
                List.of("pretrain", "--init-model", file.toString(), "--data", file.toString(), "--steps", "1",
                        "--out", tmp.resolve("p").toString()))) {
            String command = "nemotron " + (args.get(0).equals("eval") ? "eval run" : args.get(0));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(usageError(r, command)).as(args.toString()).contains("notes.txt is a file, but a model directory is expected");
        }
    }
}
