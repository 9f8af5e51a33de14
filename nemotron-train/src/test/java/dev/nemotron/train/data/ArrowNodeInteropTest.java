package dev.nemotron.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another Arrow implementation reads our shards: the {@code apache-arrow} npm package
 * (src/test/node, version pinned in package.json and package-lock.json) is installed with
 * {@code npm ci} into target/node-data-test (kept while the lock file does not change), then
 * {@code node --test arrow.test.mjs} reads a dataset written here. Skipped only when {@code node}
 * or {@code npm} is missing; a failing {@code npm ci} or check fails the build.
 */
class ArrowNodeInteropTest {
    @TempDir
    Path tmp;

    @Test
    void theApacheArrowNpmPackageReadsOurShards() throws Exception {
        Assumptions.assumeTrue(runs("node", "--version"), "node not found on PATH: skipping the apache-arrow interop test");
        Assumptions.assumeTrue(runs("npm", "--version"), "npm not found on PATH: skipping the apache-arrow interop test");
        Path source = Path.of(System.getProperty("nemotron.data.node.dir", "src/test/node"));
        Path work = Path.of(System.getProperty("nemotron.data.node.work", "target/node-data-test"));
        Files.createDirectories(work);
        for (String file : List.of("package.json", "package-lock.json", "arrow.test.mjs")) {
            Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        installDependencies(work);

        List<int[]> docs = Fixtures.randomDocs(99, 120, 80, 0);
        docs.set(5, new int[] {Integer.MAX_VALUE, 0, 1 << 20}); // full int32 range survives (vocab unchecked below)
        WriterOptions o = new WriterOptions("interop", "test-ids", 0, 2, 1500, 200);
        Path dataset = tmp.resolve("ds");
        try (DatasetWriter w = DatasetWriter.create(dataset, o, Fixtures.CODE_POINTS)) {
            for (int[] d : docs) {
                w.addDocument("interop", d);
            }
            w.finish();
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name", "interop");
        expected.put("vocab_size", 0);
        expected.put("documents", docs);
        Path expectedFile = tmp.resolve("expected.json");
        Files.writeString(expectedFile, Json.MAPPER.writeValueAsString(expected));

        Result r = run(work, Map.of("NEMOTRON_DATASET", dataset.toString(), "NEMOTRON_EXPECTED", expectedFile.toString()),
                180, "node", "--test", "arrow.test.mjs");
        assertThat(r.code()).as("node --test failed:\n%s", r.output()).isZero();
        assertThat(r.output()).contains("# pass 3").contains("# fail 0");
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
            fail("npm ci failed (exit " + r.code() + "); apache-arrow could not be installed:\n" + r.output());
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
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
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
