package dev.nemotron.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.optim.Parameter;
import dev.nemotron.api.optim.ParameterGroup;
import org.junit.jupiter.api.Test;

class GradientClippingTest {
    private static ParameterGroup group(double[] a, double[] b) {
        return ParameterGroup.of(new Parameter("a", new double[a.length], a, true), new Parameter("b", new double[b.length], b, false));
    }

    @Test
    void normIsOverAllParametersTogether() {
        // 3-4-12-... : sqrt(9 + 16 + 144) = 13
        assertThat(GradientClipping.globalNorm(group(new double[] {3, 4}, new double[] {-12}))).isEqualTo(13.0);
        assertThat(GradientClipping.globalNorm(group(new double[] {0, 0}, new double[0]))).isZero();
        // no overflow or underflow at the ends of the double range
        assertThat(GradientClipping.globalNorm(group(new double[] {3e200, 4e200}, new double[0]))).isCloseTo(5e200, within(1e186));
        assertThat(GradientClipping.globalNorm(group(new double[] {3e-200, 4e-200}, new double[0]))).isCloseTo(5e-200, within(1e-214));
    }

    @Test
    void clipsAboveMaxNormAndReturnsTheNormBefore() {
        double[] a = {3, 4};
        double[] b = {-12};
        double norm = GradientClipping.clipGlobalNorm(group(a, b));
        assertThat(norm).isEqualTo(13.0);
        double coef = 1.0 / (13.0 + 1e-6);
        assertThat(a).containsExactly(3 * coef, 4 * coef);
        assertThat(b).containsExactly(-12 * coef);
        assertThat(GradientClipping.globalNorm(group(a, b))).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void leavesSmallGradientsAlone() {
        double[] a = {0.3, 0.4};
        double[] b = {0};
        assertThat(GradientClipping.clipGlobalNorm(group(a, b), 1.0)).isCloseTo(0.5, within(1e-16));
        assertThat(a).containsExactly(0.3, 0.4);
        // exactly at the limit: unchanged
        double[] c = {0.6, 0.8};
        GradientClipping.clipGlobalNorm(group(c, new double[0]), 1.0);
        assertThat(c).containsExactly(0.6, 0.8);
    }

    @Test
    void nonFiniteNormIsReportedAndGradientsAreLeft() {
        double[] a = {Double.NaN, 1};
        assertThat(GradientClipping.clipGlobalNorm(group(a, new double[] {5}), 1.0)).isNaN();
        assertThat(a[1]).isEqualTo(1.0);
        double[] b = {Double.POSITIVE_INFINITY, 1};
        assertThat(GradientClipping.clipGlobalNorm(group(b, new double[0]), 1.0)).isInfinite();
        assertThat(b[1]).isEqualTo(1.0);
    }
}
