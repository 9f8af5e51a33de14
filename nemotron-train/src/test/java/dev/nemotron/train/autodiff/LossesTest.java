package dev.nemotron.train.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.nemotron.api.NemotronException;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import dev.nemotron.train.autodiff.loss.CrossEntropyLoss;
import dev.nemotron.train.autodiff.loss.KlDivergenceLoss;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.autodiff.loss.TokenLogProbs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The loss classes and the token log-prob helper: values by hand, gradients by finite differences. */
class LossesTest {
    private static final int ROWS = 4;
    private static final int V = 5;

    private static double[] logits(long seed) {
        return GradCheck.random(new SplittableRandom(seed), ROWS * V, 3);
    }

    @Test
    void crossEntropyLossIsCrossEntropyBitForBit() {
        double[] z = logits(1);
        int[] y = {3, CrossEntropy.IGNORE_INDEX, 0, 4};
        CrossEntropy.Result r = CrossEntropy.compute(z, ROWS, V, y);
        Loss.Value v = new CrossEntropyLoss(y).compute(z, ROWS, V);
        assertThat(v.loss()).isEqualTo(r.loss());
        assertThat(v.counted()).isEqualTo(3);
        assertThat(v.dLogits()).containsExactly(r.dLogits());
    }

    @Test
    void tokenLogProbsAreLogSoftmaxAtTargets() {
        double[] z = logits(2);
        int[] y = {1, 4, CrossEntropy.IGNORE_INDEX, 2};
        TokenLogProbs lp = TokenLogProbs.of(z, ROWS, V, y);
        double[] values = lp.values();
        for (int t : new int[] {0, 1, 3}) {
            double sum = 0;
            for (int v = 0; v < V; v++) {
                sum += Math.exp(z[t * V + v]);
            }
            assertThat(values[t]).isCloseTo(z[t * V + y[t]] - Math.log(sum), offset(1e-12));
        }
        assertThat(values[2]).isZero();
        assertThat(lp.count()).isEqualTo(3);
        assertThat(lp.sum()).isCloseTo(values[0] + values[1] + values[3], offset(1e-12));
        // -mean log-prob is the cross-entropy
        assertThat(-lp.sum() / 3).isCloseTo(CrossEntropy.compute(z, ROWS, V, y).loss(), offset(1e-12));
    }

    @Test
    void tokenLogProbGradientMatchesFiniteDifferences() {
        double[] z = logits(3);
        int[] y = {0, CrossEntropy.IGNORE_INDEX, 3, 3};
        double[] w = {0.5, 9, -1.5, 2};  // f = sum_t w_t logProb_t (w at the ignored position unused)
        double[] d = TokenLogProbs.of(z, ROWS, V, y).backward(w);
        GradCheck.checkAll("sum w logProb", () -> {
            double[] lp = TokenLogProbs.of(z, ROWS, V, y).values();
            return w[0] * lp[0] + w[2] * lp[2] + w[3] * lp[3];
        }, z, d);
        for (int v = 0; v < V; v++) {
            assertThat(d[V + v]).isZero();
        }
        assertThatThrownBy(() -> TokenLogProbs.of(z, ROWS, V, new int[] {0, 1, 2, 5}))
                .isInstanceOf(NemotronException.class).hasMessageContaining("target 5 at position 3");
    }

    @Test
    void klDivergenceByHandAndByFiniteDifferences() {
        // one position, two classes, T = 1: p = softmax(0, ln 3) = (1/4, 3/4), q = (1/2, 1/2)
        Loss.Value one = new KlDivergenceLoss(new double[] {0, Math.log(3)}, 1, null).compute(new double[] {0, 0}, 1, 2);
        double expected = 0.25 * Math.log(0.25 / 0.5) + 0.75 * Math.log(0.75 / 0.5);
        assertThat(one.loss()).isCloseTo(expected, offset(1e-12));
        assertThat(one.dLogits()).containsExactly(new double[] {0.5 - 0.25, 0.5 - 0.75}, offset(1e-12));

        double[] teacher = logits(4);
        double[] z = logits(5);
        boolean[] mask = {true, false, true, true};
        for (double t : new double[] {1, 2.5}) {
            KlDivergenceLoss kl = new KlDivergenceLoss(teacher, t, mask);
            Loss.Value v = kl.compute(z, ROWS, V);
            assertThat(v.counted()).isEqualTo(3);
            assertThat(v.loss()).isPositive();
            GradCheck.checkAll("KL T=" + t, () -> kl.compute(z, ROWS, V).loss(), z, v.dLogits());
            assertThat(kl.compute(teacher, ROWS, V).loss()).isCloseTo(0, offset(1e-12));
        }
        assertThatThrownBy(() -> new KlDivergenceLoss(teacher, 0, null))
                .isInstanceOf(NemotronException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new KlDivergenceLoss(teacher, 1, null).compute(new double[3], 1, 3))
                .isInstanceOf(NemotronException.class).hasMessageContaining("must all cover");
    }
}
