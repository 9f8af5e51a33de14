package dev.nemotron.backend.java;

import static dev.nemotron.backend.java.TestData.assertClose;
import static dev.nemotron.backend.java.TestData.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.backend.java.activation.VectorActivationKernels;
import dev.nemotron.backend.java.reference.ReferenceKernels;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationKernelsTest {
    private static final ReferenceKernels REF = new ReferenceKernels();

    private interface Kernel {
        void apply(dev.nemotron.api.backend.ActivationKernels k, float[] x, int n);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1000, 70001})
    void siluRelu2SoftplusMatchReferenceAndFloat64(int n) {
        check(n, (k, x, m) -> k.silu(x, m), v -> v / (1 + Math.exp(-v)));
        check(n, (k, x, m) -> k.relu2(x, m), v -> Math.max(v, 0) * Math.max(v, 0));
        check(n, (k, x, m) -> k.softplus(x, m), v -> v > 20 ? v : Math.log1p(Math.exp(v)));
    }

    private static void check(int n, Kernel kernel, DoubleUnaryOperator exact) {
        float[] x = uniform(new SplittableRandom(n), n + 3, -30, 30);
        if (n > 4) {
            x[0] = 20f;
            x[1] = 20.5f;
            x[2] = -88f;
            x[3] = 0f;
        }
        float[] fast = x.clone();
        float[] ref = x.clone();
        try (Parallel par = new Parallel(2)) {
            kernel.apply(new VectorActivationKernels(par), fast, n);
        }
        kernel.apply(REF, ref, n);
        double[] expected = new double[n + 3];
        for (int i = 0; i < n + 3; i++) {
            expected[i] = i < n ? exact.applyAsDouble(x[i]) : x[i]; // beyond n: untouched
        }
        double worstFast = 0;
        double worstRef = 0;
        for (int i = 0; i < n + 3; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            worstFast = Math.max(worstFast, Math.abs(fast[i] - expected[i]) / scale);
            worstRef = Math.max(worstRef, Math.abs(ref[i] - expected[i]) / scale);
        }
        assertThat(worstFast).as("fast vs float64").isLessThanOrEqualTo(2e-6);
        assertThat(worstRef).as("reference vs float64").isLessThanOrEqualTo(2e-6);
        assertClose(fast, ref, n + 3, 1e-6, "fast vs reference");
    }
}
