package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nemotron data tokenize} and {@code data inspect} on the real module path with the flags
 * of ./nemotron (Arrow needs java.nio opened to its memory module and the unsafe allocator
 * module resolved): surefire's class path could hide a missing flag, this cannot.
 */
class DataLauncherIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tokenizeAndInspectRunOnTheModulePath(@TempDir Path tmp) throws Exception {
        Path text = Files.writeString(tmp.resolve("a.txt"), "Hello, world!\n\nSecond document.\n");
        Path out = tmp.resolve("ds");
        Path tok = CliRun.repoRoot().resolve("nemotron-testing/src/main/resources/fixtures/tokenizer-bpe");
        ModulePathLauncher.Result t = ModulePathLauncher.run("data", "tokenize", "--tokenizer", tok.toString(), "--out", out.toString(), "--text", text.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.err()).as("no warnings (SLF4J, Unsafe)").doesNotContain("SLF4J").doesNotContain("WARNING: sun.misc.Unsafe");
        ModulePathLauncher.Result i = ModulePathLauncher.run("data", "inspect", out.toString(), "--json");
        assertThat(i.code()).as(i.err()).isZero();
        assertThat(JSON.readTree(i.out()).get("documents").asInt()).isEqualTo(2);
    }
}
