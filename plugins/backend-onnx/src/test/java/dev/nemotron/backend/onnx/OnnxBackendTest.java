package dev.nemotron.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.export.ExportRequest;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.infer.engine.DeviceModels;
import dev.nemotron.infer.engine.LanguageModel;
import dev.nemotron.infer.engine.ModelRuns;
import dev.nemotron.infer.engine.ModelSequence;
import dev.nemotron.infer.engine.RunningModel;
import dev.nemotron.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code onnx} backend as the engine runs it (whole-model execution through
 * {@link ModelRuns}): greedy tokens equal HF's golden generation and the Java backend's; decode
 * steps and continued prefills give the logits of one prefill over the whole sequence; a batch
 * of sequences of different lengths decodes as each alone; exports of another model, missing or
 * corrupt exports are refused with one clear message.
 */
class OnnxBackendTest {
    @TempDir
    Path tmp;

    private Backend onnx(Path export) {
        OnnxBackendProvider p = new OnnxBackendProvider();
        assertThat(p.availability().available()).as(p.availability().reason()).isTrue();
        return new OnnxBackend(p.probe(), p.capabilities(), new OnnxSettings(export, tmp.resolve("cache"), "cpu", 0));
    }

    private static int[] greedy(LanguageModel m, int[] prompt, int steps) {
        ModelSequence s = m.newSequence();
        int[] out = Arrays.copyOf(prompt, prompt.length + steps);
        float[] logits = m.prefill(s, prompt);
        for (int i = 0; i < steps; i++) {
            int next = argmax(logits, 0, m.vocabSize());
            out[prompt.length + i] = next;
            logits = m.decode(List.of(s), new int[] {next});
        }
        return out;
    }

    static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }

    private static RunningModel run(String fixture, Backend backend) {
        return ModelRuns.open(ModelDirectory.open(Fixtures.dir(fixture)), backend,
                new DeviceModels.Options(4, 256, 2048, null));
    }

    @Test
    void greedyTokensEqualHfGoldenAndTheJavaBackend() throws Exception {
        int[] prompt;
        int[] golden;
        try (SafetensorsFile g = SafetensorsFile.open(Fixtures.dir("tiny-nemotron-h-a").resolve("golden.safetensors"))) {
            prompt = TestModels.ints(g.tensor("generate.prompt_ids"));
            golden = TestModels.ints(g.tensor("generate.output_ids"));
        }
        int steps = golden.length - prompt.length;
        int[] viaOnnx;
        try (Backend b = onnx(null); RunningModel m = run("tiny-nemotron-h-a", b)) {
            assertThat(ModelRuns.mode(b)).isEqualTo(ModelRuns.Mode.WHOLE_MODEL);
            viaOnnx = greedy(m.languageModel(), prompt, steps);
        }
        int[] viaJava;
        try (Backend b = Backends.create("java"); RunningModel m = run("tiny-nemotron-h-a", b)) {
            viaJava = greedy(m.languageModel(), prompt, steps);
        }
        assertThat(viaOnnx).isEqualTo(golden).isEqualTo(viaJava);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hf-more/biases-k3", "hf-more/deep-odd", "hf-more/g1-chunk5-kv1", "tiny-nemotron-h-a-bf16"})
    void greedyTokensEqualTheJavaBackend(String fixture) throws Exception {
        int[] prompt;
        try (SafetensorsFile g = SafetensorsFile.open(Fixtures.dir(fixture).resolve("golden.safetensors"))) {
            prompt = TestModels.ints(g.tensor("case2.input_ids"));
        }
        int[] viaOnnx;
        try (Backend b = onnx(null); RunningModel m = run(fixture, b)) {
            viaOnnx = greedy(m.languageModel(), prompt, 20);
        }
        try (Backend b = Backends.create("java"); RunningModel m = run(fixture, b)) {
            assertThat(viaOnnx).isEqualTo(greedy(m.languageModel(), prompt, 20));
        }
    }

    @Test
    void decodeStepsAndContinuedPrefillMatchOnePrefill() throws Exception {
        int[] ids;
        try (SafetensorsFile g = SafetensorsFile.open(Fixtures.dir("hf-more/g1-chunk5-kv1").resolve("golden.safetensors"))) {
            ids = TestModels.ints(g.tensor("case2.input_ids"));
        }
        try (Backend b = onnx(null); TestModels.Opened f = TestModels.open("hf-more/g1-chunk5-kv1", 4, 256);
             DeviceModel m = b.modelExecution().orElseThrow().open(f.artifact())) {
            int v = m.vocabSize();
            float[] whole;
            try (DeviceSequence s = m.newSequence()) {
                whole = m.prefillAll(s, ids);
            }
            // 11 tokens by prefill, 13 by a continued prefill, the rest by decode steps
            try (DeviceSequence s = m.newSequence()) {
                float[] got = new float[ids.length * v];
                System.arraycopy(m.prefillAll(s, Arrays.copyOfRange(ids, 0, 11)), 0, got, 0, 11 * v);
                System.arraycopy(m.prefillAll(s, Arrays.copyOfRange(ids, 11, 24)), 0, got, 11 * v, 13 * v);
                for (int i = 24; i < ids.length; i++) {
                    System.arraycopy(m.decode(List.of(s), new int[] {ids[i]}), 0, got, i * v, v);
                }
                assertThat(s.length()).isEqualTo(ids.length);
                assertThat(TestModels.relativeError(got, whole)).isLessThanOrEqualTo(1e-5);
            }
            // three sequences of different lengths decoded together = each alone
            DeviceSequence[] seqs = {m.newSequence(), m.newSequence(), m.newSequence()};
            int[] lengths = {3, 9, 17};
            float[] alone = new float[3 * v];
            for (int i = 0; i < 3; i++) {
                m.prefill(seqs[i], Arrays.copyOfRange(ids, 0, lengths[i]));
                try (DeviceSequence solo = m.newSequence()) {
                    float[] all = m.prefillAll(solo, Arrays.copyOfRange(ids, 0, lengths[i] + 1));
                    System.arraycopy(all, lengths[i] * v, alone, i * v, v);
                }
            }
            float[] batch = m.decode(List.of(seqs), new int[] {ids[3], ids[9], ids[17]});
            assertThat(TestModels.relativeError(batch, alone)).isLessThanOrEqualTo(1e-5);
            for (DeviceSequence s : seqs) {
                assertThat(s.bytes()).isPositive();
                s.close();
            }
        }
    }

    /** Random weights of a config's shape (bench --random-weights): generated at export, the same for the same seed. */
    @Test
    void randomWeightsOfAConfigRunAndDecodeAsTheyPrefill() throws Exception {
        var config = ModelDirectory.open(Fixtures.dir("tiny-nemotron-h-a")).config();
        int[] ids = {3, 17, 99, 250, 7, 64, 300, 1, 2, 511, 42};
        try (Backend b = onnx(null);
             DeviceModel m = DeviceModels.random(config, 7, b.modelExecution().orElseThrow(), new DeviceModels.Options(2, 64, 64, null))) {
            int v = m.vocabSize();
            float[] whole;
            try (DeviceSequence s = m.newSequence()) {
                whole = m.prefillAll(s, ids);
            }
            for (float f : whole) {
                assertThat(Float.isFinite(f)).isTrue();
            }
            try (DeviceSequence s = m.newSequence()) {
                m.prefill(s, Arrays.copyOf(ids, 10));
                float[] step = m.decode(List.of(s), new int[] {ids[10]});
                assertThat(TestModels.relativeError(step, Arrays.copyOfRange(whole, 10 * v, 11 * v))).isLessThanOrEqualTo(1e-5);
            }
        }
        try (var cache = Files.list(tmp.resolve("cache"))) {
            assertThat(cache.map(p -> p.getFileName().toString())).singleElement().asString().contains("-");
        }
    }

    @Test
    void anExportOfAnotherModelIsRefused() throws Exception {
        Path export = tmp.resolve("other");
        try (TestModels.Opened f = TestModels.open("hf-more/deep-odd", 1, 64)) {
            new OnnxExporterProvider().export(new ExportRequest(f.dir(), f.artifact(), export, "f32", Map.of()));
        }
        try (Backend b = onnx(export); TestModels.Opened f = TestModels.open("tiny-nemotron-h-a", 1, 64)) {
            assertThatThrownBy(() -> b.modelExecution().orElseThrow().open(f.artifact()))
                    .isInstanceOf(NemotronException.class)
                    .hasMessageContaining("is not an export of this model: its config (structure) hash");
        }
        // same shape, other weights: tiny-nemotron-h-a-bf16 holds rounded weights of the same model
        Path f32 = tmp.resolve("f32");
        try (TestModels.Opened f = TestModels.open("tiny-nemotron-h-a", 1, 64)) {
            new OnnxExporterProvider().export(new ExportRequest(f.dir(), f.artifact(), f32, "f32", Map.of()));
        }
        try (Backend b = onnx(f32); TestModels.Opened f = TestModels.open("tiny-nemotron-h-a-bf16", 1, 64)) {
            assertThatThrownBy(() -> b.modelExecution().orElseThrow().open(f.artifact()))
                    .isInstanceOf(NemotronException.class).hasMessageContaining("its weights hash");
        }
    }

    @Test
    void missingOrCorruptExportsGiveOneClearError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        try (Backend b = onnx(empty); TestModels.Opened f = TestModels.open("tiny-nemotron-h-a", 1, 64)) {
            assertThatThrownBy(() -> b.modelExecution().orElseThrow().open(f.artifact()))
                    .isInstanceOf(NemotronException.class)
                    .hasMessageContaining("no ONNX export at").hasMessageContaining("nemotron export onnx");
        }
        Path corrupt = Files.createDirectories(tmp.resolve("corrupt"));
        Files.write(corrupt.resolve("prefill.onnx"), new byte[] {0x08, 0x08, 0x12, 0x7f, 1, 2, 3});
        Files.write(corrupt.resolve("decode.onnx"), new byte[] {1, 2, 3});
        try (Backend b = onnx(corrupt); TestModels.Opened f = TestModels.open("tiny-nemotron-h-a", 1, 64)) {
            assertThatThrownBy(() -> b.modelExecution().orElseThrow().open(f.artifact()))
                    .isInstanceOf(NemotronException.class)
                    .hasMessageContaining("ONNX Runtime cannot load").hasMessageNotContaining("\n");
        }
    }

    @Test
    void anExistingExportDirectoryIsNotOverwritten() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(out.resolve("keep.txt"), "x");
        try (TestModels.Opened f = TestModels.open("tiny-nemotron-h-a", 1, 64)) {
            assertThatThrownBy(() -> new OnnxExporterProvider().export(
                    new ExportRequest(f.dir(), f.artifact(), out, "f32", Map.of())))
                    .isInstanceOf(NemotronException.class).hasMessageContaining("already exists");
        }
        assertThat(Files.list(tmp).filter(p -> p.getFileName().toString().contains(".partial-")).count()).isZero();
    }
}
