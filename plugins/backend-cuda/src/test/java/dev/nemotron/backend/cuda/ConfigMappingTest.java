package dev.nemotron.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.dims.MlpDims;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.backend.cuda.ffi.NmcConfig;
import dev.nemotron.backend.cuda.ffi.NmcLayouts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixture configs as nmc_config, with nemotron-arch's defaults. */
class ConfigMappingTest {
    private static final MixerRegistry REGISTRY = MixerRegistry.discover();

    private static NmcConfig map(String fixture, DType compute) {
        return map(new ConfigParser(REGISTRY).parse(Fixtures.dir(fixture)), compute);
    }

    private static NmcConfig map(NemotronHConfig c, DType compute) {
        return ConfigMapping.map(c.view(), c.pattern(), ModelGraph.of(c, REGISTRY).layerDims(), compute, false);
    }

    private static List<LayerDims> dims(NemotronHConfig c) {
        return ModelGraph.of(c, REGISTRY).layerDims();
    }

    @Test
    void tinyModel() {
        NmcConfig m = map("tiny-nemotron-h-a", DType.F32);
        assertThat(m).isEqualTo(new NmcConfig(512, 64, "M-M*-M-M*-", 192, 4, 2, 16, 8, 16, 2, 16, 4, 8, 1e-5f, 0f,
                Float.POSITIVE_INFINITY, false, true, false, false, false, NmcLayouts.NMC_F32));
        assertThat(map("tiny-nemotron-h-a-bf16", DType.BF16).computeDtype()).isEqualTo(NmcLayouts.NMC_BF16);
    }

    @Test
    void biasesFollowUseBiasAndMlpBias() {
        NmcConfig m = map("hf-more/biases-k3", DType.F32);
        assertThat(m.pattern()).isEqualTo("M-*M-");
        assertThat(m.mambaProjBias()).as("in_proj/out_proj biases come from use_bias").isTrue();
        assertThat(m.mlpBias()).isTrue();
        assertThat(m.useConvBias()).isTrue();
        assertThat(m.convKernel()).isEqualTo(3);
        assertThat(m.nGroups()).isEqualTo(4);
        assertThat(m.mambaHeadDim()).isEqualTo(6);
        assertThat(m.headDim()).isEqualTo(12);
        assertThat(m.vocabSize()).isEqualTo(300);
        assertThat(m.attentionBias()).as("attention_bias: true in the config, but the caller decides").isFalse();
    }

    @Test
    void oddShapes() {
        NmcConfig deep = map("hf-more/deep-odd", DType.F32);
        assertThat(deep.numLayers()).isEqualTo(14);
        assertThat(deep.chunkSize()).isEqualTo(7);
        assertThat(deep.intermediateSize()).isEqualTo(70);
        assertThat(deep.ssmStateSize()).isEqualTo(12);
        NmcConfig g1 = map("hf-more/g1-chunk5-kv1", DType.F32);
        assertThat(g1.nGroups()).isEqualTo(1);
        assertThat(g1.chunkSize()).isEqualTo(5);
        assertThat(g1.numKeyValueHeads()).isEqualTo(1);
        assertThat(g1.headDim()).isEqualTo(20);
    }

    @Test
    void attentionBiasesFollowTheCheckpointsTensors() {
        NemotronHConfig c = ConfigParser.withDiscoveredLayers().parse(Fixtures.dir("hf-more/biases-k3"));
        try (Checkpoint ckpt = Checkpoint.open(Fixtures.dir("hf-more/biases-k3"))) {
            var spec = new DeviceModelSpec(c.view(), c.pattern(), dims(c), DeviceWeights.checkpoint(ckpt, List.copyOf(ckpt.names())),
                    DType.F32, 1, 64, 64);
            assertThat(CudaModelExecution.hasAttentionBias(spec)).isFalse();
            var withBias = new DeviceModelSpec(c.view(), c.pattern(), dims(c), DeviceWeights.checkpoint(ckpt,
                    List.of("backbone.layers.2.mixer.q_proj.bias")), DType.F32, 1, 64, 64);
            assertThat(CudaModelExecution.hasAttentionBias(withBias)).isTrue();
            var random = new DeviceModelSpec(c.view(), c.pattern(), dims(c), DeviceWeights.random(1), DType.F32, 1, 64, 64);
            assertThat(CudaModelExecution.hasAttentionBias(random)).isFalse();
        }
    }

    @Test
    void defaultsOfAbsentFields() {
        String json = """
                {"vocab_size": 100, "hidden_size": 32, "hybrid_override_pattern": "M*-",
                 "intermediate_size": 64, "num_attention_heads": 4,
                 "mamba_num_heads": 4, "mamba_head_dim": 8, "n_groups": 1, "ssm_state_size": 8, "conv_kernel": 4}
                """;
        NmcConfig m = map(ConfigParser.withDiscoveredLayers().parse(json, "<test>"), DType.F32);
        assertThat(m.numKeyValueHeads()).isEqualTo(4);
        assertThat(m.headDim()).isEqualTo(8);
        assertThat(m.chunkSize()).isEqualTo(128);
        assertThat(m.dtMin()).isZero();
        assertThat(m.dtMax()).isInfinite();
        assertThat(m.useConvBias()).isTrue();
        assertThat(m.mambaProjBias()).isFalse();
        assertThat(m.tieWordEmbeddings()).isFalse();
        assertThat(m.normEps()).isEqualTo(1e-5f);
    }

    @Test
    void fieldsOfAnAbsentLayerTypeAreZero() {
        String json = """
                {"vocab_size": 100, "hidden_size": 32, "hybrid_override_pattern": "-", "intermediate_size": 64}
                """;
        NmcConfig m = map(ConfigParser.withDiscoveredLayers().parse(json, "<test>"), DType.F32);
        assertThat(m.mambaNumHeads()).isZero();
        assertThat(m.numAttentionHeads()).isZero();
        assertThat(m.intermediateSize()).isEqualTo(64);
    }

    /** A plugin layer's sizes: a record the cuda backend does not know. */
    private record PluginDims(int hidden) implements LayerDims {
    }

    @Test
    void aLayerTypeTheLibraryDoesNotRunIsRefusedByName() {
        NemotronHConfig c = ConfigParser.withDiscoveredLayers().parse(Fixtures.dir("tiny-nemotron-h-a"));
        List<LayerDims> layers = new ArrayList<>(dims(c));
        layers.set(2, new PluginDims(64));
        String pattern = c.pattern().substring(0, 2) + "Z" + c.pattern().substring(3);
        assertThatThrownBy(() -> ConfigMapping.map(c.view(), pattern, layers, DType.F32, false))
                .isInstanceOf(NemotronException.class)
                .hasMessageContaining("layer 2 ('Z', PluginDims) is a layer type the cuda backend does not run");
    }

    @Test
    void layersOfOneTypeWithDifferentSizesAreRefused() {
        NemotronHConfig c = ConfigParser.withDiscoveredLayers().parse(Fixtures.dir("tiny-nemotron-h-a"));
        List<LayerDims> layers = new ArrayList<>(dims(c));
        int mlp = c.pattern().lastIndexOf('-');
        MlpDims f = (MlpDims) layers.get(mlp);
        layers.set(mlp, new MlpDims(f.hidden(), f.intermediate() / 2, f.bias()));
        assertThatThrownBy(() -> ConfigMapping.map(c.view(), c.pattern(), layers, DType.F32, false))
                .isInstanceOf(NemotronException.class)
                .hasMessageContaining("layer " + mlp + " is a MLP layer of other sizes");
    }
}
