package dev.nemotron.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import org.junit.jupiter.api.Test;

class GradientAccumulatorTest {
    @Test
    void sumsMicroBatchesThenScalesByOneOverK() {
        double[] g = new double[2];
        double[] h = new double[1];
        ParameterGroup group = ParameterGroup.of(new Parameter("a", new double[2], g, true), new Parameter("b", new double[1], h, false));
        GradientAccumulator acc = new GradientAccumulator(4);
        double[][] micro = {{1, 2, 3}, {-1, 4, 0.5}, {2, 0, 0.25}, {2, -2, 0.25}};
        for (double[] m : micro) {
            assertThat(acc.ready()).isFalse();
            g[0] = m[0];
            g[1] = m[1];
            h[0] = m[2];
            acc.add(group);
        }
        assertThat(acc.ready()).isTrue();
        assertThatThrownBy(() -> acc.add(group)).isInstanceOf(IllegalStateException.class);
        acc.writeMean(group);
        assertThat(g).containsExactly(1.0, 1.0);
        assertThat(h).containsExactly(1.0);
        assertThat(acc.count()).isZero();

        // The sums start over.
        for (int i = 0; i < 4; i++) {
            g[0] = 8;
            g[1] = 0;
            h[0] = -4;
            acc.add(group);
        }
        acc.writeMean(group);
        assertThat(g).containsExactly(8.0, 0.0);
        assertThat(h).containsExactly(-4.0);
    }

    @Test
    void refusesAnIncompleteAccumulation() {
        ParameterGroup group = ParameterGroup.of(new Parameter("a", new double[1], new double[] {1}, true));
        GradientAccumulator acc = new GradientAccumulator(2);
        acc.add(group);
        assertThatThrownBy(() -> acc.writeMean(group)).hasMessageContaining("1 of 2");
        assertThatThrownBy(() -> new GradientAccumulator(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneMicroBatchIsTheIdentity() {
        double[] g = {0.125, -3};
        ParameterGroup group = ParameterGroup.of(new Parameter("a", new double[2], g, true));
        GradientAccumulator acc = new GradientAccumulator(1);
        acc.add(group);
        acc.writeMean(group);
        assertThat(g).containsExactly(0.125, -3.0);
    }
}
