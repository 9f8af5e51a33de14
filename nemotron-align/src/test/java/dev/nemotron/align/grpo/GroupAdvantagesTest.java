package dev.nemotron.align.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GroupAdvantagesTest {
    @Test
    void eachGroupIsCentredAndScaledByItsOwnSampleStd() {
        // group 1: 1, 0, 0, 1 -> mean 0.5, sample std sqrt(4 * 0.25 / 3) = 0.57735
        // group 2: 0, 0, 0, 3 -> mean 0.75, sample std sqrt((3 * 0.5625 + 5.0625) / 3) = 1.5
        double[] a = GroupAdvantages.of(new double[] {1, 0, 0, 1, 0, 0, 0, 3}, 4, true, 0);
        double s1 = Math.sqrt(1.0 / 3);
        assertThat(a[0]).isCloseTo(0.5 / s1, within(1e-12));
        assertThat(a[1]).isCloseTo(-0.5 / s1, within(1e-12));
        assertThat(a[4]).isCloseTo(-0.75 / 1.5, within(1e-12));
        assertThat(a[7]).isCloseTo(2.25 / 1.5, within(1e-12));
        // each group sums to zero, and its sample std is 1
        assertThat(a[0] + a[1] + a[2] + a[3]).isCloseTo(0, within(1e-12));
        double ss = 0;
        for (int i = 4; i < 8; i++) {
            ss += a[i] * a[i];
        }
        assertThat(Math.sqrt(ss / 3)).isCloseTo(1, within(1e-12));
    }

    @Test
    void epsKeepsASmallSpreadFinite() {
        double[] a = GroupAdvantages.of(new double[] {0, 1e-9}, 2, true, 1e-4);
        // mean 5e-10, std 1e-9/sqrt(2): A = +-5e-10 / (7.07e-10 + 1e-4)
        assertThat(a[1]).isCloseTo(5e-10 / (1e-9 / Math.sqrt(2) + 1e-4), within(1e-18));
    }

    @Test
    void meanOnlyLeavesTheScale() {
        double[] a = GroupAdvantages.of(new double[] {2, 0, 1}, 3, false, 1e-4);
        assertThat(a).containsExactly(1.0, -1.0, 0.0);
    }

    @Test
    void aGroupOfEqualRewardsHasExactlyZeroAdvantages() {
        // 0.1 * 3 / 3 != 0.1 in floating point: the all-equal rule gives exact zeros, not rounding noise
        double[] a = GroupAdvantages.of(new double[] {0.1, 0.1, 0.1, 0.7, 0.7, 0.7}, 3, true, 1e-4);
        assertThat(a).containsOnly(0.0);
        assertThat(GroupAdvantages.of(new double[] {0.1, 0.1, 0.1}, 3, false, 0)).containsOnly(0.0);
    }

    @Test
    void rewardsThatDoNotSplitIntoGroupsAreRefused() {
        assertThatThrownBy(() -> GroupAdvantages.of(new double[] {1, 2, 3}, 2, true, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GroupAdvantages.of(new double[] {1}, 1, true, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
