package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.check.GradientCheck;
import dev.nemotron.plugins.examples.scale.ScaleMixerFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A layer type added by a plugin written against nemotron-api alone (the example scale layer,
 * symbol 'Z') trains: the model builds its trainable form through the SPI, and finite differences
 * confirm the gradient of every tensor, the plugin's included. A layer type without a trainable
 * form is refused with a message naming it.
 */
class PluginLayerTrainingTest {
    static final String CONFIG = """
            {"vocab_size": 31, "hidden_size": 8, "hybrid_override_pattern": "MZ-Z*",
             "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 12,
             "mamba_num_heads": 4, "mamba_head_dim": 2, "n_groups": 2, "ssm_state_size": 3, "conv_kernel": 3,
             "chunk_size": 3, "layer_norm_epsilon": 1e-5, "initializer_range": 0.3, "scale_width": 1}""";

    /** The graph of {@code config} with the built-in layer types and {@code extra} (the example scale layer left out). */
    static ModelGraph graph(String config, MixerFactory extra) {
        List<MixerFactory> all = new ArrayList<>(MixerRegistry.discover().factories().stream()
                .filter(f -> !(f instanceof ScaleMixerFactory)).toList());
        all.add(extra);
        MixerRegistry registry = MixerRegistry.of(all);
        return ModelGraph.of(new ConfigParser(registry).parse(config, "config.json"), registry);
    }

    @Test
    void thePluginLayerPassesTheGradientCheck() {
        TrainableModel model = TrainableModel.random(graph(CONFIG, new ScaleMixerFactory()), 5);
        // make the scale non-trivial, so that its gradient differs from the identity's
        double[] scale = model.parameters().get("backbone.layers.1.mixer.scale");
        for (int i = 0; i < scale.length; i++) {
            scale[i] = 0.5 + 0.1 * i;
        }
        GradientCheck.Report report = GradientCheck.run(model, 9, 8, 3);
        assertThat(report.tensors()).extracting(GradientCheck.TensorResult::name)
                .contains("backbone.layers.1.mixer.scale", "backbone.layers.3.mixer.scale");
        GradientCheck.TensorResult plugin = report.tensors().stream()
                .filter(t -> t.name().equals("backbone.layers.1.mixer.scale")).findFirst().orElseThrow();
        assertThat(plugin.numericNorm()).as("the plugin's parameter affects the loss").isGreaterThan(1e-6);
        assertThat(report.passed()).as("worst relative error %s", report.worstRelativeError()).isTrue();
        assertThat(model.linearLayers()).as("the plugin has no linear layers; the built-ins keep theirs")
                .contains("backbone.layers.0.mixer.in_proj.weight", "backbone.layers.2.mixer.up_proj.weight")
                .noneMatch(n -> n.contains("layers.1."));
    }

    @Test
    void aLayerTypeWithoutTrainableFormIsRefusedByName() {
        ModelGraph g = graph(CONFIG.replace("MZ-Z*", "M-Q"), new ScaleAsQ("inference-only"));
        assertThatThrownBy(() -> TrainableModel.random(g, 1)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("layer 2 ('Q', inference-only) cannot be trained")
                .hasMessageContaining("TrainableMixerFactory");
    }
}
