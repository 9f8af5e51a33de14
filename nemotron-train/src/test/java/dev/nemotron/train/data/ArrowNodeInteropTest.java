package dev.nemotron.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nemotron.testing.node.NodeProcess;
import dev.nemotron.testing.node.NodeProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        String missing = NodeProcess.unavailable();
        Assumptions.assumeTrue(missing == null, () -> missing + ": skipping the apache-arrow interop test");
        Path work = NodeProcess.prepare(Path.of(System.getProperty("nemotron.data.node.dir", "src/test/node")),
                Path.of(System.getProperty("nemotron.data.node.work", "target/node-data-test")),
                List.of("package.json", "package-lock.json", "arrow.test.mjs"));
        Result installed = NodeProcess.install(work, Map.of(), 600, "--no-audit", "--no-fund");
        if (installed != null && installed.code() != 0) {
            fail("npm ci failed (exit " + installed.code() + "); apache-arrow could not be installed:\n" + installed.output());
        }

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

        Result r = NodeProcess.run(work, Map.of("NEMOTRON_DATASET", dataset.toString(), "NEMOTRON_EXPECTED", expectedFile.toString()),
                180, "node", "--test", "arrow.test.mjs");
        assertThat(r.code()).as("node --test failed:\n%s", r.output()).isZero();
        assertThat(r.output()).contains("# pass 3").contains("# fail 0");
    }




}
