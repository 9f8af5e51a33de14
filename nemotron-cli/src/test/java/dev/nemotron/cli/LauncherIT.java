package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Launches the real command, {@code java --module-path target/lib --add-modules ALL-MODULE-PATH
 * -m dev.nemotron.cli/...}, as ./nemotron does: surefire's test class path can hide a broken
 * module path (a missing {@code requires}, {@code opens} or service binding), this cannot.
 */
class LauncherIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void inspectForwardAndBackendsRunOnTheModulePath(@TempDir Path tmp) throws Exception {
        ModulePathLauncher.Result inspect = ModulePathLauncher.run("inspect", CliRun.repoRoot().resolve("examples/configs/nemotron-nano-9b-v2").toString(),
                "--context", "131072", "--json");
        assertThat(inspect.code()).as(inspect.err()).isZero();
        assertThat(JSON.readTree(inspect.out()).get("parameters").asLong()).isEqualTo(8_888_227_328L);

        Path out = tmp.resolve("o.safetensors");
        ModulePathLauncher.Result fwd = ModulePathLauncher.run("forward", "--model", CliRun.fixture("tiny-nemotron-h-a").toString(), "--ids", "5,17,42",
                "--out", out.toString(), "--hidden");
        assertThat(fwd.code()).as(fwd.err()).isZero();
        JsonNode o = JSON.readTree(fwd.out());
        assertThat(o.get("tokens").asInt()).isEqualTo(3);
        assertThat(o.get("hidden_states").asInt()).isEqualTo(11);
        assertThat(out).exists();

        ModulePathLauncher.Result backends = ModulePathLauncher.run("backends", "--json");
        assertThat(backends.code()).isZero();
        assertThat(JSON.readTree(backends.out()).findValuesAsText("name")).contains("java", "java-reference", "cuda");
        // on the real module path the CUDA plugin is found, has native access, and says why it cannot run here
        assertThat(backends.out()).doesNotContain("denies native access");
        // logs and warnings go to stderr; stdout holds JSON alone
        assertThat(backends.out().strip()).startsWith("[");
    }

    @Test
    void serveAnswersOverHttpAndStopsOnSigterm() throws Exception {
        serve(List.of(), "(weights stored, KV cache f32) listening on");
    }

    /** Q8_0 weights and a BF16 KV cache through the HTTP endpoint: the greedy ids of generate with the same flags. */
    @Test
    void serveWithQ8WeightsAndBf16CacheAnswersAsGenerateDoes() throws Exception {
        CliRun gen = CliRun.of("generate", "--model", CliRun.fixture("tiny-nemotron-h-a").toString(), "--prompt-ids", "5,17,42",
                "--greedy", "--max-new-tokens", "4", "--weights", "q8_0", "--kv-cache", "bf16", "--json");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        JsonNode ids = JSON.readTree(gen.out()).get("output_ids");
        assertThat(ids).as(gen.out()).hasSize(4);
        JsonNode served = serve(List.of("--weights", "q8_0", "--kv-cache", "bf16"), "(weights q8_0, KV cache bf16) listening on");
        assertThat(served).isEqualTo(ids);
    }

    /** Starts serve with {@code extra}, checks its log names {@code types}, returns the greedy ids of one completion. */
    private static JsonNode serve(List<String> extra, String types) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("serve", "--model", CliRun.fixture("tiny-nemotron-h-a").toString(), "--port", "0",
                "--served-model-name", "tiny", "--cache-budget-mib", "64"));
        args.addAll(extra);
        List<String> cmd = ModulePathLauncher.command(args.toArray(String[]::new));
        Process p = new ProcessBuilder(cmd).start();
        try {
            java.io.BufferedReader err = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            String url = null;
            StringBuilder seen = new StringBuilder();
            for (String line; url == null && (line = err.readLine()) != null; ) {
                seen.append(line).append('\n');
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("listening on (http://\\S+)").matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
            }
            assertThat(url).as(seen.toString()).isNotNull();
            assertThat(seen.toString()).contains(types);
            Thread.ofVirtual().start(() -> {
                try {
                    err.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            JsonNode health = JSON.readTree(http(url + "/health", null));
            assertThat(health.get("status").asText()).isEqualTo("ok");
            JsonNode models = JSON.readTree(http(url + "/v1/models", null));
            assertThat(models.get("data").get(0).get("id").asText()).isEqualTo("tiny");
            JsonNode completion = JSON.readTree(http(url + "/v1/completions",
                    "{\"model\":\"tiny\",\"prompt\":[5,17,42],\"max_tokens\":4,\"temperature\":0}"));
            assertThat(completion.get("choices").get(0).get("token_ids")).hasSize(4);
            p.destroy();   // SIGTERM: the shutdown hook closes server and engine
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return completion.get("choices").get(0).get("token_ids");
        } finally {
            p.destroyForcibly();
        }
    }

    private static String http(String url, String postBody) throws IOException {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create(url).toURL().openConnection();
        if (postBody != null) {
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            c.getOutputStream().write(postBody.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(c.getResponseCode()).isEqualTo(200);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void badInputGivesOneErrorLineAndExitCode2(@TempDir Path tmp) throws Exception {
        ModulePathLauncher.Result r = ModulePathLauncher.run("inspect", tmp.resolve("missing").toString());
        assertThat(r.code()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("error: ");
    }

    /**
     * The ./nemotron script itself: the JVM's "WARNING: Using incubator modules" line is dropped
     * (NEMOTRON_SHOW_INCUBATOR_WARNING=1 keeps it), so a usage error is exactly one line.
     */
    @Test
    void theScriptDropsTheIncubatorWarningAndKeepsTheErrorLine(@TempDir Path tmp) throws Exception {
        ScriptRun quiet = script(false, "forward", "--ids", "1");
        assertThat(quiet.code()).isEqualTo(2);
        assertThat(quiet.err().lines().toList()).as(quiet.err()).hasSize(1)
                .allSatisfy(l -> assertThat(l).startsWith("error: Missing required option").endsWith("; see 'nemotron forward --help'"));

        ScriptRun loud = script(true, "inspect", tmp.resolve("missing").toString());
        assertThat(loud.code()).isEqualTo(2);
        assertThat(loud.err().lines().toList()).as(loud.err()).hasSize(2)
                .first().isEqualTo("WARNING: Using incubator modules: jdk.incubator.vector");

        ScriptRun ok = script(false, "inspect", CliRun.repoRoot().resolve("examples/configs/tiny-hybrid").toString(), "--json");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.err()).doesNotContain("WARNING: Using incubator modules");
        assertThat(JSON.readTree(ok.out()).get("parameters").asLong()).isPositive();
    }

    private record ScriptRun(int code, String out, String err) {
    }

    private static ScriptRun script(boolean showWarning, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(CliRun.repoRoot().resolve("nemotron").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("NEMOTRON_SKIP_BUILD", "1");
        pb.environment().put("JAVA_HOME", Path.of(System.getProperty("nemotron.java")).getParent().getParent().toString());
        if (showWarning) {
            pb.environment().put("NEMOTRON_SHOW_INCUBATOR_WARNING", "1");
        }
        Process p = pb.start();
        p.getOutputStream().close();
        var err = new java.util.concurrent.CompletableFuture<byte[]>();
        Thread.ofVirtual().start(() -> {
            try {
                err.complete(p.getErrorStream().readAllBytes());
            } catch (IOException e) {
                err.completeExceptionally(e);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new ScriptRun(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err.get(120, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }
}
