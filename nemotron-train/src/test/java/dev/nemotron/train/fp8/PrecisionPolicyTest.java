package dev.nemotron.train.fp8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrecisionPolicyTest {
    private static final String L = "backbone.layers.";

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root not found");
        }
        return p;
    }

    private static ModelGraph graph(String configJson) {
        MixerRegistry registry = MixerRegistry.discover();
        return ModelGraph.of(new ConfigParser(registry).parse(configJson, "test config"), registry);
    }

    private static ModelGraph graph(Path config) {
        MixerRegistry registry = MixerRegistry.discover();
        return ModelGraph.of(new ConfigParser(registry).parse(config), registry);
    }

    private static long count(List<String> names, String module) {
        return names.stream().filter(n -> n.endsWith("." + module + ".weight") || n.equals(module + ".weight")).count();
    }

    @Test
    void nano9bV2KeepsTheFirstAndLastFourLinearLayersInBf16() {
        ModelGraph g = graph(repoRoot().resolve("examples/configs/nemotron-nano-9b-v2/config.json"));
        List<String> linear = PrecisionPolicy.linearLayers(g);
        // 27 Mamba x (in_proj, out_proj) + 25 MLP x (up, down) + 4 attention x (q, k, v, o) + lm_head
        assertThat(linear).hasSize(27 * 2 + 25 * 2 + 4 * 4 + 1);
        assertThat(count(linear, "in_proj")).isEqualTo(27);
        assertThat(count(linear, "out_proj")).isEqualTo(27);
        assertThat(count(linear, "up_proj")).isEqualTo(25);
        assertThat(count(linear, "down_proj")).isEqualTo(25);
        for (String m : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
            assertThat(count(linear, m)).as(m).isEqualTo(4);
        }
        assertThat(linear.getLast()).isEqualTo("lm_head.weight");
        assertThat(linear).noneMatch(n -> n.contains("embeddings") || n.contains("norm") || n.contains("conv1d"));

        PrecisionPolicy.Plan plan = PrecisionPolicy.nemotronFp8().plan(g);
        // pattern "M-M-...M-": layer 0 Mamba, 1 MLP, ..., 54 Mamba, 55 MLP
        assertThat(plan.layers(Precision.BF16)).containsExactly(
                L + "0.mixer.in_proj.weight", L + "0.mixer.out_proj.weight",
                L + "1.mixer.up_proj.weight", L + "1.mixer.down_proj.weight",
                L + "54.mixer.out_proj.weight",
                L + "55.mixer.up_proj.weight", L + "55.mixer.down_proj.weight",
                "lm_head.weight");
        assertThat(plan.layers(Precision.FP8_E4M3)).hasSize(121 - 8)
                .contains(L + "54.mixer.in_proj.weight", L + "2.mixer.in_proj.weight")
                .allMatch(n -> !n.equals("lm_head.weight"));
        assertThat(plan.byLayer().keySet()).containsExactlyElementsOf(linear);
        // all four attention layers sit in the middle of the model: FP8
        assertThat(plan.layers(Precision.FP8_E4M3)).filteredOn(n -> n.contains("q_proj")).hasSize(4);
        assertThat(plan.precisionOf(L + "2.mixer.in_proj.weight")).isEqualTo(Precision.FP8_E4M3);
        assertThat(plan.precisionOf("lm_head.weight")).isEqualTo(Precision.BF16);
        assertThat(plan.recipe()).isEqualTo(Fp8Recipe.DEFAULT);
        assertThatThrownBy(() -> plan.precisionOf("backbone.embeddings.weight"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a linear layer");
    }

    @Test
    void tinyHybridConfig() {
        ModelGraph g = graph(repoRoot().resolve("examples/configs/tiny-hybrid/config.json"));
        // "M-M*-M-M*-M-": 5 Mamba, 5 MLP, 2 attention
        List<String> linear = PrecisionPolicy.linearLayers(g);
        assertThat(linear).hasSize(5 * 2 + 5 * 2 + 2 * 4 + 1);
        PrecisionPolicy.Plan plan = PrecisionPolicy.nemotronFp8().plan(g);
        assertThat(plan.layers(Precision.BF16)).containsExactly(
                L + "0.mixer.in_proj.weight", L + "0.mixer.out_proj.weight",
                L + "1.mixer.up_proj.weight", L + "1.mixer.down_proj.weight",
                L + "10.mixer.out_proj.weight",
                L + "11.mixer.up_proj.weight", L + "11.mixer.down_proj.weight",
                "lm_head.weight");
        assertThat(plan.layers(Precision.FP8_E4M3)).hasSize(29 - 8).startsWith(
                L + "2.mixer.in_proj.weight", L + "2.mixer.out_proj.weight",
                L + "3.mixer.q_proj.weight", L + "3.mixer.k_proj.weight",
                L + "3.mixer.v_proj.weight", L + "3.mixer.o_proj.weight");
    }

    @Test
    void configurableEdgesAndModelsSmallerThanTheEdges() {
        String json = """
                {"vocab_size": 64, "hidden_size": 16, "hybrid_override_pattern": "M-",
                 "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 8,
                 "intermediate_size": 32, "mamba_num_heads": 2, "mamba_head_dim": 8, "n_groups": 1,
                 "ssm_state_size": 4, "conv_kernel": 4, "chunk_size": 4, "layer_norm_epsilon": 1e-5}
                """;
        ModelGraph g = graph(json);
        List<String> linear = PrecisionPolicy.linearLayers(g);
        assertThat(linear).containsExactly(L + "0.mixer.in_proj.weight", L + "0.mixer.out_proj.weight",
                L + "1.mixer.up_proj.weight", L + "1.mixer.down_proj.weight", "lm_head.weight");
        // 5 linear layers, 4 at each end: all BF16
        assertThat(PrecisionPolicy.nemotronFp8().plan(g).layers(Precision.FP8_E4M3)).isEmpty();
        assertThat(PrecisionPolicy.nemotronFp8().plan(g).layers(Precision.BF16)).hasSize(5);
        PrecisionPolicy.Plan one = PrecisionPolicy.bf16Edges(1).plan(g);
        assertThat(one.layers(Precision.BF16)).containsExactly(L + "0.mixer.in_proj.weight", "lm_head.weight");
        assertThat(one.layers(Precision.FP8_E4M3)).containsExactly(L + "0.mixer.out_proj.weight",
                L + "1.mixer.up_proj.weight", L + "1.mixer.down_proj.weight");
        assertThat(PrecisionPolicy.bf16Edges(0).plan(g).layers(Precision.FP8_E4M3)).hasSize(5);
        assertThat(PrecisionPolicy.fullPrecision().plan(g).layers(Precision.FP32)).hasSize(5);
        PrecisionPolicy asym = new PrecisionPolicy(0, 2, Precision.BF16, Precision.FP8_E4M3, Fp8Recipe.DEFAULT);
        assertThat(asym.plan(g).layers(Precision.BF16)).containsExactly(L + "1.mixer.down_proj.weight", "lm_head.weight");
    }

    @Test
    void linearNames() {
        // the layer types declare their linear weights (ParameterSpec.linear); biases, norms, convs are not
        List<String> linear = PrecisionPolicy.linearLayers(graph(repoRoot().resolve("examples/configs/nemotron-nano-9b-v2/config.json")));
        assertThat(linear).contains("backbone.layers.0.mixer.in_proj.weight", "lm_head.weight")
                .filteredOn(n -> n.contains("q_proj")).isNotEmpty().allMatch(n -> n.endsWith("q_proj.weight"));
        assertThat(linear).noneMatch(n -> n.endsWith(".bias") || n.endsWith("norm.weight") || n.contains("conv1d")
                || n.contains("embeddings") || n.endsWith("A_log") || n.endsWith(".D"));
        assertThatThrownBy(() -> PrecisionPolicy.bf16Edges(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrecisionPolicy.nemotronFp8().plan(List.of("a.in_proj.weight", "a.in_proj.weight")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
