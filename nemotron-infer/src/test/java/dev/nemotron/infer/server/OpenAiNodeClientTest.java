package dev.nemotron.infer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nemotron.infer.engine.EngineConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the official {@code openai} npm client (src/test/node, version pinned in package.json and
 * package-lock.json) against a server started here: {@code npm ci} into target/node-test (kept
 * while the lock file does not change), then {@code node --test}. Skipped only when {@code node}
 * or {@code npm} is not installed; a failing {@code npm ci} or test fails the build.
 */
class OpenAiNodeClientTest {
    static final String KEY = "node-test-key";

    @Test
    void theOfficialOpenAiClientTalksToTheServer() throws Exception {
        Assumptions.assumeTrue(runs("node", "--version"), "node not found on PATH: skipping the openai npm client test");
        Assumptions.assumeTrue(runs("npm", "--version"), "npm not found on PATH: skipping the openai npm client test");
        Path source = Path.of(System.getProperty("nemotron.node.dir", "src/test/node"));
        Path work = Path.of(System.getProperty("nemotron.node.work", "target/node-test"));
        Files.createDirectories(work);
        for (String file : List.of("package.json", "package-lock.json", "openai.test.mjs", "openai-tools.test.mjs")) {
            Files.copy(source.resolve(file), work.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        installDependencies(work);

        try (TestServer t = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 2, false, 0),
                new EngineConfig(8, 16, 1L << 30), 4096, ServerConfig.defaults().withApiKey(KEY))) {
            Result r = run(work, Map.of("NEMOTRON_BASE_URL", t.server.baseUri().toString(), "NEMOTRON_API_KEY", KEY,
                    "NEMOTRON_MODEL", TestServer.MODEL), 180, "node", "--test", "openai.test.mjs");
            assertThat(r.code()).as("node --test failed:\n%s", r.output()).isZero();
            assertThat(r.output()).contains("# pass 7").contains("# fail 0");
        }
        String call = "<TOOLCALL>[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]</TOOLCALL>";
        try (TestServer t = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 1, false, 0, call),
                new EngineConfig(8, 16, 1L << 30), 4096, ServerConfig.defaults().withApiKey(KEY))) {
            Result r = run(work, Map.of("NEMOTRON_BASE_URL", t.server.baseUri().toString(), "NEMOTRON_API_KEY", KEY,
                    "NEMOTRON_MODEL", TestServer.MODEL), 180, "node", "--test", "openai-tools.test.mjs");
            assertThat(r.code()).as("node --test (tools) failed:\n%s", r.output()).isZero();
            assertThat(r.output()).contains("# pass 3").contains("# fail 0");
        }
    }

    /** {@code npm ci} unless node_modules was installed from this very lock file. */
    private static void installDependencies(Path work) throws Exception {
        Path stamp = work.resolve("node_modules/.nemotron-lock");
        String lock = Files.readString(work.resolve("package-lock.json"));
        if (Files.exists(stamp) && Files.readString(stamp).equals(lock)) {
            return;
        }
        Result r = run(work, Map.of(), 600, "npm", "ci", "--no-audit", "--no-fund");
        if (r.code() != 0) {
            fail("npm ci failed (exit " + r.code() + "); the openai client could not be installed:\n" + r.output());
        }
        Files.writeString(stamp, lock);
    }

    record Result(int code, String output) {
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Result run(Path dir, Map<String, String> env, int timeoutSeconds, String... command) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " timed out after " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(p.exitValue(), output);
    }
}
