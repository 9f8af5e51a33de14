package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.train.ParameterGradients;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.plugins.examples.scale.ScaleMixerFactory;
import dev.nemotron.train.autodiff.check.PackedCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Plugin layers and packed rows: a plugin that implements the segment-aware forward (the example
 * scale layer, per position) trains on packed rows exactly as on its samples one by one; one
 * written before segments existed still trains on unpacked rows and refuses a packed row with a
 * message saying what to do, rather than letting samples see each other.
 */
class PackedPluginLayerTest {
    private static final String CONFIG = PluginLayerTrainingTest.CONFIG;

    private static TrainableModel model(String config, MixerFactory extra) {
        return TrainableModel.random(PluginLayerTrainingTest.graph(config, extra), 5);
    }

    @Test
    void aPluginLayerThatHonoursSegmentsTrainsPackedRowsExactly() {
        TrainableModel model = model(CONFIG, new ScaleMixerFactory());
        double[] scale = model.parameters().get("backbone.layers.1.mixer.scale");
        for (int i = 0; i < scale.length; i++) {
            scale[i] = 0.5 + 0.1 * i;
        }
        List<PackedCheck.Sample> samples = PackedSequencesTest.samples(new int[] {4, 2, 5}, 31, 12);
        assertThat(PackedSequencesTest.packedEqualsSeparate(model, samples)).isLessThanOrEqualTo(1e-12);
    }

    /** A trainable mixer from before segments: forward(x, seqLen, saved) and backward only. */
    private record Legacy<S>(TrainableMixer<S> inner) implements TrainableMixer<S> {
        @Override
        public S newSaved() {
            return inner.newSaved();
        }

        @Override
        public double[] forward(double[] x, int seqLen, S saved) {
            return inner.forward(x, seqLen, saved);
        }

        @Override
        public double[] backward(double[] dOut, S saved, ParameterGradients grads) {
            return inner.backward(dOut, saved, grads);
        }
    }

    /**
     * A layer that mixes neighbouring positions, out[t] = s (x[t] + x[t-1]), and claims to honour
     * segments while ignoring them: the leak {@link PackedCheck} must catch.
     */
    private static final class LeakyShift implements TrainableMixer<double[][]> {
        private final String name;
        private final double[] s;

        LeakyShift(ParameterStore params, String name) {
            this.name = name;
            this.s = params.get(name);
        }

        @Override
        public double[][] newSaved() {
            return new double[1][];
        }

        @Override
        public double[] forward(double[] x, int seqLen, double[][] saved) {
            int d = s.length;
            double[] out = new double[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = s[i % d] * (x[i] + (i >= d ? x[i - d] : 0));
            }
            if (saved != null) {
                saved[0] = x;
            }
            return out;
        }

        @Override
        public double[] forward(double[] x, Segments segments, double[][] saved) {
            return forward(x, segments.length(), saved); // wrong: position t reads t-1 across a seam
        }

        @Override
        public double[] backward(double[] dOut, double[][] saved, ParameterGradients grads) {
            int d = s.length;
            double[] x = saved[0];
            double[] ds = grads.get(name);
            double[] dx = new double[dOut.length];
            for (int i = 0; i < dOut.length; i++) {
                dx[i] += s[i % d] * dOut[i];
                if (i >= d) {
                    dx[i - d] += s[i % d] * dOut[i];
                }
                ds[i % d] += dOut[i] * (x[i] + (i >= d ? x[i - d] : 0));
            }
            return dx;
        }
    }

    /** The scale layer under symbol 'Q', its trainable form wrapped in {@link Legacy} (or {@link LeakyShift}). */
    private static ScaleAsQ.Trainable legacy(boolean leaky) {
        return new ScaleAsQ.Trainable("legacy", (scale, layer, dims, params) -> leaky
                ? new LeakyShift(params, layer.weightPrefix() + "scale")
                : new Legacy<>(scale.create(layer, dims, params)));
    }

    @Test
    void aPluginLayerWithoutTheSegmentAwareForwardRefusesPackedRowsOnly() {
        TrainableModel model = model(CONFIG.replace("MZ-Z*", "M-Q"), legacy(false));
        int[] tokens = {1, 2, 3, 4, 5, 6, 7};
        int[] targets = {2, 3, 4, 5, 6, 7, 8};
        assertThat(model.lossAndGradients(tokens, targets, model.newGradients())).isPositive();
        assertThat(model.lossAndGradients(tokens, Segments.single(7), targets, model.newGradients())).isPositive();
        assertThatThrownBy(() -> model.lossAndGradients(tokens, Segments.of(3, 4), targets, model.newGradients()))
                .isInstanceOf(NemotronException.class)
                .hasMessageContaining("layer Legacy cannot train on packed rows (2 samples in one row)")
                .hasMessageContaining("TrainableMixer.forward(x, segments, saved)")
                .hasMessageContaining("one sample per row");
    }

    @Test
    void aLayerThatLeaksAcrossTheSeamFailsThePackedCheck() {
        TrainableModel model = model(CONFIG.replace("MZ-Z*", "-Q-"), legacy(true));
        List<PackedCheck.Sample> samples = PackedCheck.randomSamples(Segments.of(4, 2, 5), 31, 12);
        // the check is sound (the leak is a real gradient: it passes the finite-difference check)...
        assertThat(dev.nemotron.train.autodiff.check.GradientCheck.run(model, Segments.of(4, 2, 5), 6, 2).passed())
                .isTrue();
        // ...and packed != separate
        PackedCheck.Report r = PackedCheck.run(model, samples);
        assertThat(r.passed()).isFalse();
        assertThat(r.logitsError()).isGreaterThan(1e-6);
        assertThat(r.worstGradientError()).isGreaterThan(1e-6);
    }
}
