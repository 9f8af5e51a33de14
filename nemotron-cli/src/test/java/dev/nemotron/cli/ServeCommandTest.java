package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron serve} refuses bad input with one error line and exit code 2 (the happy path runs in LauncherIT). */
class ServeCommandTest {
    @Test
    void missingModelDirectory(@TempDir Path tmp) {
        CliRun r = CliRun.of("serve", "--model", tmp.resolve("missing").toString(), "--port", "0");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: ").contains("not a model directory");
    }

    @Test
    void badOptions() {
        String model = CliRun.fixture("tiny-nemotron-h-a").toString();
        assertThat(CliRun.of("serve", "--model", model, "--port", "70000").err()).contains("--port");
        assertThat(CliRun.of("serve", "--model", model, "--max-batch", "0").err()).contains("--max-batch");
        CliRun template = CliRun.of("serve", "--model", model, "--chat-template", "fancy", "--port", "0");
        assertThat(template.exitCode()).isEqualTo(2);
        assertThat(template.err()).contains("unknown chat template");
    }

    @Test
    void helpListsTheOptions() {
        CliRun r = CliRun.of("serve", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--model", "--host", "--port", "--api-key", "--max-batch", "--max-queued",
                "--cache-budget-mib", "--served-model-name", "--backend", "--chat-template");
    }
}
