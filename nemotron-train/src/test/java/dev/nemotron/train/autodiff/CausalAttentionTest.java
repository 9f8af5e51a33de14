package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.train.autodiff.attention.CausalAttention;
import dev.nemotron.train.autodiff.attention.ReferenceAttention;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link CausalAttention} (per-head GEMMs) against {@link ReferenceAttention} (scalar loops). */
class CausalAttentionTest {
    static double[] random(SplittableRandom rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextGaussian();
        }
        return a;
    }

    static void assertClose(String what, double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as(what + "[" + i + "]")
                    .isLessThanOrEqualTo(1e-12 * (1 + Math.abs(expected[i])));
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1,1,1", "3,2,1,3", "7,4,2,5", "13,3,3,8", "129,6,2,7"})
    void matchesTheScalarReference(int rows, int qHeads, int kvHeads, int hd) {
        SplittableRandom rnd = new SplittableRandom(rows * 100L + qHeads * 10L + hd);
        CausalAttention.Shape s = new CausalAttention.Shape(qHeads, kvHeads, hd);
        double[] q = random(rnd, rows * qHeads * hd);
        double[] k = random(rnd, rows * kvHeads * hd);
        double[] v = random(rnd, rows * kvHeads * hd);
        double[] da = random(rnd, rows * qHeads * hd);
        CausalAttention.Forward fast = CausalAttention.forward(q, k, v, rows, s);
        CausalAttention.Forward ref = ReferenceAttention.forward(q, k, v, rows, s);
        assertClose("a", fast.a(), ref.a());
        for (int h = 0; h < qHeads; h++) {
            assertClose("p" + h, fast.p()[h], ref.p()[h]);
        }
        CausalAttention.Grads g = CausalAttention.backward(da, q, k, v, fast.p(), rows, s);
        CausalAttention.Grads gr = ReferenceAttention.backward(da, q, k, v, ref.p(), rows, s);
        assertClose("dq", g.dq(), gr.dq());
        assertClose("dk", g.dk(), gr.dk());
        assertClose("dv", g.dv(), gr.dv());
    }
}
