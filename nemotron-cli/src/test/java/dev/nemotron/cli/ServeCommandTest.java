package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
    void badConnectionLimits() {
        String model = CliRun.fixture("tiny-nemotron-h-a").toString();
        CliRun write = CliRun.of("serve", "--model", model, "--write-timeout", "0", "--port", "0");
        assertThat(write.exitCode()).isEqualTo(2);
        assertThat(write.err()).contains("--write-timeout must be in [0.001, 86400] seconds");
        assertThat(CliRun.of("serve", "--model", model, "--max-connections", "0").err()).contains("--max-connections must be >= 1");
        assertThat(CliRun.of("serve", "--model", model, "--header-timeout", "NaN").err()).contains("--header-timeout");
    }

    /** A chat template that recurses without end stops serve at start-up with one error line (not on every request). */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aChatTemplateThatCannotRenderStopsServeAtStartUp(@TempDir Path tmp) throws IOException {
        Path fixture = CliRun.fixture("tiny-nemotron-h-a");
        for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors"}) {
            Files.copy(fixture.resolve(f), tmp.resolve(f));
        }
        Files.copy(dev.nemotron.testing.Fixtures.dir("tokenizer-bpe").resolve("tokenizer.json"),
                tmp.resolve("tokenizer.json"));
        Files.writeString(tmp.resolve("tokenizer_config.json"),
                "{\"chat_template\": \"{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}\"}");
        CliRun r = CliRun.of("serve", "--model", tmp.toString(), "--port", "0");
        assertThat(r.exitCode()).as(r.err()).isNotZero();
        assertThat(r.err().strip()).startsWith("error: ").contains("chat template cannot render a simple conversation")
                .contains("nest deeper than 100").doesNotContain("\tat ").doesNotContain("StackOverflowError");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void badHostRunOptionsAreOneErrorLine() {
        String model = CliRun.fixture("tiny-nemotron-h-a").toString();
        CliRun w = CliRun.of("serve", "--model", model, "--weights", "q4", "--port", "0");
        assertThat(w.exitCode()).isEqualTo(2);
        assertThat(w.err().strip()).isEqualTo("error: --weights must be 'stored' or 'q8_0', got 'q4'");
        CliRun kv = CliRun.of("serve", "--model", model, "--kv-cache", "f16", "--port", "0");
        assertThat(kv.exitCode()).isEqualTo(2);
        assertThat(kv.err().strip()).isEqualTo("error: --kv-cache must be 'f32' or 'bf16', got 'f16'");
    }

    @Test
    void aKvPoolSizeIsCheckedAndRefusedOnAHostBackend() {
        String model = CliRun.fixture("tiny-nemotron-h-a").toString();
        CliRun zero = CliRun.of("serve", "--model", model, "--kv-cache-tokens", "0", "--port", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err().strip()).startsWith("error: --kv-cache-tokens must be >= 1, got 0").doesNotContain("\n");
        CliRun host = CliRun.of("serve", "--model", model, "--kv-cache-tokens", "4096", "--backend", "java", "--port", "0");
        assertThat(host.exitCode()).isNotZero();
        assertThat(host.err().strip()).startsWith("error: --kv-cache-tokens sizes the paged KV cache of a backend that runs whole"
                + " models").contains("'java' runs the model kernel by kernel").doesNotContain("\n");
    }

    @Test
    void helpListsTheOptions() {
        CliRun r = CliRun.of("serve", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--model", "--host", "--port", "--api-key", "--max-batch", "--max-queued",
                "--cache-budget-mib", "--served-model-name", "--backend", "--chat-template", "--max-connections",
                "--header-timeout", "--idle-timeout", "--write-timeout", "--weights", "--kv-cache", "--kv-cache-tokens");
    }
}
