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
    void theProviderDeclaresTrainingExecution() {
        assertThat(CudaBackendProvider.CAPABILITIES).contains(dev.nemotron.api.backend.Capability.TRAINING_EXECUTION);
    }
}
