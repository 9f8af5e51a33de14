package dev.nemotron.train.autodiff.mamba;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link SelectiveScan} (vector loops) against {@link ReferenceScan} (scalar loops): both forward
 * forms (outputs and chunk-boundary states) and the backward pass, on shapes whose P and N are
 * and are not multiples of the vector length, chunked or not, with and without D.
 */
class ScanVersusReferenceTest {
    static double[] random(SplittableRandom rnd, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble(lo, hi);
        }
        return v;
    }

    static void assertClose(String what, double[] actual, double[] expected) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < actual.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as(what + "[" + i + "]").isLessThanOrEqualTo(1e-12 * (1 + scale));
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1,1,1,1,4,true", "4,3,2,5,13,4,true", "6,8,3,4,20,8,false", "8,32,2,32,40,16,true",
            "2,7,1,9,5,16,true", "4,5,4,3,17,1,false"})
    void matchesTheScalarReference(int heads, int headDim, int groups, int state, int len, int chunk, boolean withD) {
        SplittableRandom rnd = new SplittableRandom(heads * 1000L + headDim * 100L + state * 10L + len);
        SelectiveScan.Shape s = new SelectiveScan.Shape(heads, headDim, groups, state);
        double[] x = random(rnd, len * heads * headDim, -1, 1);
        double[] dt = random(rnd, len * heads, 0.01, 0.5);
        double[] a = random(rnd, heads, -2, -0.1);
        double[] b = random(rnd, len * groups * state, -1, 1);
        double[] c = random(rnd, len * groups * state, -1, 1);
        double[] d = withD ? random(rnd, heads, -1, 1) : null;
        double[] dy = random(rnd, len * heads * headDim, -1, 1);
        int nc = (len + chunk - 1) / chunk;
        for (SelectiveScan.Mode mode : SelectiveScan.Mode.values()) {
            SelectiveScan.Saved saved = new SelectiveScan.Saved();
            double[] y = SelectiveScan.forward(mode, s, len, chunk, x, dt, a, b, c, d, saved);
            double[] boundary = new double[(nc + 1) * s.hpn()];
            double[] yRef = mode == SelectiveScan.Mode.CHUNKED
                    ? ReferenceScan.chunked(s, len, chunk, x, dt, a, b, c, d, boundary)
                    : ReferenceScan.recurrent(s, len, chunk, x, dt, a, b, c, d, boundary);
            assertClose(mode + " y", y, yRef);
            assertClose(mode + " boundary", saved.boundary, boundary);
            SelectiveScan.Grads g = SelectiveScan.backward(dy, saved);
            SelectiveScan.Grads r = ReferenceScan.backward(dy, saved);
            assertClose("dx", g.dx(), r.dx());
            assertClose("ddt", g.ddt(), r.ddt());
            assertClose("da", g.da(), r.da());
            assertClose("db", g.db(), r.db());
            assertClose("dc", g.dc(), r.dc());
            if (withD) {
                assertClose("dd", g.dd(), r.dd());
            }
        }
    }
}
