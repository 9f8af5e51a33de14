package dev.nemotron.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.export.ExportRequest;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.layer.dims.AttentionDims;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.backend.onnx.graph.IoNames;
import dev.nemotron.infer.engine.DeviceModels;
import dev.nemotron.infer.engine.LanguageModel;
import dev.nemotron.infer.engine.ModelRuns;
import dev.nemotron.infer.engine.ModelSequence;
import dev.nemotron.infer.engine.RunningModel;
import dev.nemotron.testing.node.NodeProcess;
import dev.nemotron.testing.node.NodeProcess.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export loaded by a runtime no one here wrote: npm {@code onnxruntime-node} 1.30.0 (pinned in
 * src/test/node/package.json and package-lock.json, installed with {@code npm ci} into
 * target/node-test, kept while the lock file does not change) runs {@code prefill.onnx} and one
 * step of {@code decode.onnx} fed with the prefill's caches; the logits must equal the SDK's
 * (HF golden logits for every prompt position, which the SDK matches; the Java backend's for the
 * decode step) within 1e-4. Skipped only when {@code node} or {@code npm} is not installed.
 */
class OnnxRuntimeNodeTest {
    @TempDir
    Path tmp;

    @Test
    void onnxruntimeNodeRunsTheExportWithTheSdksLogits() throws Exception {
        String missing = NodeProcess.unavailable();
        Assumptions.assumeTrue(missing == null, () -> missing + ": skipping the onnxruntime-node test");
        Path work = NodeProcess.prepare(Path.of(System.getProperty("nemotron.node.dir", "src/test/node")),
                Path.of(System.getProperty("nemotron.node.work", "target/node-test")),
                List.of("package.json", "package-lock.json", "onnx.test.mjs"));
        // the CPU binaries come in the package; its install script would fetch the CUDA provider from nuget
        Result installed = NodeProcess.install(work, Map.of("ONNXRUNTIME_NODE_INSTALL", "skip"), 600, "--no-audit", "--no-fund");
        if (installed != null && installed.code() != 0) {
            fail("npm ci failed (exit " + installed.code() + "); onnxruntime-node could not be installed:\n" + installed.output());
        }

        String fixture = "hf-more/g1-chunk5-kv1";
        Path export = tmp.resolve("export");
        Map<String, Object> cases = new LinkedHashMap<>();
        try (TestModels.Opened f = TestModels.open(fixture, 1, 64)) {
            new OnnxExporterProvider().export(new ExportRequest(f.dir(), f.artifact(), export, "f32", Map.of()));
            List<String> caches = new ArrayList<>();
            List<LayerDims> layers = f.artifact().spec().layers();
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i) instanceof AttentionDims) {
                    caches.add(IoNames.presentKey(i));
                    caches.add(IoNames.presentValue(i));
                } else if (layers.get(i) instanceof Mamba2Dims) {
                    caches.add(IoNames.convState(i));
                    caches.add(IoNames.ssmState(i));
                }
            }
            cases.put("cacheOutputs", caches);
            try (SafetensorsFile g = SafetensorsFile.open(f.dir().resolve("golden.safetensors"))) {
                int[] ids = TestModels.ints(g.tensor("case2.input_ids"));
                cases.put("ids", ids);
                cases.put("logits", g.tensor("case2.logits").toFloatArray());
                try (Backend java = Backends.create("java");
                     RunningModel m = ModelRuns.open(ModelDirectory.open(f.dir()), java, new DeviceModels.Options(1, 64, 64, null))) {
                    LanguageModel lm = m.languageModel();
                    ModelSequence s = lm.newSequence();
                    float[] last = lm.prefill(s, ids);
                    int next = OnnxBackendTest.argmax(last, 0, lm.vocabSize());
                    cases.put("vocab", lm.vocabSize());
                    cases.put("nextToken", next);
                    cases.put("nextLogits", lm.decode(List.of(s), new int[] {next}));
                }
            }
        }
        Path casesFile = tmp.resolve("cases.json");
        JsonMappers.json().writeValue(casesFile.toFile(), cases);
        Result r = NodeProcess.run(work, Map.of("NEMOTRON_EXPORT", export.toString(), "NEMOTRON_CASES", casesFile.toString()),
                300, "node", "--test", "onnx.test.mjs");
        assertThat(r.code()).as("node --test failed:\n%s", r.output()).isZero();
        assertThat(r.output()).contains("# pass 3").contains("# fail 0");
    }




}
