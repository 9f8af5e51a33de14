package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.attention.CausalAttention;
import dev.nemotron.train.autodiff.attention.ReferenceAttention;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Block-diagonal causal attention of a packed row: {@link CausalAttention} (each segment on its own
 * rows) equals {@link ReferenceAttention} (the full L x L scores masked to j &gt;= the first
 * position of i's segment), and equals the samples attended one by one (outputs and dq, dk, dv
 * concatenated); the reference's probabilities are 0 across samples.
 */
class PackedAttentionTest {
    private static int segmentOf(Segments seg, int t) {
        int i = 0;
        while (seg.start(i) + seg.length(i) <= t) {
            i++;
        }
        return i;
    }

    private static double[] rows(double[] x, int from, int n, int width) {
        return Arrays.copyOfRange(x, from * width, (from + n) * width);
    }

    @ParameterizedTest(name = "Hq={0} Hkv={1} hd={2} segments {3}")
    @CsvSource(delimiter = ';', value = {"2;1;3;4 2 5", "4;2;5;1 1 6", "6;3;4;7 9 1 3", "1;1;1;3 3"})
    void packedAttentionEqualsTheSamplesOneByOneAndTheReference(int qHeads, int kvHeads, int hd, String lengths) {
        Segments seg = Segments.of(Arrays.stream(lengths.split(" ")).mapToInt(Integer::parseInt).toArray());
        int rows = seg.length();
        int[] starts = seg.tokenStarts();
        SplittableRandom rnd = new SplittableRandom(rows * 10L + qHeads);
        CausalAttention.Shape s = new CausalAttention.Shape(qHeads, kvHeads, hd);
        int qw = qHeads * hd, kw = kvHeads * hd;
        double[] q = CausalAttentionTest.random(rnd, rows * qw);
        double[] k = CausalAttentionTest.random(rnd, rows * kw);
        double[] v = CausalAttentionTest.random(rnd, rows * kw);
        double[] da = CausalAttentionTest.random(rnd, rows * qw);
        CausalAttention.SegmentedForward fast = CausalAttention.forward(q, k, v, s, seg);
        CausalAttention.Forward ref = ReferenceAttention.forward(q, k, v, rows, s, starts);
        CausalAttentionTest.assertClose("a vs reference", fast.a(), ref.a());
        for (int h = 0; h < qHeads; h++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rows; j++) {
                    double expected = j < starts[i] || j > i ? 0 : fast.segments()[segmentOf(seg, i)].p()[h][
                            (i - starts[i]) * seg.length(segmentOf(seg, i)) + j - starts[i]];
                    assertThat(Math.abs(ref.p()[h][i * rows + j] - expected)).as("p[%d][%d,%d]", h, i, j)
                            .isLessThanOrEqualTo(1e-12);
                }
            }
        }
        CausalAttention.Grads g = CausalAttention.backward(da, q, k, v, fast, s, seg);
        CausalAttention.Grads gr = ReferenceAttention.backward(da, q, k, v, ref.p(), rows, s, starts);
        CausalAttentionTest.assertClose("dq vs reference", g.dq(), gr.dq());
        CausalAttentionTest.assertClose("dk vs reference", g.dk(), gr.dk());
        CausalAttentionTest.assertClose("dv vs reference", g.dv(), gr.dv());
        // the samples one by one
        for (int i = 0; i < seg.count(); i++) {
            int from = seg.start(i), n = seg.length(i);
            double[] qi = rows(q, from, n, qw), ki = rows(k, from, n, kw), vi = rows(v, from, n, kw);
            CausalAttention.Forward one = CausalAttention.forward(qi, ki, vi, n, s);
            CausalAttention.Grads gi = CausalAttention.backward(rows(da, from, n, qw), qi, ki, vi, one.p(), n, s);
            CausalAttentionTest.assertClose("a of sample " + i, rows(fast.a(), from, n, qw), one.a());
            CausalAttentionTest.assertClose("dq of sample " + i, rows(g.dq(), from, n, qw), gi.dq());
            CausalAttentionTest.assertClose("dk of sample " + i, rows(g.dk(), from, n, kw), gi.dk());
            CausalAttentionTest.assertClose("dv of sample " + i, rows(g.dv(), from, n, kw), gi.dv());
        }
    }
}
