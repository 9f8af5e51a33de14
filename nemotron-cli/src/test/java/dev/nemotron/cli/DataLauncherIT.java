package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nemotron data tokenize} and {@code data inspect} on the real module path with the flags
 * of ./nemotron (Arrow needs java.nio opened to its memory module and the unsafe allocator
 * module resolved): surefire's class path could hide a missing flag, this cannot.
 */
class DataLauncherIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(int code, String out, String err) {
    }

    private static Result launch(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("nemotron.java"),
                "--add-modules", "jdk.incubator.vector", "--illegal-native-access=deny",
                "--add-opens=java.base/java.nio=org.apache.arrow.memory.core", "--sun-misc-unsafe-memory-access=allow",
                "--add-modules", "org.apache.arrow.memory.unsafe",
                "--module-path", System.getProperty("nemotron.lib"), "--add-modules", "ALL-MODULE-PATH",
                "-m", "dev.nemotron.cli/dev.nemotron.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void tokenizeAndInspectRunOnTheModulePath(@TempDir Path tmp) throws Exception {
        Path text = Files.writeString(tmp.resolve("a.txt"), "Hello, world!\n\nSecond document.\n");
        Path out = tmp.resolve("ds");
        Path tok = CliRun.repoRoot().resolve("nemotron-infer/src/test/resources/fixtures/tokenizer-bpe");
        Result t = launch("data", "tokenize", "--tokenizer", tok.toString(), "--out", out.toString(), "--text", text.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.err()).as("no warnings (SLF4J, Unsafe)").doesNotContain("SLF4J").doesNotContain("WARNING: sun.misc.Unsafe");
        Result i = launch("data", "inspect", out.toString(), "--json");
        assertThat(i.code()).as(i.err()).isZero();
        assertThat(JSON.readTree(i.out()).get("documents").asInt()).isEqualTo(2);
    }
}
