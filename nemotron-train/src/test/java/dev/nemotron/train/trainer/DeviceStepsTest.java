package dev.nemotron.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.testing.device.FakeDevice;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.fp8.PrecisionPolicy;
import dev.nemotron.train.optim.AdamW;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host side of device training ({@link DeviceSteps}) against a recording fake device: what it
 * opens, how a batch is split into forward passes, what comes back to the host model.
 */
class DeviceStepsTest {
    /** A device trainer that records its calls; losses are 1 + the row count of the call. */
    static class Recorder extends FakeDevice.Execution {
        final List<String> calls = new ArrayList<>();
        ModelArtifact opened;
        OptimizerConfig options;
        final Map<String, float[]> uploaded = new HashMap<>();
        long steps = -1;

        @Override
        public DeviceTrainer open(ModelArtifact artifact, String optimizer, OptimizerConfig options) {
            opened = artifact;
            this.options = options;
            calls.add("open " + optimizer);
            return trainer();
        }

        /** The trainer {@link #open} returns; a subclass adds to it. */
        RecordingTrainer trainer() {
            return new RecordingTrainer();
        }

        class RecordingTrainer extends FakeDevice.Trainer {
            @Override
            public SavedForward forward(int[] ids, int[] labels, int rows, int seqLen) {
                calls.add("forward " + rows + "x" + seqLen);
                return FakeDevice.savedForward(1 + rows, ids.length);
            }

            @Override
            public void backward(SavedForward forward) {
                calls.add("backward");
            }

            @Override
            public double step(double learningRate, double maxGradNorm) {
                calls.add("step " + learningRate + " " + maxGradNorm);
                return 0.5;
            }

            @Override
            public void downloadWeights(WeightSink sink) {
                sink.accept("backbone.norm_f.weight", new long[] {16}, filled(7f));
            }

            @Override
            public void downloadState(StateSlot slot, WeightSink sink) {
                sink.accept("backbone.norm_f.weight", new long[] {16}, filled(slot == StateSlot.EXP_AVG ? 2f : 3f));
            }

            @Override
            public void uploadState(StateSlot slot, String name, float[] values) {
                uploaded.put(slot.key() + "/" + name, values);
            }

            @Override
            public void optimizerSteps(long n) {
                steps = n;
            }

            @Override
            public void gemmPrecision(String weightName, DType precision) {
                calls.add("gemm " + weightName + " " + precision);
            }

            @Override
            public void close() {
                calls.add("close");
            }
        }
    }

    static float[] filled(float v) {
        float[] a = new float[16];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void aBackendWithoutTrainingExecutionIsOneClearError() {
        assertThatThrownBy(() -> DeviceSteps.of(FakeDevice.backend(null), "fp32"))
                .isInstanceOf(NemotronException.class)
                .hasMessageContaining("backend 'fake' does not train on a device")
                .hasMessageContaining("--backend cuda");
    }

    @Test
    void opensFromTheHostWeightsAndOptimizerState(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        AdamW adamw = new AdamW(new AdamW.Hyper(0.8, 0.9, 1e-7, 0.05));
        double[] m = {0.25};
        adamw.load(new OptimizerState(Map.of("exp_avg/x", m, "exp_avg_sq/x", new double[] {0.5})));
        Recorder r = new Recorder();
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(r), "bf16")) {
            d.open(model, adamw, 12);
        }
        assertThat(r.calls).containsExactly("open adamw", "close");
        assertThat(r.options.options()).containsEntry("beta1", "0.8").containsEntry("beta2", "0.9")
                .containsEntry("eps", "1.0E-7").containsEntry("weight_decay", "0.05");
        var spec = ((ModelArtifact.HfModel) r.opened).spec();
        assertThat(spec.computeType()).isEqualTo(DType.BF16);
        assertThat(spec.pattern()).isEqualTo(model.graph().config().pattern());
        assertThat(r.uploaded).containsOnlyKeys("exp_avg/x", "exp_avg_sq/x");
        assertThat(r.uploaded.get("exp_avg/x")).containsExactly(0.25f);
        assertThat(r.steps).isEqualTo(12);
    }

    @Test
    void anFp8ModelRunsItsPlanOnTheDevice(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        model.precision(PrecisionPolicy.bf16Edges(1));
        List<String> linear = PrecisionPolicy.linearLayers(model.graph());
        assertThat(linear).hasSizeGreaterThan(2);
        Recorder r = new Recorder();
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(r), "fp32")) {
            d.open(model, new AdamW(), 0);
        }
        List<String> expected = new ArrayList<>();
        expected.add("open adamw");
        for (int i = 0; i < linear.size(); i++) {
            boolean edge = i == 0 || i == linear.size() - 1;
            expected.add("gemm " + linear.get(i) + " " + (edge ? "BF16" : "F8_E4M3"));
        }
        expected.add("close");
        assertThat(r.calls).containsExactlyElementsOf(expected);
    }

    @Test
    void equalRowsRunAsOneForwardOtherwiseOnePerRow(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        Recorder r = new Recorder();
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(r), "fp32")) {
            d.open(model, new AdamW(), 0);
            // two rows of 3, one kept position less in neither: one call of 2 x 3
            double loss = d.lossAndGradients(new TrainingBatch(new int[][] {{1, 2, 3}, {4, 5, 6}},
                    new int[][] {{2, 3, -100}, {5, 6, -100}}));
            assertThat(loss).isEqualTo(3);  // 1 + rows
            // unequal kept counts: one call per row, the mean of the row losses
            double perRow = d.lossAndGradients(new TrainingBatch(new int[][] {{1, 2, 3}, {4, 5, 6}},
                    new int[][] {{2, 3, 4}, {5, -100, -100}}));
            assertThat(perRow).isEqualTo(2);
            assertThat(d.step(0.01, 1.0)).isEqualTo(0.5);
        }
        assertThat(r.calls).containsExactly("open adamw", "forward 2x3", "backward", "forward 1x3", "backward",
                "forward 1x3", "backward", "step 0.01 1.0", "close");
    }

    /**
     * Data parallel: the device all-reduces every backward pass, so a rank whose rows are equal runs one
     * per row when another rank's are not (else one rank would run 1 pass and the other 2: a hang); when
     * every rank's rows are equal, each keeps its one forward.
     */
    @Test
    void dataParallelRanksRunOneForwardOnlyWhenEveryRankCan(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        int[][] in = {{1, 2, 3}, {4, 5, 6}, {1, 2, 3}, {4, 5, 6}};
        TrainingBatch ragged = new TrainingBatch(in, new int[][] {{2, 3, -100}, {5, 6, -100}, {2, 3, 4}, {5, -100, -100}});
        TrainingBatch equal = new TrainingBatch(in, new int[][] {{2, 3, -100}, {5, 6, -100}, {2, 3, 4}, {5, 6, 7}});
        Recorder r = new Recorder();
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(r), "fp32")) {
            d.open(model, new AdamW(), 0);
            d.dataParallelRank(0, 2);
            assertThat(d.lossAndGradients(DataParallel.shard(ragged, 0, 2), ragged)).isEqualTo(2);  // rank 0's rows are equal
            assertThat(d.lossAndGradients(DataParallel.shard(equal, 0, 2), equal)).isEqualTo(3);
        }
        assertThat(r.calls).containsExactly("open adamw", "forward 1x3", "backward", "forward 1x3", "backward",
                "forward 2x3", "backward", "close");
    }

    @Test
    void syncBringsWeightsAndMomentsToTheHost(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        AdamW adamw = new AdamW();
        Recorder r = new Recorder();
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(r), "fp32")) {
            d.open(model, adamw, 0);
            d.syncTo(model, adamw);
        }
        assertThat(model.parameters().get("backbone.norm_f.weight")[0]).isEqualTo(7.0);
        assertThat(model.parameters().get("backbone.norm_f.weight")).hasSize(16).containsOnly(7.0);
        assertThat(adamw.state().get("exp_avg/backbone.norm_f.weight")).hasSize(16).containsOnly(2.0);
        assertThat(adamw.state().get("exp_avg_sq/backbone.norm_f.weight")).hasSize(16).containsOnly(3.0);
    }
}
