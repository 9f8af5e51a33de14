package dev.nemotron.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.testing.device.FakeDevice;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.optim.AdamW;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-entropy of packed rows on a device ({@link DeviceSteps}, {@link PackedRowsOnDevice}) against
 * the host trainer's packed cross-entropy ({@link BatchGradients} with segments). The device is
 * {@link DeviceTokenLossTest.HostDevice}: the float64 host model behind the device contract, its
 * rows run one by one WITHOUT segments (as the device's rows), its step the CUDA trainer's (the sum of
 * the backward passes' gradients divided by their number). So a piece dropped, run twice, cut at the
 * wrong place or weighted wrongly changes the gradients checked here; the seams are kept apart only
 * by the cutting into pieces.
 */
class DevicePackedRowsTest {
    /** A packed row: random ids, random targets with some ignored, the samples {@code lengths}. */
    static TrainingBatch packed(long seed, int[]... lengths) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] in = new int[lengths.length][];
        int[][] tg = new int[lengths.length][];
        Segments[] seg = new Segments[lengths.length];
        for (int b = 0; b < lengths.length; b++) {
            seg[b] = Segments.of(lengths[b]);
            in[b] = new int[seg[b].length()];
            tg[b] = new int[seg[b].length()];
            for (int t = 0; t < in[b].length; t++) {
                in[b][t] = rnd.nextInt(24);
                tg[b][t] = rnd.nextInt(4) == 0 ? -100 : rnd.nextInt(24);
            }
        }
        return new TrainingBatch(in, tg, seg);
    }

    /** Ignores every target of sample {@code i} of row {@code b}. */
    static void ignoreSample(TrainingBatch batch, int b, int i) {
        Segments s = batch.segments(b);
        java.util.Arrays.fill(batch.targets()[b], s.start(i), s.start(i) + s.length(i), -100);
    }

    record Run(double loss, DeviceTokenLossTest.HostDevice device) {
    }

    static Run onDevice(TrainableModel model, Function<DeviceSteps, Double> call) {
        DeviceTokenLossTest.HostDevice device = new DeviceTokenLossTest.HostDevice(model);
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(device), "fp32")) {
            d.open(model, new AdamW(), 0);
            return new Run(call.apply(d), device);
        }
    }

    /** max |device - host| / max |host| over every tensor below {@code tol}, and the host's gradients not all ~0. */
    static void assertSameGradients(Gradients host, Function<String, double[]> device, double tol) {
        for (String name : host.names()) {
            double[] want = host.get(name);
            double[] got = device.apply(name);
            double scale = 1e-30;
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                worst = Math.max(worst, Math.abs(got[i] - want[i]));
            }
            assertThat(worst / scale).as("%s: max |device - host| / max |host| (host max %s)", name, scale)
                    .isLessThan(tol);
        }
        assertThat(host.globalNorm()).isGreaterThan(1e-3);
    }

    /** The forwards' padded tokens, from the device's "P x W" records. */
    static List<Long> padded(DeviceTokenLossTest.HostDevice device) {
        return device.forwards.stream().map(f -> {
            String[] pw = f.split("x");
            return Long.parseLong(pw[0]) * Long.parseLong(pw[1]);
        }).toList();
    }

    @Test
    void packedRowsGiveTheHostsPackedCrossEntropyAndGradients(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        // samples of many lengths (1 to 12), a row of one sample, a sample without a counted position
        TrainingBatch batch = packed(7, new int[] {5, 3, 4}, new int[] {12}, new int[] {2, 6, 4}, new int[] {1, 1, 10});
        ignoreSample(batch, 2, 1);
        Gradients host = model.newGradients();
        double hostLoss = new BatchGradients(model, 1).compute(batch, host);

        Run run = onDevice(model, d -> d.lossAndGradients(batch));
        assertThat(run.loss()).isCloseTo(hostLoss, Offset.offset(1e-6 * Math.abs(hostLoss)));
        assertSameGradients(host, run.device()::meanGradient, 1e-6);
        // several forwards (12-long and 1-long pieces cannot share one within the padding bound), each
        // at most the unpacked batch's 4 x 12 tokens, one backward each
        assertThat(run.device().forwards).hasSizeGreaterThan(1).hasSizeLessThanOrEqualTo(PieceBuckets.maxForwards(12));
        assertThat(padded(run.device())).allMatch(t -> t <= 4 * 12);
        assertThat(run.device().backwards).isEqualTo(run.device().forwards.size());
        // the sample with no counted position is not run: the pieces' positions are the other 10 samples'
        assertThat(padded(run.device()).stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(2 * (48 - 6));
    }

    @Test
    void aRowWithoutCountedPositionsAddsNothingButCountsInTheMean(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        TrainingBatch batch = packed(11, new int[] {4, 5}, new int[] {3, 6});
        java.util.Arrays.fill(batch.targets()[1], -100);
        Gradients host = model.newGradients();
        double hostLoss = new BatchGradients(model, 1).compute(batch, host);
        Run run = onDevice(model, d -> d.lossAndGradients(batch));
        assertThat(run.loss()).isCloseTo(hostLoss, Offset.offset(1e-6 * Math.abs(hostLoss)));
        assertSameGradients(host, run.device()::meanGradient, 1e-6);
        // only row 0's two samples went down: one forward [2, 5]
        assertThat(run.device().forwards).containsExactly("2x5");
    }

    @Test
    void aBatchWithNothingCountedStillGivesTheDeviceOneZeroPass(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        TrainingBatch batch = packed(3, new int[] {2, 3}, new int[] {5});
        for (int[] t : batch.targets()) {
            java.util.Arrays.fill(t, -100);
        }
        DeviceTokenLossTest.HostDevice device = new DeviceTokenLossTest.HostDevice(model);
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(device), "fp32")) {
            d.open(model, new AdamW(), 0);
            assertThat(d.lossAndGradients(batch)).isZero();
            assertThat(device.forwards).containsExactly("1x1");
            assertThat(device.grads.globalNorm()).isZero();
            d.step(1e-3, 1.0);  // the device's step needs a backward pass: there was one
        }
    }

    @Test
    void unpackedBatchesKeepTheirDeviceCallsAndPackedOnesNeedTokenWeights(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir);
        DeviceStepsTest.Recorder r = new DeviceStepsTest.Recorder();  // cross-entropy only: no token weights
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(r), "fp32")) {
            d.open(model, new AdamW(), 0);
            // segments given, one sample per row: the unpacked uniform forward, as before segments existed
            d.lossAndGradients(new TrainingBatch(new int[][] {{1, 2, 3}, {4, 5, 6}}, new int[][] {{2, 3, -100}, {5, 6, -100}},
                    new Segments[] {Segments.single(3), Segments.single(3)}));
            assertThatThrownBy(() -> d.lossAndGradients(packed(1, new int[] {1, 2}, new int[] {3})))
                    .isInstanceOf(NemotronException.class)
                    .hasMessage("backend 'fake' cannot train packed rows on its device: this device trainer minimises the mean"
                            + " cross-entropy only (train one sample per row, e.g. sft --no-pack, or leave --backend out to"
                            + " train on the host)");
        }
        assertThat(r.calls).containsExactly("open adamw", "forward 2x3", "backward", "close");
    }

    /**
     * Two data-parallel ranks of one global batch whose shards need different numbers of forwards: both
     * run as many backward passes (the device all-reduces each), and the sum of their gradient sums over
     * (passes x ranks), the CUDA step's mean, is the host's packed cross-entropy of the global batch.
     */
    @Test
    void dataParallelRanksRunEqualPassesAndAverageToTheGlobalBatch(@TempDir Path dir) throws Exception {
        TrainableModel model = BatchGradientsTest.model(dir.resolve("host"));
        TrainingBatch global = packed(5, new int[] {9, 1, 2}, new int[] {6, 3, 1, 2}, new int[] {12}, new int[] {12});
        Gradients host = model.newGradients();
        double hostLoss = new BatchGradients(model, 1).compute(global, host);
        int shard0 = PackedRowsOnDevice.plan(DataParallel.shard(global, 0, 2)).size();
        int shard1 = PackedRowsOnDevice.plan(DataParallel.shard(global, 1, 2)).size();
        assertThat(shard0).isGreaterThan(shard1);  // the case: rank 1 alone would run fewer passes
        List<Run> ranks = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int rank = r;
            TrainableModel m = BatchGradientsTest.model(dir.resolve("rank" + r));
            ranks.add(onDevice(m, d -> {
                d.dataParallelRank(rank, 2);
                return d.lossAndGradients(DataParallel.shard(global, rank, 2), global);
            }));
        }
        assertThat(ranks.get(0).device().backwards).isEqualTo(shard0);
        assertThat(ranks.get(1).device().backwards).isEqualTo(shard0);
        assertThat(ranks.get(1).device().forwards).endsWith("1x1");
        double loss = (ranks.get(0).loss() + ranks.get(1).loss()) / 2;
        assertThat(loss).isCloseTo(hostLoss, Offset.offset(1e-6 * Math.abs(hostLoss)));
        assertSameGradients(host, name -> {
            double[] a = ranks.get(0).device().grads.get(name);
            double[] b = ranks.get(1).device().grads.get(name);
            double[] mean = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                mean[i] = (a[i] + b[i]) / (2.0 * shard0);
            }
            return mean;
        }, 1e-6);
    }

    private static Trainer trainer(Path dir, TrainableModel model) {
        return new Trainer(model, dev.nemotron.train.optim.Optimizers.create("adamw", OptimizerConfig.of(Map.of())),
                new dev.nemotron.train.schedule.ConstantSchedule(1e-2), dev.nemotron.train.optim.DecayPolicy.nemotronDefault(),
                new PackedTrainingTest.PackedCounting(), new TrainerConfig(4, 1.0, 0, 1), dir.resolve("config.json"), dir.resolve("run"));
    }

    /**
     * SFT's way in: the Trainer on packed batches (PackedTrainingTest's counting samples of 3-7 tokens,
     * the last target of each ignored, as SFT's packer leaves them), on the device and on the host,
     * gives the same loss curve and gradient norms.
     */
    @Test
    void theTrainerTrainsPackedRowsOnTheDeviceAsOnTheHost(@TempDir Path dir) throws Exception {
        List<StepMetrics> host = new ArrayList<>();
        trainer(dir.resolve("host"), BatchGradientsTest.model(dir.resolve("host"))).run(host::add);
        TrainableModel model = BatchGradientsTest.model(dir.resolve("device"));
        DeviceTokenLossTest.HostDevice device = new DeviceTokenLossTest.HostDevice(model);
        List<StepMetrics> dev = new ArrayList<>();
        try (DeviceSteps d = DeviceSteps.of(FakeDevice.backend(device), "fp32")) {
            trainer(dir.resolve("device"), model).onDevice(d).run(dev::add);
        }
        assertThat(dev).hasSize(4);
        for (int s = 0; s < 4; s++) {
            assertThat(dev.get(s).loss()).as("step %d loss", s + 1)
                    .isCloseTo(host.get(s).loss(), Offset.offset(1e-5 * host.get(s).loss()));
            assertThat(dev.get(s).gradNorm()).as("step %d gradient norm", s + 1)
                    .isCloseTo(host.get(s).gradNorm(), Offset.offset(1e-5 * host.get(s).gradNorm()));
        }
        assertThat(host.get(3).loss()).isNotCloseTo(host.get(0).loss(), Offset.offset(1e-3));  // the weights moved
    }
}
