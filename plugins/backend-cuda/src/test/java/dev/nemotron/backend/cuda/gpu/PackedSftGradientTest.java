package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.ModelArtifact;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.api.backend.TrainingExecution.StateSlot;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.optim.OptimizerConfig;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.optim.AdamW;
import dev.nemotron.train.trainer.BatchGradients;
import dev.nemotron.train.trainer.DeviceSteps;
import dev.nemotron.train.trainer.TrainingBatch;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SFT's packed cross-entropy on the device ({@code sft --backend cuda}: {@link DeviceSteps} cuts the
 * packed rows into one piece per sample, in length buckets, over the CUDA trainer's token log-probs
 * and token-weighted backward) against the float64 host trainer ({@link BatchGradients} with the rows'
 * segments) on the fixture {@code tiny-nemotron-h-a} (or {@code -Dnemotron.gputrain.model=DIR}): the
 * loss and every tensor's gradient, fp32, within {@link AlignmentGradientTest#BOUND}. The device's
 * gradient is its sum over the backward passes divided by their number (what its step uses), so the
 * test counts the passes through a wrapper of the trainer. Prints the losses, the passes and the worst
 * tensor. Written without a GPU at hand: not run yet.
 */
@Tag("gpu")
class PackedSftGradientTest {
    @Test
    void packedSftRowsOnTheDeviceMatchTheHostTrainer() {
        Gpu.backend().close();  // skipped (with the reason) without a usable GPU, before any host work
        TrainingFixture.Host host = new TrainingFixture.Host(TrainingFixture.modelDir());
        int vocab = TrainingFixture.config(TrainingFixture.modelDir()).view().getInt("vocab_size");
        // rows of 56: samples of 3 to 56 tokens, a row of one sample, a sample with nothing counted
        int[][] lengths = {{17, 9, 30}, {56}, {5, 3, 40, 8}};
        SplittableRandom rnd = new SplittableRandom(53);
        int[][] in = new int[lengths.length][];
        int[][] tg = new int[lengths.length][];
        Segments[] seg = new Segments[lengths.length];
        for (int b = 0; b < lengths.length; b++) {
            seg[b] = Segments.of(lengths[b]);
            in[b] = new int[seg[b].length()];
            tg[b] = new int[seg[b].length()];
            for (int i = 0; i < seg[b].count(); i++) {
                for (int l = 0; l < seg[b].length(i); l++) {
                    int t = seg[b].start(i) + l;
                    in[b][t] = rnd.nextInt(vocab);
                    // a 2-token prompt, no target past the sample's end; sample 1 of row 2 counts nothing
                    boolean ignored = l < 2 || l == seg[b].length(i) - 1 || (b == 2 && i == 1);
                    tg[b][t] = ignored ? -100 : rnd.nextInt(vocab);
                }
            }
        }
        TrainingBatch batch = new TrainingBatch(in, tg, seg);
        Gradients g = host.model.newGradients();
        double hostLoss = new BatchGradients(host.model, 1).compute(batch, g);

        Counting counting = new Counting(Gpu.backend().trainingExecution().orElseThrow());
        Backend wrapper = new Backend() {
            @Override
            public String name() {
                return "cuda";
            }

            @Override
            public Set<Capability> capabilities() {
                return Set.of(Capability.TRAINING_EXECUTION);
            }

            @Override
            public Optional<TrainingExecution> trainingExecution() {
                return Optional.of(counting);
            }
        };
        AlignmentGradientTest.Run dev;
        try (DeviceSteps d = DeviceSteps.of(wrapper, "fp32")) {
            d.open(host.model, new AdamW(), 0);
            double loss = d.lossAndGradients(batch);
            Map<String, double[]> sum = TrainingFixture.download(counting.opened, StateSlot.GRADIENT);
            sum.values().forEach(a -> {
                for (int i = 0; i < a.length; i++) {
                    a[i] /= counting.backwards;
                }
            });
            dev = new AlignmentGradientTest.Run(loss, sum);
        }
        System.out.printf("packed SFT: %d device forward/backward passes%n", counting.backwards);
        assertThat(counting.backwards).isGreaterThan(1);  // 56-long and 3-long samples do not share a forward
        AlignmentGradientTest.check("packed SFT", hostLoss, g, dev);
    }

    /** The CUDA training execution; its trainer counts the backward passes. */
    private static final class Counting implements TrainingExecution {
        private final TrainingExecution inner;
        DeviceTrainer opened;
        int backwards;

        Counting(TrainingExecution inner) {
            this.inner = inner;
        }

        @Override
        public boolean opens(Class<? extends ModelArtifact> kind) {
            return inner.opens(kind);
        }

        @Override
        public DeviceTrainer open(ModelArtifact artifact, String optimizer, OptimizerConfig options) {
            opened = inner.open(artifact, optimizer, options);
            DeviceTrainer t = opened;
            return new DeviceTrainer() {
                @Override
                public SavedForward forward(int[] ids, int[] labels, int rows, int seqLen) {
                    return t.forward(ids, labels, rows, seqLen);
                }

                @Override
                public void backward(SavedForward forward) {
                    t.backward(forward);
                    backwards++;
                }

                @Override
                public void backward(SavedForward forward, float[] weights) {
                    t.backward(forward, weights);
                    backwards++;
                }

                @Override
                public Optional<String> tokenWeightsUnavailable() {
                    return t.tokenWeightsUnavailable();
                }

                @Override
                public float[] tokenLogProbs(SavedForward forward) {
                    return t.tokenLogProbs(forward);
                }

                @Override
                public double step(double learningRate, double maxGradNorm) {
                    return t.step(learningRate, maxGradNorm);
                }

                @Override
                public void gemmPrecision(String weightName, DType precision) {
                    t.gemmPrecision(weightName, precision);
                }

                @Override
                public void downloadWeights(WeightSink sink) {
                    t.downloadWeights(sink);
                }

                @Override
                public void downloadState(StateSlot slot, WeightSink sink) {
                    t.downloadState(slot, sink);
                }

                @Override
                public void uploadState(StateSlot slot, String name, float[] values) {
                    t.uploadState(slot, name, values);
                }

                @Override
                public long optimizerSteps() {
                    return t.optimizerSteps();
                }

                @Override
                public void optimizerSteps(long steps) {
                    t.optimizerSteps(steps);
                }

                @Override
                public void close() {
                    t.close();
                }
            };
        }
    }
}
