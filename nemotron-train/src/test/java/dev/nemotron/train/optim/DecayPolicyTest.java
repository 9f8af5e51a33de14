package dev.nemotron.train.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DecayPolicyTest {
    private final DecayPolicy policy = DecayPolicy.nemotronDefault();

    @Test
    void matricesDecay() {
        assertThat(List.of(
                "backbone.embeddings.weight",
                "lm_head.weight",
                "backbone.layers.0.mixer.in_proj.weight",
                "backbone.layers.0.mixer.out_proj.weight",
                "backbone.layers.0.mixer.conv1d.weight",
                "backbone.layers.1.mixer.q_proj.weight",
                "backbone.layers.1.mixer.o_proj.weight",
                "backbone.layers.2.mixer.up_proj.weight",
                "backbone.layers.2.mixer.down_proj.weight",
                "backbone.layers.12.mixer.experts.3.up_proj.weight"))
                .allSatisfy(n -> assertThat(policy.decays(n)).as(n).isTrue());
    }

    @Test
    void normsBiasesAndSsmParametersDoNot() {
        assertThat(List.of(
                "backbone.layers.0.norm.weight",
                "backbone.layers.0.mixer.norm.weight",
                "backbone.norm_f.weight",
                "norm_f.weight",
                "backbone.layers.3.input_layernorm.weight",
                "backbone.layers.0.mixer.conv1d.bias",
                "backbone.layers.1.mixer.q_proj.bias",
                "backbone.layers.0.mixer.A_log",
                "backbone.layers.0.mixer.D",
                "backbone.layers.0.mixer.dt_bias",
                "bias"))
                .allSatisfy(n -> assertThat(policy.decays(n)).as(n).isFalse());
    }

    @Test
    void buildsParameterViewsAndCombines() {
        assertThat(policy.parameter("backbone.layers.0.mixer.D", new double[1], new double[1]).weightDecay()).isFalse();
        assertThat(policy.parameter("lm_head.weight", new double[1], new double[1]).weightDecay()).isTrue();
        assertThat(policy.except(n -> n.contains("embeddings")).decays("backbone.embeddings.weight")).isFalse();
        assertThat(DecayPolicy.all().decays("norm_f.weight")).isTrue();
        assertThat(DecayPolicy.none().decays("lm_head.weight")).isFalse();
        // "D" and "A_log" only as the last component: a parameter merely containing the letters decays.
        assertThat(policy.decays("backbone.layers.0.mixer.Dense.weight")).isTrue();
    }
}
