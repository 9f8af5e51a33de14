package dev.nemotron.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.testing.device.FakeDevice;
import dev.nemotron.train.autodiff.ForwardOptions;
import dev.nemotron.train.autodiff.ForwardPass;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.loss.CrossEntropyLoss;
import dev.nemotron.train.autodiff.loss.LogProbLoss;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.autodiff.loss.TokenLogProbs;
import dev.nemotron.train.optim.AdamW;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeviceSteps} with a loss of the token log-probabilities (the DPO and GRPO device path)
 * against {@link BatchGradients} on the host: the device here is the host model itself behind the
 * {@link TrainingExecution} contract (forward: per-row float64 forward; token log-probs; backward
 * with per-position weights: the gradient of sum w CE), so what is checked is DeviceSteps' part:
 * the packed rows split into segments and right-padded, the log-probs scattered back, the loss's
 * weights, the sign and the 1/B.
 */
class DeviceTokenLossTest {
    /** A nonlinear loss of the log-probs: softplus(0.3 S0 - 0.2 S1) + 0.05 sum lp^2 (S: sums before/after split). */
    record SoftplusLoss(int[] targets, int split) implements LogProbLoss {
        @Override
        public Weighted ofLogProbs(double[] v) {
            double s0 = 0;
            double s1 = 0;
            double sq = 0;
            for (int t = 0; t < v.length; t++) {
                if (t < split) {
                    s0 += v[t];
                } else {
                    s1 += v[t];
                }
                sq += v[t] * v[t];
            }
            double z = 0.3 * s0 - 0.2 * s1;
            double sig = 1 / (1 + Math.exp(-z));
            double[] d = new double[v.length];
            int counted = 0;
            for (int t = 0; t < v.length; t++) {
                if (targets[t] != CrossEntropy.IGNORE_INDEX) {
                    counted++;
                    d[t] = (t < split ? 0.3 : -0.2) * sig + 0.1 * v[t];
                }
            }
            return new Weighted(Math.log1p(Math.exp(z)) + 0.05 * sq, counted, d);
        }
    }

    /**
     * The host model as a device trainer: float64 forward per row; gradients summed into {@link #grads}
     * over the {@link #backwards} passes; its step is the CUDA trainer's (nmc_trainer_step): the sum
     * divided by the passes, clipped, then AdamW (default hyper-parameters) on {@link #model} itself.
     */
    static final class HostDevice extends FakeDevice.Execution {
        final TrainableModel model;
        final Gradients grads;
        final List<String> forwards = new ArrayList<>();
        int backwards;
        private final dev.nemotron.api.optim.Optimizer adamw = dev.nemotron.train.optim.Optimizers.create("adamw",
                OptimizerConfig.of(java.util.Map.of()));
        private long steps;

        HostDevice(TrainableModel model) {
            this.model = model;
            this.grads = model.newGradients();
        }

        /** The gradients the device's step uses: the sum over the backward passes divided by their number. */
        double[] meanGradient(String name) {
            double[] g = grads.get(name).clone();
            for (int i = 0; i < g.length; i++) {
                g[i] /= backwards;
            }
            return g;
        }

        private double step(double lr, double maxGradNorm) {
            if (backwards == 0) {
                throw new AssertionError("step without a backward pass since the last step");
            }
            grads.scale(1.0 / backwards);
            List<dev.nemotron.api.optim.Parameter> params = new ArrayList<>();
            for (var p : model.parameters().all()) {
                params.add(new dev.nemotron.api.optim.Parameter(p.name(), p.data(), grads.get(p.name()),
                        dev.nemotron.train.optim.DecayPolicy.nemotronDefault().decays(p.name())));
            }
            var group = dev.nemotron.api.optim.ParameterGroup.of(params);
            double norm = maxGradNorm > 0 ? dev.nemotron.train.optim.GradientClipping.clipGlobalNorm(group, maxGradNorm)
                    : dev.nemotron.train.optim.GradientClipping.globalNorm(group);
            adamw.step(group, ++steps, lr);
            grads.zero();
            backwards = 0;
            return norm;
        }

        @Override
        public DeviceTrainer open(ModelArtifact artifact, String optimizer, OptimizerConfig options) {
            return new FakeDevice.Trainer() {
                int[] ids;
                int[] labels;
                int rows;
                int len;

                @Override
                public SavedForward forward(int[] ids, int[] labels, int rows, int seqLen) {
                    this.ids = ids;
                    this.labels = labels;
                    this.rows = rows;
                    this.len = seqLen;
                    forwards.add(rows + "x" + seqLen);
                    return FakeDevice.savedForward(Double.NaN, 0);
                }

                private int[] part(int[] a, int r) {
                    return java.util.Arrays.copyOfRange(a, r * len, (r + 1) * len);
                }

                @Override
                public Optional<String> tokenWeightsUnavailable() {
                    return Optional.empty();
                }

                @Override
                public float[] tokenLogProbs(SavedForward f) {
                    float[] out = new float[rows * len];
                    for (int r = 0; r < rows; r++) {
                        ForwardPass pass = model.forward(part(ids, r), ForwardOptions.training());
                        double[] v = TokenLogProbs.of(pass.logits(), pass.rows(), pass.vocab(), part(labels, r)).values();
                        for (int t = 0; t < len; t++) {
                            out[r * len + t] = (float) v[t];
                        }
                    }
                    return out;
                }

                @Override
                public void backward(SavedForward f, float[] weights) {
                    for (int r = 0; r < rows; r++) {
                        int[] targets = part(labels, r);
                        double[] minusW = new double[len];
                        for (int t = 0; t < len; t++) {
                            minusW[t] = -weights[r * len + t];
                        }
                        // d (sum_t w_t CE_t) / d logits = TokenLogProbs.backward(-w)
                        Loss weighted = (logits, n, vocab) -> {
                            TokenLogProbs lp = TokenLogProbs.of(logits, n, vocab, targets);
                            return new Loss.Value(0, lp.count(), lp.backward(minusW));
                        };
                        model.lossAndGradients(part(ids, r), weighted, grads);
                    }
                    backwards++;
                }

                @Override
                public void backward(SavedForward f) {
                    throw new AssertionError("the plain backward is not the token-loss path");
                }

                @Override
                public double step(double learningRate, double maxGradNorm) {
                    return HostDevice.this.step(learningRate, maxGradNorm);
                }
            };
        }
    }

    @Test
    void packedRowsOnTheDeviceGiveTheHostLossAndGradients(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        // two packed rows of two samples each (DPO's chosen ++ rejected), some targets ignored
        Segments[] segments = {Segments.of(5, 4), Segments.of(3, 7)};
        SplittableRandom rnd = new SplittableRandom(4);
        int[][] inputs = new int[2][];
        List<SoftplusLoss> losses = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            int n = segments[b].length();
            inputs[b] = new int[n];
            int[] targets = new int[n];
            for (int t = 0; t < n; t++) {
                inputs[b][t] = rnd.nextInt(24);
                targets[t] = t % 4 == 0 ? -100 : rnd.nextInt(24);
            }
            losses.add(new SoftplusLoss(targets, segments[b].length(0)));
        }
        Gradients host = model.newGradients();
        double hostLoss = new BatchGradients(model, 1).compute(inputs, List.of(segments), losses, host);

        HostDevice device = new HostDevice(model);
        double deviceLoss;
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(device), "fp32")) {
            d.open(model, new AdamW(), 0);
            d.requireTokenLosses("the test loss");
            deviceLoss = d.lossAndGradients(inputs, b -> segments[b], losses);
        }
        // the four segments as one forward, padded to the longest (7)
        assertThat(device.forwards).containsExactly("4x7");
        assertThat(deviceLoss).isCloseTo(hostLoss, org.assertj.core.data.Offset.offset(1e-6 * Math.abs(hostLoss)));
        DevicePackedRowsTest.assertSameGradients(host, device.grads::get, 1e-5);
    }

    /** A BatchLoss of SoftplusLoss per row (split 5) whose metric is the number of rows it last saw. */
    static final class SoftplusBatchLoss implements BatchLoss {
        int rows;

        @Override
        public List<? extends Loss> losses(TrainingBatch batch) {
            rows = batch.inputs().length;
            List<SoftplusLoss> out = new ArrayList<>();
            for (int[] t : batch.targets()) {
                out.add(new SoftplusLoss(t, 5));
            }
            return out;
        }

        @Override
        public java.util.Map<String, Double> metrics() {
            return java.util.Map.of("rows_seen", (double) rows);
        }
    }

    private static Trainer trainer(Path dir, TrainableModel model) {
        return new Trainer(model, dev.nemotron.train.optim.Optimizers.create("adamw", OptimizerConfig.of(java.util.Map.of())),
                new dev.nemotron.train.schedule.ConstantSchedule(1e-2), dev.nemotron.train.optim.DecayPolicy.nemotronDefault(),
                new TrainerTest.CountingData(), new TrainerConfig(1, 1.0, 0, 1), dir.resolve("config.json"),
                dir.resolve("run"));
    }

    /** The Trainer with a stage loss (DPO's way in) on a device: step 1 has the host run's loss and the loss's metrics. */
    @Test
    void theTrainerRunsAStageLossOnTheDevice(@TempDir Path dir) throws Exception {
        List<Double> host = new ArrayList<>();
        trainer(dir.resolve("host"), BatchGradientsTest.model(dir.resolve("host"))).minimise(new SoftplusBatchLoss())
                .run(m -> host.add(m.loss()));
        TrainableModel model = BatchGradientsTest.model(dir.resolve("device"));
        HostDevice device = new HostDevice(model);
        List<Double> dev = new ArrayList<>();
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(device), "fp32")) {
            trainer(dir.resolve("device"), model).minimise(new SoftplusBatchLoss()).onDevice(d).run(m -> dev.add(m.loss()));
        }
        assertThat(device.forwards).containsExactly("2x12");
        assertThat(dev).hasSize(1);
        assertThat(dev.get(0)).isCloseTo(host.get(0), org.assertj.core.data.Offset.offset(1e-6 * Math.abs(host.get(0))));
        String metrics = java.nio.file.Files.readString(dir.resolve("device/run/metrics.jsonl"));
        assertThat(metrics).contains("\"rows_seen\":2.0");
    }

    @Test
    void aLossThatNeedsTheLogitsIsRefusedBeforeTheForward(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        HostDevice device = new HostDevice(model);
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(device), "fp32")) {
            d.open(model, new AdamW(), 0);
            assertThatThrownBy(() -> d.lossAndGradients(new int[][] {{1, 2, 3}}, b -> null,
                    List.of(new CrossEntropyLoss(new int[] {2, 3, -100}))))
                    .isInstanceOf(NemotronException.class)
                    .hasMessageContaining("losses of the token log-probabilities")
                    .hasMessageContaining("not CrossEntropyLoss; leave --backend out");
        }
        assertThat(device.forwards).isEmpty();
    }

    @Test
    void aDeviceWithoutTokenWeightsRefusesTheStageLossInOneLine(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(new DeviceStepsTest.Recorder()), "fp32")) {
            d.open(model, new AdamW(), 0);
            assertThatThrownBy(() -> d.requireTokenLosses("the DPO loss"))
                    .isInstanceOf(NemotronException.class)
                    .hasMessage("backend 'fake' cannot run the DPO loss on its device: this device trainer minimises the"
                            + " mean cross-entropy only (leave --backend out to train on the host)");
        }
    }
}
