package dev.nemotron.compress.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.testing.device.FakeDevice;
import dev.nemotron.train.autodiff.ForwardOptions;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.optim.AdamW;
import dev.nemotron.train.trainer.BatchGradients;
import dev.nemotron.train.trainer.DeviceSteps;
import dev.nemotron.train.trainer.TrainingBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link DeviceSteps} with {@link TeacherLoss} (distill on a device) against {@link BatchGradients}
 * on the host, with no GPU: the device here is the host model behind the {@link TrainingExecution}
 * contract, whose soft-target head is this test's own float64 reading of
 * {@link TrainingExecution.SoftTargets} (the semantics the CUDA head implements: the KL over each
 * position's support, averaged over the counted positions of the whole forward). What is checked is
 * DeviceSteps' and the losses' part: the teacher's top-k support, the rows concatenated (or one
 * forward per row), the labels that say which positions count, the mean over rows.
 */
class DeviceDistillTest {
    /** The host model as a device with a soft-target head; gradients summed into {@link #grads}. */
    static final class HostDevice extends FakeDevice.Execution {
        final TrainableModel model;
        final Gradients grads;
        final List<String> forwards = new ArrayList<>();
        final boolean softHead;
        int backwards;

        HostDevice(TrainableModel model, boolean softHead) {
            this.model = model;
            this.grads = model.newGradients();
            this.softHead = softHead;
        }

        @Override
        public DeviceTrainer open(ModelArtifact artifact, String optimizer, OptimizerConfig options) {
            return new FakeDevice.Trainer() {
                SoftTargets armed;
                SoftTargets used;
                int[] ids;
                int[] labels;
                int len;

                @Override
                public Optional<String> softTargetsUnavailable() {
                    return softHead ? Optional.empty() : Optional.of("no soft head in this fake");
                }

                @Override
                public void softTargets(SoftTargets targets) {
                    armed = targets;
                }

                @Override
                public SavedForward forward(int[] ids, int[] labels, int rows, int seqLen) {
                    used = armed;
                    armed = null;
                    assertThat(used).as("soft targets before the forward").isNotNull();
                    assertThat(used.positions()).isEqualTo((long) rows * seqLen);
                    this.ids = ids;
                    this.labels = labels;
                    this.len = seqLen;
                    forwards.add(rows + "x" + seqLen);
                    double loss = 0;
                    for (int r = 0; r < rows; r++) {
                        loss += head(r).compute(logits(r), len, vocab()).loss();
                    }
                    return FakeDevice.savedForward(loss, counted());
                }

                private int vocab() {
                    return model.graph().config().vocabSize();
                }

                private double[] logits(int r) {
                    return model.forward(Arrays.copyOfRange(ids, r * len, (r + 1) * len), ForwardOptions.inference()).logits();
                }

                private long counted() {
                    return Arrays.stream(labels).filter(l -> l != -100).count();
                }

                /** Row r's part of the forward's loss: sum over its counted positions of T^2 l_t, / n of the forward. */
                private Loss head(int r) {
                    long n = counted();
                    return (z, rows, vocab) -> {
                        double[] d = new double[z.length];
                        double sum = 0;
                        int k = used.k();
                        double tt = used.temperature();
                        for (int t = 0; t < rows; t++) {
                            int p = r * len + t;
                            if (labels[p] == -100) {
                                continue;
                            }
                            int[] s = new int[k];
                            for (int i = 0; i < k; i++) {
                                s[i] = used.ids() == null ? i : used.ids()[p * k + i];
                            }
                            double mu = Double.NEGATIVE_INFINITY;
                            double mw = Double.NEGATIVE_INFINITY;
                            for (int i = 0; i < k; i++) {
                                mu = Math.max(mu, z[t * vocab + s[i]] / tt);
                                mw = Math.max(mw, used.logits()[p * k + i] / tt);
                            }
                            double su = 0;
                            double sw = 0;
                            for (int i = 0; i < k; i++) {
                                su += Math.exp(z[t * vocab + s[i]] / tt - mu);
                                sw += Math.exp(used.logits()[p * k + i] / tt - mw);
                            }
                            double[] lq = new double[k];
                            double[] lp = new double[k];
                            double l = 0;
                            for (int i = 0; i < k; i++) {
                                lq[i] = z[t * vocab + s[i]] / tt - mu - Math.log(su);
                                lp[i] = used.logits()[p * k + i] / tt - mw - Math.log(sw);
                                l += used.reverse() ? Math.exp(lq[i]) * (lq[i] - lp[i]) : Math.exp(lp[i]) * (lp[i] - lq[i]);
                            }
                            for (int i = 0; i < k; i++) {
                                double q = Math.exp(lq[i]);
                                double g = used.reverse() ? q * (lq[i] - lp[i] - l) : q - Math.exp(lp[i]);
                                d[t * vocab + s[i]] = tt * g / n;
                            }
                            sum += tt * tt * l / n;
                        }
                        return new Loss.Value(sum, (int) n, d);
                    };
                }

                @Override
                public void backward(SavedForward f) {
                    backwards++;
                    for (int r = 0; r < labels.length / len; r++) {
                        model.lossAndGradients(Arrays.copyOfRange(ids, r * len, (r + 1) * len), head(r), grads);
                    }
                }
            };
        }
    }

    static TrainableModel model(Path dir, long seed) throws Exception {
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("config.json"), DistillJobTest.CONFIG);
        MixerRegistry registry = MixerRegistry.discover();
        return TrainableModel.random(ModelGraph.of(new ConfigParser(registry).parse(config), registry), seed);
    }

    static TrainingBatch batch(int[] lens, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] in = new int[lens.length][];
        int[][] tg = new int[lens.length][];
        for (int b = 0; b < lens.length; b++) {
            in[b] = new int[lens[b]];
            tg[b] = new int[lens[b]];
            for (int t = 0; t < lens[b]; t++) {
                in[b][t] = rnd.nextInt(24);
                tg[b][t] = t < 2 || t == lens[b] - 1 ? -100 : rnd.nextInt(24);
            }
        }
        return new TrainingBatch(in, tg, null);
    }

    @ParameterizedTest(name = "{0} KL, top-k {1}, T {2}, ragged {3}")
    @CsvSource({
        "forward, 0, 2.0, false",
        "forward, 5, 1.0, false",
        "reverse, 7, 1.5, true",
        "reverse, 0, 1.0, true"
    })
    void distillationOnTheDeviceGivesTheHostLossAndGradients(String divergence, int topK, double temperature,
                                                             boolean ragged, @TempDir Path dir) throws Exception {
        TrainableModel student = model(dir.resolve("student"), 3);
        TeacherLoss loss = new TeacherLoss(Teacher.of(model(dir.resolve("teacher"), 8)), temperature,
                Divergence.parse(divergence), topK);
        TrainingBatch batch = batch(ragged ? new int[] {10, 7, 13} : new int[] {12, 12}, 4);
        Gradients host = student.newGradients();
        double hostLoss = new BatchGradients(student, 1).compute(batch.inputs(), loss.losses(batch), host);

        HostDevice device = new HostDevice(student, true);
        double deviceLoss;
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(device), "fp32")) {
            d.open(student, new AdamW(), 0);
            deviceLoss = d.lossAndGradients(batch.inputs(), b -> null, loss.losses(batch));
        }
        // equal rows with equal counted positions: one forward; else one per row, averaged by the device's step
        assertThat(device.forwards).containsExactlyElementsOf(ragged ? List.of("1x10", "1x7", "1x13") : List.of("2x12"));
        double perBackward = 1.0 / device.backwards;
        // float teacher logits on the device: agreement to ~1e-7 of the values
        assertThat(deviceLoss).isCloseTo(hostLoss, org.assertj.core.data.Offset.offset(1e-6 * Math.abs(hostLoss)));
        for (String name : host.names()) {
            double[] want = host.get(name);
            double[] got = device.grads.get(name);
            double scale = 1e-30;
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                worst = Math.max(worst, Math.abs(got[i] * perBackward - want[i]));
            }
            assertThat(worst / scale).as("%s: max |device - host| / max |host|", name).isLessThan(1e-5);
        }
        assertThat(hostLoss).as("a real KL, not 0").isGreaterThan(1e-3);
        assertThat(host.globalNorm()).as("the comparison is not of zeros").isGreaterThan(1e-4);
    }

    @Test
    void packedRowsAndADeviceWithoutASoftHeadAreOneClearError(@TempDir Path dir) throws Exception {
        TrainableModel student = model(dir.resolve("student"), 3);
        TeacherLoss loss = new TeacherLoss(Teacher.of(model(dir.resolve("teacher"), 8)), 1.0, Divergence.FORWARD, 0);
        TrainingBatch batch = batch(new int[] {12, 12}, 4);
        HostDevice device = new HostDevice(student, true);
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(device), "fp32")) {
            d.open(student, new AdamW(), 0);
            assertThatThrownBy(() -> d.lossAndGradients(batch.inputs(), b -> Segments.of(5, 7), loss.losses(batch)))
                    .isInstanceOf(NemotronException.class)
                    .hasMessageContaining("distils unpacked rows")
                    .hasMessageContaining("leave --backend out");
        }
        HostDevice plain = new HostDevice(student, false);
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(plain), "fp32")) {
            d.open(student, new AdamW(), 0);
            assertThatThrownBy(() -> d.lossAndGradients(batch.inputs(), b -> null, loss.losses(batch)))
                    .isInstanceOf(NemotronException.class)
                    .hasMessage("backend 'fake' cannot distil on its device: no soft head in this fake (leave --backend"
                            + " out to train on the host)");
        }
        assertThat(device.forwards).isEmpty();
        assertThat(plain.forwards).isEmpty();
    }
}
