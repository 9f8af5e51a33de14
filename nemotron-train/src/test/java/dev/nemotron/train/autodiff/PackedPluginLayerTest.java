package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.train.ParameterGradients;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.api.layer.train.TrainableMixerFactory;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.plugins.examples.scale.ScaleMixerFactory;
import dev.nemotron.train.autodiff.check.PackedCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Plugin layers and packed rows: a plugin that implements the segment-aware forward (the example
 * scale layer, per position) trains on packed rows exactly as on its samples one by one; one
 * written before segments existed still trains on unpacked rows and refuses a packed row with a
 * message saying what to do, rather than letting samples see each other.
 */
class PackedPluginLayerTest {
    private static final String CONFIG = """
            {"vocab_size": 31, "hidden_size": 8, "hybrid_override_pattern": "MZ-Z*",
             "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 12,
             "mamba_num_heads": 4, "mamba_head_dim": 2, "n_groups": 2, "ssm_state_size": 3, "conv_kernel": 3,
             "chunk_size": 3, "layer_norm_epsilon": 1e-5, "initializer_range": 0.3, "scale_width": 1}""";

    private static TrainableModel model(String config, MixerFactory extra) {
        List<MixerFactory> all = new ArrayList<>(MixerRegistry.discover().factories().stream()
                .filter(f -> !(f instanceof ScaleMixerFactory)).toList());
        all.add(extra);
        MixerRegistry registry = MixerRegistry.of(all);
        return TrainableModel.random(ModelGraph.of(new ConfigParser(registry).parse(config, "config.json"), registry), 5);
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
    private static final class LegacyFactory implements MixerFactory, TrainableMixerFactory {
        private final ScaleMixerFactory scale = new ScaleMixerFactory();
        private final boolean leaky;

        LegacyFactory(boolean leaky) {
            this.leaky = leaky;
        }

        @Override
        public char symbol() {
            return 'Q';
        }

        @Override
        public Set<String> blockTypeNames() {
            return Set.of("legacy");
        }

        @Override
        public String displayName() {
            return "legacy";
        }

        @Override
        public LayerDims dims(LayerContext layer) {
            return scale.dims(layer);
        }

        @Override
        public List<ParameterSpec> parameters(LayerContext layer) {
            return scale.parameters(layer);
        }

        @Override
        public CacheFootprint cacheFootprint(LayerContext layer, long context, int batch, DType modelDtype) {
            return CacheFootprint.NONE;
        }

        @Override
        public Mixer create(LayerContext layer, WeightSource weights, Kernels kernels) {
            return scale.create(layer, weights, kernels);
        }

        @Override
        public TrainableMixer<?> create(LayerContext layer, LayerDims dims, ParameterStore params) {
            if (leaky) {
                return new LeakyShift(params, layer.weightPrefix() + "scale");
            }
            return new Legacy<>(scale.create(layer, dims, params));
        }
    }

    @Test
    void aPluginLayerWithoutTheSegmentAwareForwardRefusesPackedRowsOnly() {
        TrainableModel model = model(CONFIG.replace("MZ-Z*", "M-Q"), new LegacyFactory(false));
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
        TrainableModel model = model(CONFIG.replace("MZ-Z*", "-Q-"), new LegacyFactory(true));
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
