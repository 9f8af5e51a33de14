package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.train.autodiff.core.Linear;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Linear} (vectorised GEMMs) against {@link Linear.Reference} (the scalar loops). */
class LinearTest {
    private static double[] random(SplittableRandom rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextGaussian();
        }
        return a;
    }

    private static void assertClose(double[] actual, double[] expected, double tol) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("element " + i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tol));
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,3,7", "3,7,1", "7,129,3", "129,3,7", "13,129,65", "257,17,9"})
    void matchesTheScalarReference(int rows, int in, int out) {
        SplittableRandom rnd = new SplittableRandom(rows * 1000L + in * 10L + out);
        double[] x = random(rnd, rows * in);
        double[] w = random(rnd, out * in);
        double[] b = random(rnd, out);
        double[] dy = random(rnd, rows * out);
        double tol = 1e-12 * Math.max(rows, Math.max(in, out));
        for (double[] bias : new double[][] {null, b}) {
            assertClose(Linear.forward(x, rows, in, w, bias, out), Linear.Reference.forward(x, rows, in, w, bias, out), tol);
            double[] dw = random(new SplittableRandom(1), out * in);
            double[] dwRef = dw.clone();
            double[] db = bias == null ? null : new double[out];
            double[] dbRef = bias == null ? null : new double[out];
            double[] dx = Linear.backward(dy, x, rows, in, w, out, dw, db);
            double[] dxRef = Linear.Reference.backward(dy, x, rows, in, w, out, dwRef, dbRef);
            assertClose(dx, dxRef, tol);
            assertClose(dw, dwRef, tol);
            if (db != null) {
                assertClose(db, dbRef, tol);
            }
            assertThat(Linear.backward(dy, x, rows, in, w, out, null, null)).isEqualTo(dx);
        }
    }
}
