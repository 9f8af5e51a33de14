package dev.nemotron.arch.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.arch.testing.Numerics;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shapes the golden fixture does not cover: one KV head, head_dim unrelated to hidden/heads,
 * one SSM group, every bias switched on, a 2-tap conv, odd widths, the layers_block_type names
 * "mamba"/"attention", BF16 and F16 storage. The fast backend must equal the scalar reference
 * backend on each, and the logits must not depend on chunk_size (chunked scan == recurrence).
 */
class ShapeVariantsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode base() {
        ObjectNode c = JSON.createObjectNode();
        c.put("vocab_size", 97).put("hidden_size", 40).put("hybrid_override_pattern", "M*-M-*M")
                .put("num_attention_heads", 6).put("num_key_value_heads", 2).put("head_dim", 12)
                .put("intermediate_size", 72).put("mamba_num_heads", 6).put("mamba_head_dim", 10)
                .put("n_groups", 2).put("ssm_state_size", 12).put("conv_kernel", 4).put("chunk_size", 8)
                .put("layer_norm_epsilon", 1e-5).put("initializer_range", 0.2);
        return c;
    }

    static Stream<Arguments> variants() {
        ObjectNode oneKvHead = base().put("num_key_value_heads", 1).put("head_dim", 24).put("n_groups", 1);
        ObjectNode biases = base().put("use_bias", true).put("attention_bias", true).put("mlp_bias", true)
                .put("use_conv_bias", false).put("conv_kernel", 2);
        ObjectNode blockNames = base();
        blockNames.remove("hybrid_override_pattern");
        blockNames.putArray("layers_block_type").add("mamba").add("attention").add("mlp").add("mamba").add("mlp");
        ObjectNode wide = base().put("hidden_size", 67).put("mamba_num_heads", 9).put("n_groups", 3)
                .put("mamba_head_dim", 7).put("ssm_state_size", 5).put("chunk_size", 3);
        return Stream.of(Arguments.of("one KV head, head_dim 24, one group", oneKvHead, DType.F32),
                Arguments.of("all biases, conv kernel 2", biases, DType.F32),
                Arguments.of("layers_block_type names", blockNames, DType.F32),
                Arguments.of("odd widths, 3 groups, chunk 3", wide, DType.BF16),
                Arguments.of("F16 weights", base(), DType.F16));
    }

    /** A model directory with random weights (biases random too, so that they matter). */
    static Path model(ObjectNode config, DType dtype, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), config.toString());
        MixerRegistry registry = MixerRegistry.discover();
        ModelGraph graph = ModelGraph.of(new ConfigParser(registry).parse(dir), registry);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> w = new LinkedHashMap<>(RandomWeights.generate(graph, 11, dtype, arena));
            if (config.path("attention_bias").asBoolean(false)) {
                // optional parameters (HF's NemotronH never creates attention biases): add them
                for (NamedParameter p : graph.parameters()) {
                    if (p.spec().optional()) {
                        w.put(p.name(), RandomWeights.store(new float[(int) p.numel()], p.spec().shape(), dtype, arena));
                    }
                }
            }
            SplittableRandom rnd = new SplittableRandom(5);
            w.replaceAll((name, t) -> {
                if (!name.endsWith(".bias")) {
                    return t;
                }
                float[] v = new float[(int) t.numel()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextDouble() - 0.5) * 0.2f;
                }
                return RandomWeights.store(v, t.shape(), dtype, arena);
            });
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w);
        }
        return dir;
    }

    static int[] tokens(int n, int vocab) {
        SplittableRandom rnd = new SplittableRandom(n);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextInt(vocab);
        }
        return ids;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void fastBackendEqualsReferenceBackend(String name, ObjectNode config, DType dtype, @TempDir Path tmp) throws IOException {
        Path dir = model(config, dtype, tmp.resolve("m"));
        try (Backend fast = Backends.create("java"); Backend ref = Backends.create("java-reference");
             HybridModel a = HybridModel.load(dir, fast); HybridModel b = HybridModel.load(dir, ref)) {
            for (int len : new int[] {1, 7, 29}) {
                int[] ids = tokens(len, a.config().vocabSize());
                ForwardResult ra = a.forward(ids, true);
                ForwardResult rb = b.forward(ids, true);
                assertThat(Numerics.relativeError(ra.logits(), rb.logits())).as("L=%d logits", len).isLessThan(1e-5);
                for (int j = 0; j < ra.hidden().size(); j++) {
                    assertThat(Numerics.relativeError(ra.hidden().get(j), rb.hidden().get(j))).as("L=%d hidden %d", len, j)
                            .isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void logitsDoNotDependOnChunkSize(@TempDir Path tmp) throws IOException {
        float[] reference = null;
        int[] ids = tokens(45, 97);
        for (int chunk : new int[] {1, 4, 7, 16, 45, 256}) {
            Path dir = model(base().put("chunk_size", chunk), DType.F32, tmp.resolve("c" + chunk));
            try (Backend fast = Backends.create("java"); HybridModel m = HybridModel.load(dir, fast)) {
                float[] logits = m.forward(ids, false).logits();
                if (reference == null) {
                    reference = logits; // chunk_size 1: the scan degenerates to the recurrence
                } else {
                    assertThat(Numerics.relativeError(logits, reference)).as("chunk_size %d", chunk).isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void prefixLogitsDoNotDependOnLaterTokens(@TempDir Path tmp) throws IOException {
        Path dir = model(base(), DType.F32, tmp.resolve("m"));
        try (Backend fast = Backends.create("java"); HybridModel m = HybridModel.load(dir, fast)) {
            int[] ids = tokens(30, 97);
            float[] full = m.forward(ids, false).logits();
            float[] prefix = m.forward(java.util.Arrays.copyOf(ids, 11), false).logits();
            float[] fullPrefix = java.util.Arrays.copyOf(full, prefix.length);
            assertThat(Numerics.relativeError(fullPrefix, prefix)).as("causality").isLessThan(1e-5);
        }
    }
}
