package dev.nemotron.align.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.train.autodiff.check.GradientCheck;
import dev.nemotron.train.autodiff.loss.Loss;
import dev.nemotron.train.autodiff.loss.TokenLogProbs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The GRPO loss of one sequence on hand-made logits: clipping, k3 KL, gradients by finite differences. */
class GrpoLossTest {
    private static final int ROWS = 4;
    private static final int VOCAB = 5;
    /** The first position is the prompt's (ignored); three completion tokens. */
    private static final int[] TARGETS = {-100, 2, 0, 4};

    private static double[] logits(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] l = new double[ROWS * VOCAB];
        for (int i = 0; i < l.length; i++) {
            l[i] = r.nextDouble(-2, 2);
        }
        return l;
    }

    private static double[] logProbs(double[] logits) {
        return TokenLogProbs.of(logits, ROWS, VOCAB, TARGETS).values();
    }

    /** old = current log-probs minus {@code shift} per position: ratio = exp(shift). */
    private static double[] shifted(double[] lp, double... shift) {
        double[] o = lp.clone();
        for (int t = 0; t < o.length; t++) {
            o[t] -= shift[t];
        }
        return o;
    }

    @Test
    void aRatioPastTheClipOnTheAdvantagesSideHasNoGradientAndIsCounted() {
        double[] logits = logits(1);
        double[] lp = logProbs(logits);
        double eps = 0.2;
        // ratios: position 1 exp(0.5) = 1.65 (> 1.2), position 2 exp(-0.5) = 0.61 (< 0.8), position 3 exp(0.05) = 1.05
        double[] old = shifted(lp, 0, 0.5, -0.5, 0.05);
        // A > 0: the high ratio is clipped (no gradient), the low one is not (min takes the unclipped term)
        GrpoLoss pos = new GrpoLoss(TARGETS, 1.5, old, null, eps, 0, 1);
        Loss.Value v = pos.compute(logits, ROWS, VOCAB);
        assertThat(pos.clippedTokens()).isEqualTo(1);
        assertThat(pos.countedTokens()).isEqualTo(3);
        assertThat(row(v.dLogits(), 1)).containsOnly(0.0);
        assertThat(row(v.dLogits(), 2)).isNotEqualTo(new double[VOCAB]);
        assertThat(row(v.dLogits(), 3)).isNotEqualTo(new double[VOCAB]);
        // loss = -(1.2 * A + exp(-0.5) * A + exp(0.05) * A)
        assertThat(v.loss()).isCloseTo(-1.5 * (1.2 + Math.exp(-0.5) + Math.exp(0.05)), within(1e-12));
        // A < 0: now the low ratio is clipped and the high one is not
        GrpoLoss neg = new GrpoLoss(TARGETS, -1.5, old, null, eps, 0, 1);
        Loss.Value w = neg.compute(logits, ROWS, VOCAB);
        assertThat(neg.clippedTokens()).isEqualTo(1);
        assertThat(row(w.dLogits(), 2)).containsOnly(0.0);
        assertThat(row(w.dLogits(), 1)).isNotEqualTo(new double[VOCAB]);
        assertThat(w.loss()).isCloseTo(1.5 * (Math.exp(0.5) + 0.8 + Math.exp(0.05)), within(1e-12));
        // the prompt position never has a gradient
        assertThat(row(v.dLogits(), 0)).containsOnly(0.0);
    }

    @Test
    void onTheFirstUpdateTheRatioIsOneAndTheGradientIsMinusAdvantageTimesScale() {
        double[] logits = logits(2);
        GrpoLoss first = new GrpoLoss(TARGETS, 0.7, null, null, 0.2, 0, 0.25);
        Loss.Value v = first.compute(logits, ROWS, VOCAB);
        assertThat(v.loss()).isCloseTo(-0.25 * 3 * 0.7, within(1e-15));
        assertThat(first.clippedTokens()).isZero();
        // the same as an explicit old = current log-probs
        GrpoLoss explicit = new GrpoLoss(TARGETS, 0.7, logProbs(logits), null, 0.2, 0, 0.25);
        assertThat(explicit.compute(logits, ROWS, VOCAB).dLogits()).containsExactly(v.dLogits());
        assertThat(first.logProbs()).containsExactly(logProbs(logits));
        // and equal to TokenLogProbs.backward of -A * scale per completion token
        double[] g = {0, -0.175, -0.175, -0.175};
        double[] expected = TokenLogProbs.of(logits, ROWS, VOCAB, TARGETS).backward(g);
        for (int i = 0; i < expected.length; i++) {
            assertThat(v.dLogits()[i]).isCloseTo(expected[i], within(1e-15));
        }
    }

    @Test
    void k3IsZeroWhenThePolicyIsTheReferenceAndPositiveOtherwise() {
        double[] logits = logits(3);
        double[] lp = logProbs(logits);
        GrpoLoss same = new GrpoLoss(TARGETS, 0, lp, lp, 0.2, 0.04, 1);
        Loss.Value v = same.compute(logits, ROWS, VOCAB);
        assertThat(same.klSum()).isZero();
        assertThat(v.loss()).isZero();
        assertThat(v.dLogits()).containsOnly(0.0);
        // ref = lp + d: k3 = exp(d) - d - 1 per token
        double[] ref = shifted(lp, 0, -0.3, 0.2, 0.9);
        GrpoLoss other = new GrpoLoss(TARGETS, 0, lp, ref, 0.2, 0.04, 1);
        other.compute(logits, ROWS, VOCAB);
        double k = 0;
        for (double d : new double[] {0.3, -0.2, -0.9}) {
            k += Math.exp(d) - d - 1;
        }
        assertThat(other.klSum()).isCloseTo(k, within(1e-12)).isPositive();
    }

    @Test
    void theKlGradientMatchesFiniteDifferences() {
        double[] logits = logits(4);
        double[] ref = shifted(logProbs(logits), 0, -0.3, 0.2, 0.9);
        checkAgainstFiniteDifferences(logits, new GrpoLoss(TARGETS, 0, logProbs(logits), ref, 0.2, 0.5, 1));
    }

    @Test
    void theWholeLossGradientMatchesFiniteDifferences() {
        double[] logits = logits(5);
        double[] lp = logProbs(logits);
        // ratios 1.1 and 0.9 and 1.02 inside the clip range (the clip's kinks are not smooth points), KL on
        double[] old = shifted(lp, 0, Math.log(1.1), Math.log(0.9), Math.log(1.02));
        double[] ref = shifted(lp, 0, 0.4, -0.1, 0.25);
        checkAgainstFiniteDifferences(logits, new GrpoLoss(TARGETS, -0.8, old, ref, 0.2, 0.04, 0.3));
        checkAgainstFiniteDifferences(logits, new GrpoLoss(TARGETS, 1.3, old, ref, 0.2, 0.04, 0.3));
        // and with clipped positions: their zero gradient is the derivative of the clipped (constant) term
        double[] farOld = shifted(lp, 0, 0.6, -0.6, 0);
        checkAgainstFiniteDifferences(logits, new GrpoLoss(TARGETS, 1.3, farOld, ref, 0.2, 0.04, 0.3));
    }

    private static void checkAgainstFiniteDifferences(double[] logits, GrpoLoss loss) {
        double[] analytic = loss.compute(logits, ROWS, VOCAB).dLogits();
        GradientCheck.TensorResult r = GradientCheck.checkTensor("logits", () -> loss.compute(logits, ROWS, VOCAB).loss(), logits,
                analytic, java.util.stream.IntStream.range(0, logits.length).toArray());
        assertThat(r.passed()).as("relative error %s", r.relativeError()).isTrue();
        assertThat(r.nonSmooth()).isZero();
        assertThat(r.numericNorm()).isPositive();
    }

    private static double[] row(double[] d, int t) {
        return java.util.Arrays.copyOfRange(d, t * VOCAB, (t + 1) * VOCAB);
    }
}
