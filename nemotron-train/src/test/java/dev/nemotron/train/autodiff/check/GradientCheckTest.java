package dev.nemotron.train.autodiff.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * The gradient check skips coordinates whose stencil straddles a non-smooth point (relu²'s kink)
 * instead of failing a correct model, and still fails a wrong gradient.
 */
class GradientCheckTest {
    /** biases-k3 (MLP biases everywhere): with the CLI's defaults a stencil lands on a relu² kink. */
    private static final Path BIASES_K3 = dev.nemotron.testing.Fixtures.dir("hf-more/biases-k3");

    /** f(x) = relu(x0)² + x1²/2 + x0 x1 / 3: f'' jumps at x0 = 0. */
    private static DoubleSupplier kinked(double[] x) {
        return () -> Math.pow(Math.max(x[0], 0), 2) + x[1] * x[1] / 2 + x[0] * x[1] / 3;
    }

    private static double[] gradient(double[] x) {
        return new double[] {2 * Math.max(x[0], 0) + x[1] / 3, x[1] + x[0] / 3};
    }

    @Test
    void aKinkWithinTheStencilIsSkippedAndCounted() {
        // the kink lies 0.3 h from x0: the 4-point stencil is off by ~h, far above the tolerance
        double[] x = {0.3 * GradientCheck.H, 0.7};
        double numeric = GradientCheck.numeric(kinked(x), x, 0);
        assertThat(Math.abs(numeric - gradient(x)[0])).isGreaterThan(1e-6);

        GradientCheck.TensorResult r = GradientCheck.checkTensor("w", kinked(x), x, gradient(x), new int[] {0, 1});
        assertThat(r.passed()).isTrue();
        assertThat(r.nonSmooth()).isEqualTo(1);
        assertThat(r.coordinates()).isEqualTo(2);
        assertThat(x).containsExactly(0.3 * GradientCheck.H, 0.7);
    }

    @Test
    void aKinkWhereHalvingHAloneDoesNotMoveTheEstimateIsStillFound() {
        // at u = (sqrt 10 - 2) / (sqrt 10 - 1) the stencil errors at h and h/2 are equal; h/4 sees it
        double u = (Math.sqrt(10) - 2) / (Math.sqrt(10) - 1);
        double[] x = {-u * GradientCheck.H, 0.7};
        double h1 = GradientCheck.numeric(kinked(x), x, 0, GradientCheck.H);
        double h2 = GradientCheck.numeric(kinked(x), x, 0, GradientCheck.H / 2);
        assertThat(Math.abs(h1 - gradient(x)[0])).isGreaterThan(1e-6);
        assertThat(Math.abs(h1 - h2)).isLessThan(1e-9);

        GradientCheck.TensorResult r = GradientCheck.checkTensor("w", kinked(x), x, gradient(x), new int[] {0, 1});
        assertThat(r.passed()).isTrue();
        assertThat(r.nonSmooth()).isEqualTo(1);
    }

    @Test
    void aWrongGradientAtASmoothPointFails() {
        double[] x = {0.4, 0.7};
        double[] g = gradient(x);
        g[1] *= 1 + 1e-4;
        GradientCheck.TensorResult r = GradientCheck.checkTensor("w", kinked(x), x, g, new int[] {0, 1});
        assertThat(r.passed()).isFalse();
        assertThat(r.nonSmooth()).isZero();
        assertThat(r.relativeError()).isGreaterThan(1e-5);
    }

    @Test
    void aCorrectModelWithAStencilOnAReluKinkPasses() {
        // before non-smooth points were recognised this reported FAILED (up_proj.bias of layer 4)
        GradientCheck.Report r = GradientCheck.run(TrainableModel.load(BIASES_K3), 13, 6, 1);
        assertThat(r.tensors()).allSatisfy(t -> assertThat(t.passed()).as(t.toString()).isTrue());
        assertThat(r.passed()).isTrue();
        assertThat(r.nonSmoothCoordinates()).isPositive();
    }

    @Test
    void aDeliberatelyCorruptedModelGradientFails() {
        TrainableModel model = TrainableModel.load(BIASES_K3);
        int[] ids = {5, 17, 42, 3, 9, 11, 30, 2};
        int[] targets = {17, 42, 3, -100, 11, 30, 2, 8};
        Gradients g = model.newGradients();
        double loss = model.lossAndGradients(ids, targets, g);
        String corrupted = "backbone.layers.4.mixer.up_proj.weight";
        double[] a = g.get(corrupted);
        int largest = GradientCheck.coordinates(a, 0, new SplittableRandom(0))[0];   // always among the checked
        a[largest] *= 1.001;

        GradientCheck.Report r = GradientCheck.check(model, ids, targets, g, loss, 6, new SplittableRandom(1));
        assertThat(r.passed()).isFalse();
        assertThat(r.tensors()).filteredOn(t -> !t.passed()).extracting(GradientCheck.TensorResult::name)
                .containsExactly(corrupted);
    }
}
