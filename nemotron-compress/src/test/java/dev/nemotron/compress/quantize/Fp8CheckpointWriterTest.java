package dev.nemotron.compress.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.E4M3;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.fp8.Fp8Format;
import dev.nemotron.arch.fp8.Fp8Quantizer;
import dev.nemotron.arch.fp8.Fp8Weights;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.arch.safetensors.SafetensorsFile;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.testing.Fixtures;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code quantize --fp8} end to end on the shared fixtures (every dimension below 128, so every
 * block is partial): the checkpoint layout, the round trip (the loaded weights are exactly
 * {@code Q · scale}), the accuracy of the FP8 model against the unquantised one on the Java
 * backend (relative logit error and greedy agreement, printed), and the errors.
 */
class Fp8CheckpointWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIXTURES = List.of("tiny-nemotron-h-a", "tiny-nemotron-h-a-bf16",
            "hf-more/deep-odd", "hf-more/biases-k3", "hf-more/g1-chunk5-kv1");

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        return FIXTURES.stream().flatMap(f -> Stream.of(Arguments.of(f, Fp8Format.BLOCKS), Arguments.of(f, Fp8Format.CHANNELS)));
    }

    private Path quantize(String fixture, Fp8Format format) {
        Path out = tmp.resolve(fixture.replace('/', '-') + "-" + format.label());
        Fp8CheckpointWriter.write(Fixtures.dir(fixture), format, out, 1L << 30);
        return out;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void writesTheLayoutAndLoadsBackAsQTimesScale(String fixture, Fp8Format format) throws Exception {
        Path in = Fixtures.dir(fixture);
        Path out = quantize(fixture, format);
        ObjectNode config = (ObjectNode) JSON.readTree(Files.readString(out.resolve("config.json")));
        assertThat(config.get("quantization_config")).isEqualTo(format.toConfig());
        assertThat(ModelDirectory.open(out).fp8()).contains(format);
        DType target = ModelDirectory.open(in).config().dtype() == DType.F32 ? DType.F32 : DType.BF16;
        try (Checkpoint src = Checkpoint.open(in); Checkpoint q = Checkpoint.open(out)) {
            int quantised = 0;
            for (String name : src.names()) {
                Tensor original = src.require(name);
                Tensor stored = q.require(name);
                if (!Fp8Format.quantizes(name)) {
                    // 1. everything else is copied as stored, byte for byte
                    assertThat(stored.dtype()).as(name).isEqualTo(original.dtype());
                    assertThat(stored.data().mismatch(original.data())).as(name).isEqualTo(-1L);
                    assertThat(q.contains(name + Fp8Format.SCALE_SUFFIX)).isFalse();
                    continue;
                }
                quantised++;
                // 2. the codes and scales are the quantiser's on the BF16-rounded weight
                Tensor scale = q.require(name + Fp8Format.SCALE_SUFFIX);
                assertThat(stored.dtype()).isEqualTo(DType.F8_E4M3);
                assertThat(stored.shape()).isEqualTo(original.shape());
                assertThat(scale.dtype()).isEqualTo(DType.F32);
                assertThat(scale.shape()).isEqualTo(format.scaleShape(original.dim(0), original.dim(1)));
                Fp8Quantizer.Quantized want = Fp8Quantizer.quantize(name, original, format);
                byte[] codes = stored.data().toArray(ValueLayout.JAVA_BYTE);
                assertThat(codes).as(name).isEqualTo(want.codes());
                assertThat(scale.toFloatArray()).as(name).isEqualTo(want.scales());
                // 3. round trip: what a model loads is decode(Q) * scale, rounded once to its type
                try (Fp8Weights w = Fp8Weights.wrap(q, q.names(), Optional.of(format), target, "t").orElseThrow()) {
                    Tensor loaded = w.require(name);
                    int cols = (int) original.dim(1);
                    for (int i = 0; i < codes.length; i++) {
                        float exact = E4M3.decode(codes[i]) * want.scales()[Fp8Quantizer.scaleIndex(format, cols, i / cols, i % cols)];
                        float expect = target == DType.F32 ? exact : Float.intBitsToFloat(RandomWeights.toBf16(exact) << 16);
                        assertThat(loaded.getFloat(i)).as("%s[%d]", name, i).isEqualTo(expect);
                    }
                }
            }
            assertThat(quantised).isGreaterThan(0);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void fp8LogitsStayCloseToTheUnquantisedModelOnTheJavaBackend(String fixture, Fp8Format format) {
        Path out = quantize(fixture, format);
        try (Backend backend = Backends.create("java");
             HybridModel ref = HybridModel.load(Fixtures.dir(fixture), backend);
             HybridModel fp8 = HybridModel.load(out, backend);
             SafetensorsFile g = SafetensorsFile.open(Fixtures.dir(fixture).resolve("golden.safetensors"))) {
            int vocab = ref.config().vocabSize();
            for (int c = 0; g.find("case" + c + ".input_ids").isPresent(); c++) {
                Tensor idsTensor = g.tensor("case" + c + ".input_ids");
                int[] ids = new int[(int) idsTensor.numel()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = Math.toIntExact(idsTensor.getLong(i));
                }
                float[] a = ref.forward(ids, false).logits();
                float[] b = fp8.forward(ids, false).logits();
                double err = relativeError(b, a);
                int agree = 0;
                for (int t = 0; t < ids.length; t++) {
                    agree += argmax(a, t * vocab, vocab) == argmax(b, t * vocab, vocab) ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "FP8 %s %s case %d (L=%d): logit rel. error vs unquantised %.4f,"
                        + " greedy agreement %d/%d%n", fixture, format.label(), c, ids.length, err, agree, ids.length);
                // E4M3 keeps 3 mantissa bits: a few per cent of error; a wrong scale layout gives errors of order 1
                assertThat(err).as("%s case %d", fixture, c).isLessThan(0.15);
                assertThat(agree).as("%s case %d greedy agreement", fixture, c).isGreaterThanOrEqualTo((ids.length * 3 + 3) / 4);
            }
        }
    }

    @Test
    void quantizingAnFp8CheckpointIsAnError() {
        Path fp8 = quantize("tiny-nemotron-h-a", Fp8Format.BLOCKS);
        assertThatThrownBy(() -> Fp8CheckpointWriter.write(fp8, Fp8Format.CHANNELS, tmp.resolve("again"), 1L << 30))
                .isInstanceOf(NemotronException.class)
                .hasMessageContaining("is an FP8 checkpoint already")
                .hasMessageContaining("quantize the BF16 model it was made from");
    }

    @Test
    void trainingFromAnFp8CheckpointIsOneClearError() {
        Path fp8 = quantize("tiny-nemotron-h-a", Fp8Format.CHANNELS);
        ModelDirectory dir = ModelDirectory.open(fp8);
        assertThatThrownBy(() -> dev.nemotron.train.autodiff.core.Parameters.load(
                dev.nemotron.arch.model.ModelGraph.of(dir.config(), dir.registry()), fp8))
                .isInstanceOf(NemotronException.class)
                .hasMessageContaining("is FP8 (F8_E4M3, an FP8 checkpoint)")
                .hasMessageContaining("start from the model it was quantised from");
    }

    @Test
    void brokenFp8CheckpointsFailAtLoadWithOneLine() throws Exception {
        Path fp8 = quantize("tiny-nemotron-h-a", Fp8Format.BLOCKS);
        String w = "backbone.layers.0.mixer.in_proj.weight";
        // a scale tensor missing
        Path noScale = rewrite(fp8, "no-scale", m -> m.remove(w + Fp8Format.SCALE_SUFFIX));
        expectLoadError(noScale, "has no scale tensor '" + w + "_scale_inv'");
        // a scale of the wrong shape
        Path shape = rewrite(fp8, "shape", m -> m.put(w + Fp8Format.SCALE_SUFFIX, Tensor.ofFloats(new float[] {1, 1}, 2, 1)));
        expectLoadError(shape, "is F32[2, 1] but fp8-block of a [328, 64] weight needs F32[3, 1]");
        // another quantisation method in the config
        Path gptq = tmp.resolve("gptq");
        copy(fp8, gptq);
        ObjectNode config = (ObjectNode) JSON.readTree(Files.readString(gptq.resolve("config.json")));
        config.set("quantization_config", JSON.readTree("{\"quant_method\": \"gptq\", \"bits\": 4}"));
        Files.writeString(gptq.resolve("config.json"), config.toString());
        expectLoadError(gptq, "quantization_config.quant_method \"gptq\" is not supported");
        // FP8 tensors with the config's quantization_config removed
        config.remove("quantization_config");
        Files.writeString(gptq.resolve("config.json"), config.toString());
        expectLoadError(gptq, "is F8_E4M3 but config.json has no quantization_config");
    }

    private Path rewrite(Path fp8, String name, java.util.function.Consumer<Map<String, Tensor>> edit) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.copy(fp8.resolve("config.json"), dir.resolve("config.json"));
        try (Checkpoint c = Checkpoint.open(fp8)) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            for (String n : c.names()) {
                m.put(n, c.require(n));
            }
            edit.accept(m);
            SafetensorsWriter.write(dir.resolve("model.safetensors"), m);
        }
        return dir;
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }

    private static void expectLoadError(Path dir, String message) {
        assertThatThrownBy(() -> {
            try (Backend backend = Backends.create("java"); HybridModel m = HybridModel.load(dir, backend)) {
                m.config();
            }
        }).isInstanceOf(NemotronException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    static double relativeError(float[] x, float[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += ((double) x[i] - ref[i]) * ((double) x[i] - ref[i]);
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }

    static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
