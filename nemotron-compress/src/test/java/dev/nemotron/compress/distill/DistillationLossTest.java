package dev.nemotron.compress.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.NemotronException;
import dev.nemotron.train.autodiff.check.GradientCheck;
import dev.nemotron.train.autodiff.loss.KlDivergenceLoss;
import dev.nemotron.train.autodiff.loss.Loss;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistillationLossTest {
    static final int ROWS = 3;
    static final int VOCAB = 7;

    static double[] random(long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[ROWS * VOCAB];
        for (int i = 0; i < x.length; i++) {
            x[i] = scale * (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** Brute force, written from the definition: T² KL over the given support of one row, both renormalised. */
    static double bruteRow(double[] teacher, double[] student, int row, double temperature, boolean reverse, boolean[] in) {
        double zp = 0;
        double zq = 0;
        for (int v = 0; v < VOCAB; v++) {
            if (in[v]) {
                zp += Math.exp(teacher[row * VOCAB + v] / temperature);
                zq += Math.exp(student[row * VOCAB + v] / temperature);
            }
        }
        double kl = 0;
        for (int v = 0; v < VOCAB; v++) {
            if (in[v]) {
                double p = Math.exp(teacher[row * VOCAB + v] / temperature) / zp;
                double q = Math.exp(student[row * VOCAB + v] / temperature) / zq;
                kl += reverse ? q * Math.log(q / p) : p * Math.log(p / q);
            }
        }
        return temperature * temperature * kl;
    }

    /** The k largest teacher logits of a row, by brute force (the test data has no ties). */
    static boolean[] topK(double[] teacher, int row, int k) {
        boolean[] in = new boolean[VOCAB];
        for (int v = 0; v < VOCAB; v++) {
            int larger = 0;
            for (int u = 0; u < VOCAB; u++) {
                larger += teacher[row * VOCAB + u] > teacher[row * VOCAB + v] ? 1 : 0;
            }
            in[v] = larger < k;
        }
        return in;
    }

    @Test
    void forwardOverTheWholeVocabularyIsTheTrainersKlLoss() {
        double[] t = random(1, 3);
        double[] s = random(2, 3);
        boolean[] mask = {true, false, true};
        Loss.Value ours = new DistillationLoss(t, 2.0, Divergence.FORWARD, 0, mask).compute(s, ROWS, VOCAB);
        Loss.Value ref = new KlDivergenceLoss(t, 2.0, mask).compute(s, ROWS, VOCAB);
        assertThat(ours.loss()).isCloseTo(ref.loss(), within(1e-12));
        assertThat(ours.counted()).isEqualTo(2);
        for (int i = 0; i < s.length; i++) {
            assertThat(ours.dLogits()[i]).isCloseTo(ref.dLogits()[i], within(1e-12));
        }
        assertThat(DistillationLoss.of(t, 2.0, Divergence.FORWARD, 0, mask)).isInstanceOf(KlDivergenceLoss.class);
    }

    @Test
    void valuesMatchTheDefinitionForEveryModeTemperatureAndK() {
        double[] t = random(3, 2);
        double[] s = random(4, 2);
        for (Divergence d : Divergence.values()) {
            for (double temp : new double[] {0.5, 1, 3}) {
                for (int k : new int[] {0, 1, 3, VOCAB}) {
                    double expect = 0;
                    for (int row = 0; row < ROWS; row++) {
                        boolean[] in = k == 0 ? topK(t, row, VOCAB) : topK(t, row, k);
                        expect += bruteRow(t, s, row, temp, d == Divergence.REVERSE, in);
                    }
                    double got = new DistillationLoss(t, temp, d, k, null).compute(s, ROWS, VOCAB).loss();
                    assertThat(got).as(d + " T=" + temp + " k=" + k).isCloseTo(expect / ROWS, within(1e-10));
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        double[] t = random(5, 2);
        for (Divergence d : Divergence.values()) {
            for (int k : new int[] {0, 3}) {
                for (double temp : new double[] {1, 2.5}) {
                    double[] s = random(6, 2);
                    boolean[] mask = {true, true, false};
                    DistillationLoss loss = new DistillationLoss(t, temp, d, k, mask);
                    double[] analytic = loss.compute(s, ROWS, VOCAB).dLogits();
                    for (int i = 0; i < s.length; i++) {
                        double numeric = GradientCheck.numeric(() -> loss.compute(s, ROWS, VOCAB).loss(), s, i);
                        assertThat(analytic[i]).as(d + " k=" + k + " T=" + temp + " at " + i)
                                .isCloseTo(numeric, within(1e-7));
                    }
                }
            }
        }
    }

    @Test
    void studentEqualToTeacherGivesZeroLossAndGradientInEveryMode() {
        double[] t = random(7, 4);
        for (Divergence d : Divergence.values()) {
            for (int k : new int[] {0, 2}) {
                Loss.Value v = DistillationLoss.of(t, 1.7, d, k, null).compute(t.clone(), ROWS, VOCAB);
                assertThat(v.loss()).isEqualTo(0.0);
                for (double g : v.dLogits()) {
                    assertThat(g).isCloseTo(0.0, within(1e-15));
                }
            }
        }
    }

    @Test
    void topKIgnoresEverythingOutsideTheTeachersTopK() {
        double[] t = random(8, 2);
        double[] s = random(9, 2);
        DistillationLoss loss = new DistillationLoss(t, 1, Divergence.FORWARD, 2, null);
        Loss.Value v = loss.compute(s, ROWS, VOCAB);
        boolean[] in = topK(t, 0, 2);
        for (int vv = 0; vv < VOCAB; vv++) {
            if (!in[vv]) {
                assertThat(v.dLogits()[vv]).isZero();
                double[] moved = s.clone();
                moved[vv] += 5;
                assertThat(loss.compute(moved, ROWS, VOCAB).loss()).isEqualTo(v.loss());
            }
        }
        // ties at the boundary go to the lower token id
        int[] out = new int[2];
        DistillationLoss.select(new double[] {1, 3, 3, 3}, 0, 4, out);
        assertThat(out).containsExactly(1, 2);
    }

    @Test
    void higherTemperatureSoftensTheTarget() {
        // one row, teacher sure of token 0: at T -> large the (T²-scaled) loss of a uniform student shrinks per T²
        double[] t = new double[VOCAB];
        t[0] = 10;
        double[] s = new double[VOCAB];
        double cold = new DistillationLoss(t, 1, Divergence.FORWARD, 0, null).compute(s, 1, VOCAB).loss() / 1;
        double warm = new DistillationLoss(t, 10, Divergence.FORWARD, 0, null).compute(s, 1, VOCAB).loss() / 100;
        assertThat(warm).isLessThan(cold / 10);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new DistillationLoss(new double[0], 0, Divergence.FORWARD, 0, null))
                .isInstanceOf(NemotronException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new DistillationLoss(new double[0], 1, Divergence.FORWARD, -1, null))
                .hasMessageContaining("top-k");
        assertThatThrownBy(() -> new DistillationLoss(new double[4], 1, Divergence.REVERSE, 0, null).compute(new double[6], 2, 3))
                .hasMessageContaining("same vocabulary");
        assertThatThrownBy(() -> Divergence.parse("js")).hasMessageContaining("'forward'");
    }
}
