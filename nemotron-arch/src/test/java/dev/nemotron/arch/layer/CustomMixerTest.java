package dev.nemotron.arch.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ConfigException;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.estimate.MemoryEstimator;
import dev.nemotron.arch.init.RandomWeights;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.SafetensorsWriter;
import dev.nemotron.plugins.examples.scale.ScaleMixerFactory;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer type added through the MixerFactory SPI (the example plugin's scale layer, symbol 'Z',
 * written against nemotron-api alone) takes part in parsing, estimation, loading and forward.
 */
class CustomMixerTest {
    /** The built-in layer types (the example plugin is on the test path, so discovery finds it too). */
    static List<MixerFactory> builtIns() {
        return MixerRegistry.discover().factories().stream().filter(f -> !(f instanceof ScaleMixerFactory)).toList();
    }

    private static MixerRegistry registry() {
        List<MixerFactory> all = new ArrayList<>(builtIns());
        all.add(new ScaleMixerFactory());
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
        assertThat(graph.layers().get(1).factory()).isInstanceOf(ScaleMixerFactory.class);
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
        assertThatThrownBy(() -> new ConfigParser(MixerRegistry.of(builtIns())).parse(CONFIG, "config.json"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("hybrid_override_pattern[1] = 'Z'");
    }

    @Test
    void twoPluginsClaimingOneSymbolAreRejected() {
        List<MixerFactory> all = new ArrayList<>(builtIns());
        all.add(new ScaleMixerFactory());
        all.add(new ScaleMixerFactory());
        assertThatThrownBy(() -> MixerRegistry.of(all)).hasMessageContaining("'Z'");
    }
}
