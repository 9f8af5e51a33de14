package dev.nemotron.arch.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ConfigException;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.estimate.MemoryEstimator;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A layer type added through the MixerFactory SPI takes part in parsing, estimation, loading and forward. */
class CustomMixerTest {
    /** Symbol 'Z': out = x * scale, one weight of [hidden]; keeps 3 floats of state per sequence. */
    static final class ScaleFactory implements MixerFactory {
        @Override
        public char symbol() {
            return 'Z';
        }

        @Override
        public Set<String> blockTypeNames() {
            return Set.of("scale");
        }

        @Override
        public String displayName() {
            return "scale";
        }

        @Override
        public void validate(LayerContext layer) {
            ConfigChecks.positive(layer, "scale_width");
        }

        @Override
        public List<ParameterSpec> parameters(LayerContext layer) {
            return List.of(new ParameterSpec("scale", new long[] {layer.config().hiddenSize()}, "hidden_size"));
        }

        @Override
        public CacheFootprint cacheFootprint(LayerContext layer, long context, int batch, DType modelDtype) {
            return new CacheFootprint(0, 12L * batch, 0);
        }

        @Override
        public Mixer create(LayerContext layer, WeightSource weights, Kernels kernels) {
            float[] scale = weights.require("scale").toFloatArray();
            return (x, seqLen, out) -> {
                for (int i = 0; i < seqLen * scale.length; i++) {
                    out[i] = x[i] * scale[i % scale.length];
                }
            };
        }
    }

    private static MixerRegistry registry() {
        List<MixerFactory> all = new ArrayList<>(MixerRegistry.discover().factories());
        all.add(new ScaleFactory());
        return MixerRegistry.of(all);
    }

    private static final String CONFIG = "{\"vocab_size\": 50, \"hidden_size\": 16, \"hybrid_override_pattern\": \"MZ-\","
            + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 8, \"n_groups\": 1, \"ssm_state_size\": 8,"
            + " \"conv_kernel\": 4, \"chunk_size\": 4, \"intermediate_size\": 32, \"scale_width\": 1}";

    @Test
    void pluginLayerIsParsedEstimatedLoadedAndRun(@TempDir Path dir) throws Exception {
        MixerRegistry registry = registry();
        Files.writeString(dir.resolve("config.json"), CONFIG);
        ModelGraph graph = ModelGraph.of(new ConfigParser(registry).parse(dir), registry);
        assertThat(graph.layers().get(1).factory()).isInstanceOf(ScaleFactory.class);
        assertThat(MemoryEstimator.estimate(graph, 10, 2).ssmStateBytes())
                .isEqualTo(2L * 4 * 8 * 8 * 4 + 24); // the Mamba layer's fp32 state + the plugin's
        try (Arena arena = Arena.ofConfined()) {
            var weights = RandomWeights.generate(graph, 1, DType.F32, arena);
            assertThat(weights).containsKey("backbone.layers.1.mixer.scale");
            SafetensorsWriter.write(dir.resolve("model.safetensors"), weights);
        }
        try (Backend b = Backends.create("java"); HybridModel m = HybridModel.load(dir, b, registry)) {
            float[] logits = m.forward(new int[] {1, 2, 3}, false).logits();
            assertThat(logits).hasSize(3 * 50);
            for (float v : logits) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void withoutThePluginTheSymbolIsUnknown() {
        assertThatThrownBy(() -> ConfigParser.withDiscoveredLayers().parse(CONFIG, "config.json"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("hybrid_override_pattern[1] = 'Z'");
    }

    @Test
    void twoPluginsClaimingOneSymbolAreRejected() {
        List<MixerFactory> all = new ArrayList<>(MixerRegistry.discover().factories());
        all.add(new ScaleFactory());
        all.add(new ScaleFactory());
        assertThatThrownBy(() -> MixerRegistry.of(all)).hasMessageContaining("'Z'");
    }
}
