package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.train.autodiff.core.Parameters;
import org.junit.jupiter.api.Test;

/** The trainer's weights as a WeightSource for nemotron-arch's inference model, no checkpoint written. */
class LiveWeightsTest {
    @Test
    void inferenceModelFromLiveWeightsEqualsTheCheckpointModel() {
        TrainableModel model = TrainableModel.load(ModelTest.FIXTURE);
        LiveWeights live = LiveWeights.snapshot(model.parameters());
        assertThat(live.bytes()).isEqualTo(4 * model.parameters().count());
        int[] ids = ModelTest.tokens(10, 512, 4);
        try (Backend java = Backends.create("java-reference");
             HybridModel fromFile = HybridModel.load(ModelTest.FIXTURE, java);
             HybridModel fromLive = HybridModel.of(model.graph(), live, java)) {
            // the fixture is float32: float64 -> float32 gives the same bits back
            assertThat(fromLive.forward(ids, false).logits()).containsExactly(fromFile.forward(ids, false).logits());
        }
    }

    @Test
    void halfPrecisionSnapshots() {
        TrainableModel model = TrainableModel.load(ModelTest.FIXTURE);
        int[] ids = ModelTest.tokens(8, 512, 6);
        double[] reference = model.logits(ids);
        try (Backend java = Backends.create("java-reference")) {
            for (DType dtype : new DType[] {DType.BF16, DType.F16}) {
                LiveWeights live = LiveWeights.snapshot(model.parameters(), dtype);
                assertThat(live.require("lm_head.weight").dtype()).isEqualTo(dtype);
                assertThat(live.bytes()).isEqualTo(2 * model.parameters().count());
                try (HybridModel half = HybridModel.of(model.graph(), live, java)) {
                    double err = ModelTest.relErr(reference, half.forward(ids, false).logits());
                    // rounded weights: close to the float64 model, but not equal
                    assertThat(err).as("%s logits", dtype).isLessThan(dtype == DType.BF16 ? 3e-2 : 3e-3).isGreaterThan(1e-6);
                }
            }
        }
        assertThatThrownBy(() -> LiveWeights.snapshot(model.parameters(), DType.I64))
                .isInstanceOf(NemotronException.class).hasMessageContaining("F32, BF16 or F16, not I64");
    }

    @Test
    void aSnapshotKeepsTheWeightsOfItsMoment() {
        TrainableModel model = TrainableModel.load(ModelTest.FIXTURE);
        LiveWeights before = LiveWeights.snapshot(model.parameters());
        float first = before.require("lm_head.weight").getFloat(0);
        model.parameters().get("lm_head.weight")[0] += 1.0;
        assertThat(before.require("lm_head.weight").getFloat(0)).isEqualTo(first);
        assertThat(LiveWeights.snapshot(model.parameters()).require("lm_head.weight").getFloat(0))
                .isEqualTo((float) (first + 1.0));
    }

    @Test
    void missingTensorsAreNamed() {
        TrainableModel model = TrainableModel.load(ModelTest.FIXTURE);
        Parameters partial = Parameters.empty().put("backbone.embeddings.weight", new long[] {512, 64}, new double[512 * 64]);
        LiveWeights live = LiveWeights.snapshot(partial);
        assertThatThrownBy(() -> live.require("lm_head.weight")).isInstanceOf(NemotronException.class)
                .hasMessageContaining("no tensor 'lm_head.weight'");
        try (Backend java = Backends.create("java-reference")) {
            assertThatThrownBy(() -> HybridModel.of(model.graph(), live, java)).isInstanceOf(NemotronException.class)
                    .hasMessageContaining("in-memory weights: missing tensor 'backbone.layers.0.norm.weight'");
        }
    }
}
