package dev.nemotron.align.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.NemotronException;
import org.junit.jupiter.api.Test;

/** The DPO, IPO and label-smoothed losses and their derivatives against values worked out by hand. */
class DpoObjectiveTest {
    // policy chosen -10, rejected -12; reference -11 both: h = (-10 + 11) - (-12 + 11) = 2
    private static final double PC = -10;
    private static final double PR = -12;
    private static final double RC = -11;
    private static final double RR = -11;

    @Test
    void atInitialisationTheSigmoidLossIsExactlyLog2() {
        for (double beta : new double[] {0.01, 0.1, 0.5, 3}) {
            DpoObjective.Terms t = new DpoObjective(DpoObjective.Kind.SIGMOID, beta, 0).of(-7.25, -31.5, -7.25, -31.5);
            assertThat(t.loss()).isEqualTo(Math.log(2));
            // d loss / d pc = -beta sigmoid(0) = -beta / 2
            assertThat(t.dChosen()).isEqualTo(-beta / 2);
            assertThat(t.dRejected()).isEqualTo(beta / 2);
            assertThat(t.chosenReward()).isZero();
            assertThat(t.rejectedReward()).isZero();
        }
        // label smoothing mixes log 2 with log 2: still log 2 (to rounding)
        assertThat(new DpoObjective(DpoObjective.Kind.SIGMOID, 0.1, 0.2).of(-3, -4, -3, -4).loss()).isCloseTo(Math.log(2), within(1e-15));
    }

    @Test
    void sigmoidLossAndGradientMatchHandValues() {
        DpoObjective.Terms t = new DpoObjective(DpoObjective.Kind.SIGMOID, 0.1, 0).of(PC, PR, RC, RR);
        // z = beta h = 0.2; loss = -log sigmoid(0.2) = log(1 + e^-0.2) = 0.598138869381592
        assertThat(t.loss()).isCloseTo(0.598138869381592, within(1e-14));
        // d loss / d pc = -beta sigmoid(-0.2) = -0.1 * 0.450166002687522 = -0.0450166002687522
        assertThat(t.dChosen()).isCloseTo(-0.0450166002687522, within(1e-15));
        assertThat(t.dRejected()).isCloseTo(0.0450166002687522, within(1e-15));
        assertThat(t.chosenReward()).isCloseTo(0.1, within(1e-15));   // 0.1 * (-10 + 11)
        assertThat(t.rejectedReward()).isCloseTo(-0.1, within(1e-15)); // 0.1 * (-12 + 11)
    }

    @Test
    void labelSmoothingMatchesHandValues() {
        DpoObjective.Terms t = new DpoObjective(DpoObjective.Kind.SIGMOID, 0.1, 0.1).of(PC, PR, RC, RR);
        // 0.9 log(1 + e^-0.2) + 0.1 log(1 + e^0.2) = 0.9 * 0.598138869381592 + 0.1 * 0.798138869381592 = 0.618138869381592
        assertThat(t.loss()).isCloseTo(0.618138869381592, within(1e-14));
        // beta (-(0.9) sigmoid(-0.2) + 0.1 sigmoid(0.2)) = 0.1 (-0.9 * 0.450166002687522 + 0.1 * 0.549833997312478) = -0.0350166002687522
        assertThat(t.dChosen()).isCloseTo(-0.0350166002687522, within(1e-15));
        assertThat(t.dRejected()).isCloseTo(0.0350166002687522, within(1e-15));
    }

    @Test
    void ipoMatchesHandValues() {
        DpoObjective.Terms t = new DpoObjective(DpoObjective.Kind.IPO, 0.1, 0).of(PC, PR, RC, RR);
        // (h - 1 / (2 beta))^2 = (2 - 5)^2 = 9; d/dh = 2 (2 - 5) = -6
        assertThat(t.loss()).isCloseTo(9, within(1e-12));
        assertThat(t.dChosen()).isCloseTo(-6, within(1e-12));
        assertThat(t.dRejected()).isCloseTo(6, within(1e-12));
        // at the IPO target margin the loss and gradient vanish
        DpoObjective.Terms atTarget = new DpoObjective(DpoObjective.Kind.IPO, 0.25, 0).of(-1, -3, 0, 0);
        assertThat(atTarget.loss()).isZero();
        assertThat(atTarget.dChosen()).isZero();
    }

    @Test
    void derivativesAgreeWithFiniteDifferences() {
        double h = 1e-6;
        for (DpoObjective o : new DpoObjective[] {new DpoObjective(DpoObjective.Kind.SIGMOID, 0.3, 0),
                new DpoObjective(DpoObjective.Kind.SIGMOID, 0.3, 0.25), new DpoObjective(DpoObjective.Kind.IPO, 0.3, 0)}) {
            DpoObjective.Terms t = o.of(PC, PR, RC, RR);
            double dc = (o.of(PC + h, PR, RC, RR).loss() - o.of(PC - h, PR, RC, RR).loss()) / (2 * h);
            double dr = (o.of(PC, PR + h, RC, RR).loss() - o.of(PC, PR - h, RC, RR).loss()) / (2 * h);
            assertThat(t.dChosen()).as("%s", o).isCloseTo(dc, within(1e-7));
            assertThat(t.dRejected()).as("%s", o).isCloseTo(dr, within(1e-7));
        }
    }

    @Test
    void extremeMarginsStayFinite() {
        DpoObjective o = new DpoObjective(DpoObjective.Kind.SIGMOID, 1, 0);
        assertThat(o.of(0, -2000, 0, 0).loss()).isCloseTo(0, within(1e-300));
        assertThat(o.of(-2000, 0, 0, 0).loss()).isCloseTo(2000, within(1e-9));
        assertThat(o.of(-2000, 0, 0, 0).dChosen()).isCloseTo(-1, within(1e-12));
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new DpoObjective(DpoObjective.Kind.SIGMOID, 0, 0)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("beta must be a positive number");
        assertThatThrownBy(() -> new DpoObjective(DpoObjective.Kind.SIGMOID, 0.1, 0.5)).hasMessageContaining("[0, 0.5)");
        assertThatThrownBy(() -> new DpoObjective(DpoObjective.Kind.IPO, 0.1, 0.1)).hasMessageContaining("sigmoid loss only");
        assertThatThrownBy(() -> DpoObjective.Kind.parse("hinge")).hasMessageContaining("unknown DPO loss 'hinge'");
    }
}
