package dev.nemotron.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.export.ExportRequest;
import dev.nemotron.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tools/onnx_check.py} on an export of {@code tiny-nemotron-h-a}: {@code onnx.checker}
 * with {@code full_check} on both graphs, Python {@code onnxruntime}'s prefill logits against the
 * HF golden logits, and decode steps against prefill. Runs with the Python named by
 * {@code $NEMOTRON_PYTHON} (default {@code python3}); skipped, with the reason, when it lacks the
 * {@code onnx}, {@code onnxruntime} or {@code numpy} package.
 */
class OnnxCheckerTest {
    @TempDir
    Path tmp;

    @Test
    void onnxCheckerAndPythonOnnxRuntimeAcceptTheExport() throws Exception {
        String python = System.getenv().getOrDefault("NEMOTRON_PYTHON", "python3");
        Assumptions.assumeTrue(exitCode(python, "-c", "import onnx, onnxruntime, numpy") == 0,
                python + " lacks onnx/onnxruntime/numpy (set NEMOTRON_PYTHON to one that has them): skipping onnx.checker");
        Path out = tmp.resolve("export");
        Path fixture;
        try (TestModels.Opened m = TestModels.open("tiny-nemotron-h-a", 1, 64)) {
            fixture = m.dir();
            new OnnxExporterProvider().export(new ExportRequest(m.dir(), m.artifact(), out, "f32", Map.of()));
        }
        Process p = new ProcessBuilder(python, Fixtures.repoRoot().resolve("tools/onnx_check.py").toString(), out.toString(),
                "--golden", fixture.resolve("golden.safetensors").toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("onnx.checker (full_check): prefill.onnx OK", "onnx.checker (full_check): decode.onnx OK",
                "case2: prefill logits of 37 tokens", "case2: decode step vs prefill").doesNotContain("FAIL");
    }

    private static int exitCode(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
