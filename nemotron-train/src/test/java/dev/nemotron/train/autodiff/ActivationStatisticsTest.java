package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.nemotron.api.NemotronException;
import dev.nemotron.train.autodiff.activation.ActivationSite;
import dev.nemotron.train.autodiff.activation.ActivationSite.Kind;
import dev.nemotron.train.autodiff.activation.ActivationStatistics;
import dev.nemotron.train.autodiff.activation.ActivationStatistics.Aggregation;
import dev.nemotron.train.autodiff.core.LinearLayer;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.norm.RmsNorm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Activation hooks and Minitron's per-channel / per-head statistics. */
class ActivationStatisticsTest {
    @Test
    void handComputedAggregation() {
        ActivationStatistics stats = new ActivationStatistics();
        ActivationSite site = new ActivationSite(0, Kind.ATTENTION_HEADS, 4, 2);
        // sequence 1 (2 positions): rows (3, -4, 0, 1) and (1, 0, 0, -1)
        stats.observe(site, new double[] {3, -4, 0, 1, 1, 0, 0, -1}, 2);
        // sequence 2 (1 position): (0, 2, -6, 8)
        stats.observe(site, new double[] {0, 2, -6, 8}, 1);
        // per-sequence mean |a|: s1 (2, 2, 0, 1), s2 (0, 2, 6, 8)
        assertThat(stats.channelScores(0, Kind.ATTENTION_HEADS, Aggregation.MEAN))
                .containsExactly(new double[] {1, 2, 3, 4.5}, offset(1e-12));
        assertThat(stats.channelScores(0, Kind.ATTENTION_HEADS, Aggregation.L2))
                .containsExactly(new double[] {2, Math.sqrt(8), 6, Math.sqrt(65)}, offset(1e-12));
        // per-sequence mean head norm: s1 head0 (5 + 1)/2 = 3, head1 (1 + 1)/2 = 1; s2 head0 2, head1 10
        assertThat(stats.headScores(0, Kind.ATTENTION_HEADS, Aggregation.MEAN))
                .containsExactly(new double[] {2.5, 5.5}, offset(1e-12));
        assertThat(stats.headScores(0, Kind.ATTENTION_HEADS, Aggregation.L2))
                .containsExactly(new double[] {Math.sqrt(13), Math.sqrt(101)}, offset(1e-12));
        assertThat(stats.sequences(0, Kind.ATTENTION_HEADS)).isEqualTo(2);
        assertThatThrownBy(() -> stats.channelScores(1, Kind.MLP_HIDDEN, Aggregation.L2))
                .isInstanceOf(NemotronException.class).hasMessageContaining("no MLP_HIDDEN activations observed at layer 1");
        assertThatThrownBy(() -> stats.observe(new ActivationSite(0, Kind.ATTENTION_HEADS, 2, 2), new double[2], 1))
                .isInstanceOf(NemotronException.class).hasMessageContaining("changed shape");
    }

    private static double[] rmsNormed(Parameters p, String weight, double[] h, int rows) {
        return new RmsNorm(p, weight, 1e-5).forward(h, rows, null);
    }

    @Test
    void fixtureSitesAndValues() {
        TrainableModel model = TrainableModel.load(ModelTest.FIXTURE);
        List<int[]> calibration = List.of(ModelTest.tokens(7, 512, 1), ModelTest.tokens(12, 512, 2),
                ModelTest.tokens(3, 512, 3));
        // observing does not change the logits
        List<ActivationSite> seen = new ArrayList<>();
        double[] observed = model.forward(calibration.get(0),
                ForwardOptions.inference().withObserver((site, values, rows) -> seen.add(site))).logits();
        assertThat(observed).containsExactly(model.logits(calibration.get(0)));
        // pattern M - M * - M - M * -: a norm and the mixer's inner activation per block, then norm_f
        assertThat(seen).hasSize(21);
        assertThat(seen.get(0)).isEqualTo(new ActivationSite(0, Kind.BLOCK_NORM, 64, 1));
        assertThat(seen.get(1)).isEqualTo(new ActivationSite(0, Kind.MAMBA_OUT_PROJ_INPUT, 128, 16));
        assertThat(seen.get(3)).isEqualTo(new ActivationSite(1, Kind.MLP_HIDDEN, 192, 1));
        assertThat(seen.get(7)).isEqualTo(new ActivationSite(3, Kind.ATTENTION_HEADS, 64, 16));
        assertThat(seen.get(20)).isEqualTo(new ActivationSite(10, Kind.FINAL_NORM, 64, 1));

        ActivationStatistics stats = model.activationStatistics(calibration);
        assertThat(stats.sites()).containsExactlyElementsOf(seen);
        assertThat(stats.sequences(1, Kind.MLP_HIDDEN)).isEqualTo(3);
        // MLP neurons of layer 1 recomputed from the hidden state entering it: relu(up(norm_1(h_1)))²
        Parameters p = model.parameters();
        LinearLayer up = LinearLayer.of(p, "backbone.layers.1.mixer.up_proj");
        double[] sum = new double[192];
        double[] sq = new double[192];
        double[] normF = new double[64];
        for (int[] ids : calibration) {
            List<double[]> hidden = model.forward(ids, ForwardOptions.inference().withHiddenStates()).hiddenStates();
            double[] h = up.forward(rmsNormed(p, "backbone.layers.1.norm.weight", hidden.get(1), ids.length), ids.length);
            for (int c = 0; c < 192; c++) {
                double m = 0;
                for (int t = 0; t < ids.length; t++) {
                    double r = Math.max(0, h[t * 192 + c]);
                    m += r * r;
                }
                sum[c] += m / ids.length;
                sq[c] += (m / ids.length) * (m / ids.length);
            }
            double[] f = hidden.get(hidden.size() - 1);
            for (int c = 0; c < 64; c++) {
                double m = 0;
                for (int t = 0; t < ids.length; t++) {
                    m += Math.abs(f[t * 64 + c]);
                }
                normF[c] += m / ids.length / 3;
            }
        }
        double[] mean = stats.channelScores(1, Kind.MLP_HIDDEN, Aggregation.MEAN);
        double[] l2 = stats.channelScores(1, Kind.MLP_HIDDEN, Aggregation.L2);
        for (int c = 0; c < 192; c++) {
            assertThat(mean[c]).isCloseTo(sum[c] / 3, offset(1e-12));
            assertThat(l2[c]).isCloseTo(Math.sqrt(sq[c]), offset(1e-12));
        }
        assertThat(stats.channelScores(10, Kind.FINAL_NORM, Aggregation.MEAN)).containsExactly(normF, offset(1e-12));
        // hidden channels: the sum over the ten block norms and norm_f
        double[] hiddenScores = stats.hiddenChannelScores(Aggregation.L2);
        double expected0 = 0;
        for (int layer = 0; layer < 10; layer++) {
            expected0 += stats.channelScores(layer, Kind.BLOCK_NORM, Aggregation.L2)[0];
        }
        expected0 += stats.channelScores(10, Kind.FINAL_NORM, Aggregation.L2)[0];
        assertThat(hiddenScores[0]).isCloseTo(expected0, offset(1e-12));
        // 8 Mamba heads, 4 attention heads, all active
        double[] mamba = stats.headScores(0, Kind.MAMBA_OUT_PROJ_INPUT, Aggregation.L2);
        double[] attention = stats.headScores(3, Kind.ATTENTION_HEADS, Aggregation.L2);
        assertThat(mamba).hasSize(8);
        assertThat(attention).hasSize(4);
        assertThat(java.util.stream.DoubleStream.concat(java.util.Arrays.stream(mamba), java.util.Arrays.stream(attention))
                .allMatch(v -> v > 0)).isTrue();
    }
}
