package dev.nemotron.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.train.optim.DecayPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Host-side checks of the device trainer's Java logic (no GPU needed). */
class CudaTrainingExecutionTest {
    @Test
    void weightDecayRuleIsTheHostTrainersOnEveryFixtureParameter() {
        List<String> names = new ArrayList<>();
        for (String fixture : List.of("tiny-nemotron-h-a", "tiny-nemotron-h-a-bf16")) {
            try (Checkpoint c = Checkpoint.open(Fixtures.dir(fixture))) {
                names.addAll(c.names());
            }
        }
        // names the fixtures lack: biases of every kind, a tied head, prefixes
        names.addAll(List.of("backbone.layers.3.mixer.q_proj.bias", "backbone.layers.0.mixer.in_proj.bias",
                "backbone.layers.1.mixer.up_proj.bias", "backbone.layers.0.mixer.conv1d.bias", "model.norm_f.weight",
                "backbone.layers.0.mixer.norm.weight", "backbone.layers.0.norm.weight", "lm_head.weight"));
        DecayPolicy host = DecayPolicy.nemotronDefault();
        long decayed = names.stream().filter(CudaTrainingExecution::decays).count();
        assertThat(decayed).isPositive().isLessThan(names.size());
        for (String n : names) {
            assertThat(CudaTrainingExecution.decays(n)).as(n).isEqualTo(host.decays(n));
        }
    }

    @Test
    void trainingExecutionOpensHfModels() {
        // opens() needs no library: it only names the artifact kinds
        assertThat(new CudaTrainingExecution(null).opens(dev.nemotron.api.backend.ModelArtifact.HfModel.class)).isTrue();
    }

    @Test
    void anOptimizerOtherThanAdamWIsOneClearError() {
        // refused before the library is touched
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CudaTrainingExecution(null).open(null, "lion",
                        dev.nemotron.api.optim.OptimizerConfig.defaults()))
                .isInstanceOf(dev.nemotron.api.NemotronException.class)
                .hasMessageContaining("runs the optimizer adamw, not 'lion'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CudaTrainingExecution(null).open(null, "adamw",
                        dev.nemotron.api.optim.OptimizerConfig.of(java.util.Map.of("betta1", "0.9"))))
                .isInstanceOf(dev.nemotron.api.NemotronException.class)
                .hasMessageContaining("unknown optimizer option(s) [betta1]");
    }
}
