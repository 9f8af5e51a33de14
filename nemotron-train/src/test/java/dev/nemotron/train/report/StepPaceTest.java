package dev.nemotron.train.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The ETA's pace: the first step left out, a moving average that follows the JIT's speed-up. */
class StepPaceTest {
    private static final long S = 1_000_000_000L;

    @Test
    void noEtaUntilTwoStepsAfterTheFirstAreTimed() {
        StepPace p = new StepPace();
        assertThat(p.etaSeconds(0, 100)).isNaN();
        p.record(1, 30 * S);
        assertThat(p.etaSeconds(1, 100)).isNaN();
        p.record(2, 32 * S);
        assertThat(p.etaSeconds(2, 100)).isNaN();
        p.record(3, 34 * S);
        assertThat(p.etaSeconds(3, 100)).isCloseTo(2.0 * 97, within(1e-9));
        assertThat(p.etaSeconds(100, 100)).isZero();
    }

    @Test
    void followsTheSpeedUpAfterWarmUp() {
        // warm-up: the first step 17 s, then 4 s per step for 5 steps, then 1 s per step
        StepPace p = new StepPace();
        long t = 17 * S;
        p.record(1, t);
        for (int s = 2; s <= 6; s++) {
            t += 4 * S;
            p.record(s, t);
        }
        for (int s = 7; s <= 26; s++) {
            t += S;
            p.record(s, t);
        }
        // 20 steps at 1 s: the estimate is within 5 % of the true 134 s; an average since the
        // first step would say (17 + 20 + 20) / 26 * 134 = 294 s
        assertThat(p.etaSeconds(26, 160)).isCloseTo(134, within(134 * 0.05));
    }

    @Test
    void stepsThatSkipAheadCountByTheirNumber() {
        StepPace p = new StepPace();
        p.record(10, 0);
        p.record(20, 10 * S);      // 10 steps in 10 s
        assertThat(p.etaSeconds(20, 120)).isCloseTo(100, within(1e-9));
        p.record(20, 50 * S);      // the same step again: ignored
        assertThat(p.etaSeconds(20, 120)).isCloseTo(100, within(1e-9));
    }
}
