package dev.nemotron.backend.cuda.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.backend.cuda.gpu.AlignmentGradientTest.Run;
import dev.nemotron.compress.distill.Divergence;
import dev.nemotron.compress.distill.Teacher;
import dev.nemotron.compress.distill.TeacherLoss;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.trainer.BatchGradients;
import dev.nemotron.train.trainer.DeviceSteps;
import dev.nemotron.train.trainer.TrainingBatch;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Logit distillation on the device ({@code distill --backend cuda}: {@link DeviceSteps} over the
 * CUDA trainer's soft-target head, src/train_head_soft.cu) against the float64 host trainer
 * ({@link BatchGradients} with the same {@link TeacherLoss}) on the fixture
 * {@code tiny-nemotron-h-a} (or {@code -Dnemotron.gputrain.model=DIR}) as the student and a randomly
 * initialised model of the same config as the teacher: the loss and the gradient of every parameter
 * tensor, fp32, ≤ 1e-4 relative per tensor (AlignmentGradientTest's check). Forward and reverse KL,
 * the whole vocabulary and a top-k support, T 1 and 2; rows of equal length and counted positions
 * (one device forward) and ragged rows (one forward per row).
 */
@Tag("gpu")
class DistillGradientTest {
    @ParameterizedTest(name = "{0} KL, top-k {1}, T {2}, ragged rows {3}")
    @CsvSource({
        "forward, 0, 2.0, false",
        "forward, 16, 1.0, true",
        "reverse, 0, 1.0, true",
        "reverse, 32, 2.0, false"
    })
    void distillationGradientsOnTheDeviceMatchTheHostTrainer(String divergence, int topK, double temperature,
                                                            boolean ragged) {
        Gpu.backend().close();  // skipped (with the reason) without a usable GPU, before any host work
        TrainingFixture.Host host = new TrainingFixture.Host(TrainingFixture.modelDir());
        int vocab = host.model.graph().config().vocabSize();
        Teacher teacher = Teacher.of(TrainableModel.random(host.model.graph(), 77));
        TeacherLoss loss = new TeacherLoss(teacher, temperature, Divergence.parse(divergence), topK);
        SplittableRandom rnd = new SplittableRandom(53);
        int[] lens = ragged ? new int[] {30, 19, 37} : new int[] {24, 24};
        int[][] inputs = new int[lens.length][];
        int[][] targets = new int[lens.length][];
        for (int b = 0; b < lens.length; b++) {
            inputs[b] = new int[lens[b]];
            targets[b] = new int[lens[b]];
            for (int t = 0; t < lens[b]; t++) {
                inputs[b][t] = rnd.nextInt(vocab);
                // a 3-token prompt and the last position not counted (same count in every equal row)
                targets[b][t] = t < 3 || t == lens[b] - 1 ? -100 : rnd.nextInt(vocab);
            }
        }
        TrainingBatch batch = new TrainingBatch(inputs, targets, null);
        List<? extends Loss> hostLosses = loss.losses(batch);
        Gradients g = host.model.newGradients();
        double hostLoss = new BatchGradients(host.model, 1).compute(inputs, hostLosses, g);
        List<? extends Loss> devLosses = loss.losses(batch);
        Run dev = AlignmentGradientTest.onDevice(host, d -> d.lossAndGradients(inputs, b -> null, devLosses));
        assertThat(hostLoss).as("the teacher differs from the student: a positive KL").isGreaterThan(1e-3);
        AlignmentGradientTest.check("distill " + divergence + " top-" + topK + " T " + temperature
                + (ragged ? " ragged" : " equal rows"), hostLoss, g, dev);
    }
}
