package dev.nemotron.infer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.testing.node.NodeProcess;
import dev.nemotron.testing.node.NodeProcess.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        String missing = NodeProcess.unavailable();
        Assumptions.assumeTrue(missing == null, () -> missing + ": skipping the openai npm client test");
        Path work = NodeProcess.prepare(Path.of(System.getProperty("nemotron.node.dir", "src/test/node")),
                Path.of(System.getProperty("nemotron.node.work", "target/node-test")),
                List.of("package.json", "package-lock.json", "openai.test.mjs", "openai-tools.test.mjs"));
        Result installed = NodeProcess.install(work, Map.of(), 600, "--no-audit", "--no-fund");
        if (installed != null && installed.code() != 0) {
            fail("npm ci failed (exit " + installed.code() + "); the openai client could not be installed:\n" + installed.output());
        }

        try (TestServer t = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 2, false, 0),
                new EngineConfig(8, 16, 1L << 30), 4096, ServerConfig.defaults().withApiKey(KEY))) {
            Result r = NodeProcess.run(work, Map.of("NEMOTRON_BASE_URL", t.server.baseUri().toString(), "NEMOTRON_API_KEY", KEY,
                    "NEMOTRON_MODEL", TestServer.MODEL), 180, "node", "--test", "openai.test.mjs");
            assertThat(r.code()).as("node --test failed:\n%s", r.output()).isZero();
            assertThat(r.output()).contains("# pass 7").contains("# fail 0");
        }
        String call = "<TOOLCALL>[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]</TOOLCALL>";
        try (TestServer t = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 1, false, 0, call),
                new EngineConfig(8, 16, 1L << 30), 4096, ServerConfig.defaults().withApiKey(KEY))) {
            Result r = NodeProcess.run(work, Map.of("NEMOTRON_BASE_URL", t.server.baseUri().toString(), "NEMOTRON_API_KEY", KEY,
                    "NEMOTRON_MODEL", TestServer.MODEL), 180, "node", "--test", "openai-tools.test.mjs");
            assertThat(r.code()).as("node --test (tools) failed:\n%s", r.output()).isZero();
            assertThat(r.output()).contains("# pass 3").contains("# fail 0");
        }
    }




}
