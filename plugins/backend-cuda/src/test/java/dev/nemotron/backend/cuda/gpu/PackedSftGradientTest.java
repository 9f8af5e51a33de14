package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.trainer.BatchGradients;
import dev.nemotron.train.trainer.DeviceSteps;
import dev.nemotron.train.trainer.TrainingBatch;
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

        AlignmentGradientTest.Run dev = AlignmentGradientTest.onDevice(host, d -> d.lossAndGradients(batch));
        System.out.printf("packed SFT: %d device forward/backward passes%n", dev.passes());
        assertThat(dev.passes()).isGreaterThan(1);  // 56-long and 3-long samples do not share a forward
        AlignmentGradientTest.check("packed SFT", hostLoss, g, dev);
    }
}
