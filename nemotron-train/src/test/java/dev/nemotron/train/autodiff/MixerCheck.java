package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Parameters;
import java.util.SplittableRandom;

/** Gradient check of one mixer on its own: loss = r . mixer(x) for random x and r. */
final class MixerCheck {
    private MixerCheck() {
    }

    /** Checks dx (all coordinates) and every parameter tensor (up to {@code perTensor} coordinates each). */
    static <S> void check(String what, TrainableMixer<S> mixer, Parameters params, int rows, int d, long seed,
                          int perTensor) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] x = GradCheck.random(rnd, rows * d, 1.0);
        double[] r = GradCheck.random(rnd, rows * d, 1.0);
        java.util.function.DoubleSupplier f = () -> GradCheck.dot(r, mixer.forward(x, rows, null));
        S saved = mixer.newSaved();
        double[] out = mixer.forward(x, rows, saved);
        assertThat(GradCheck.dot(r, out)).as("forward with and without saving").isEqualTo(f.getAsDouble());
        Gradients g = params.newGradients();
        double[] dx = mixer.backward(r, saved, g);
        GradCheck.checkAll(what + " dx (L=" + rows + ")", f, x, dx);
        for (Parameters.Param p : params.all()) {
            double[] analytic = g.get(p.name());
            GradCheck.check(what + " " + p.name() + " (L=" + rows + ")", f, p.data(), analytic,
                    GradCheck.coordinates(analytic, perTensor, rnd));
        }
    }

    /** Random values for every parameter of the given names and shapes. */
    static Parameters params(long seed, double scale, Object... nameShape) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Parameters p = Parameters.empty();
        for (int i = 0; i < nameShape.length; i += 2) {
            long[] shape = (long[]) nameShape[i + 1];
            int n = 1;
            for (long s : shape) {
                n *= (int) s;
            }
            p.put((String) nameShape[i], shape, GradCheck.random(rnd, n, scale));
        }
        return p;
    }
}
