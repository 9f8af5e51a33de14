package dev.nemotron.train.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.optim.LrSchedule;
import org.junit.jupiter.api.Test;

class SchedulesTest {
    private static final double PEAK = 4.5e-4;
    private static final double MIN = 4.5e-6;
    private static final double TOL = 1e-18;

    @Test
    void wsdWarmsUpHoldsThenDecaysLinearlyToTheMinimum() {
        // warmup 10, stable to 80, linear decay over 80..100
        WarmupStableDecay s = new WarmupStableDecay(PEAK, MIN, 10, 80, 100, DecayShape.LINEAR);
        assertThat(s.lr(0)).isZero();
        assertThat(s.lr(1)).isCloseTo(PEAK / 10, within(TOL));
        assertThat(s.lr(5)).isCloseTo(PEAK / 2, within(TOL));
        assertThat(s.lr(9)).isCloseTo(PEAK * 0.9, within(TOL));
        assertThat(s.lr(10)).isEqualTo(PEAK);
        assertThat(s.lr(11)).isEqualTo(PEAK);
        assertThat(s.lr(80)).isEqualTo(PEAK);
        assertThat(s.lr(81)).isCloseTo(MIN + (PEAK - MIN) * 0.95, within(TOL));
        assertThat(s.lr(90)).isCloseTo((PEAK + MIN) / 2, within(TOL));
        assertThat(s.lr(99)).isCloseTo(MIN + (PEAK - MIN) * 0.05, within(TOL));
        assertThat(s.lr(100)).isEqualTo(MIN);
        assertThat(s.lr(1_000_000)).isEqualTo(MIN);
        assertMonotone(s, 0, 10, true);
        assertMonotone(s, 80, 100, false);
    }

    @Test
    void wsdDecayShapes() {
        WarmupStableDecay sqrt = new WarmupStableDecay(PEAK, MIN, 0, 0, 100, DecayShape.ONE_MINUS_SQRT);
        assertThat(sqrt.lr(0)).isEqualTo(PEAK);
        assertThat(sqrt.lr(25)).isCloseTo(MIN + (PEAK - MIN) * 0.5, within(TOL));
        assertThat(sqrt.lr(100)).isEqualTo(MIN);
        WarmupStableDecay cos = new WarmupStableDecay(PEAK, MIN, 0, 0, 100, DecayShape.COSINE);
        assertThat(cos.lr(50)).isCloseTo((PEAK + MIN) / 2, within(TOL));
        // 1-sqrt drops faster than linear early on, cosine slower
        WarmupStableDecay lin = new WarmupStableDecay(PEAK, MIN, 0, 0, 100, DecayShape.LINEAR);
        assertThat(sqrt.lr(10)).isLessThan(lin.lr(10));
        assertThat(cos.lr(10)).isGreaterThan(lin.lr(10));
        assertThat(DecayShape.parse("1-sqrt")).isEqualTo(DecayShape.ONE_MINUS_SQRT);
        assertThat(DecayShape.parse(" Cosine")).isEqualTo(DecayShape.COSINE);
        assertThatThrownBy(() -> DecayShape.parse("exp")).hasMessageContaining("exp");
        for (DecayShape shape : DecayShape.values()) {
            assertThat(shape.factor(0)).isEqualTo(1.0);
            assertThat(shape.factor(1)).isCloseTo(0.0, within(1e-16));
        }
    }

    @Test
    void wsdPaperPresetAndDecayFraction() {
        WarmupStableDecay p = WarmupStableDecay.paper(100, 1000);
        assertThat(p.peakLr()).isEqualTo(4.5e-4);
        assertThat(p.minLr()).isEqualTo(4.5e-6);
        assertThat(p.decayStart()).isEqualTo(800);
        assertThat(p.shape()).isEqualTo(DecayShape.LINEAR);
        assertThat(p.lr(800)).isEqualTo(4.5e-4);
        assertThat(p.lr(1000)).isEqualTo(4.5e-6);
        // a decay fraction earlier than the warmup end starts the decay at the warmup end
        assertThat(WarmupStableDecay.withDecayFraction(PEAK, MIN, 50, 100, 0.1, DecayShape.LINEAR).decayStart()).isEqualTo(50);
        // no stable phase and no decay: decay start == total
        WarmupStableDecay noDecay = new WarmupStableDecay(PEAK, MIN, 0, 10, 10, DecayShape.LINEAR);
        assertThat(noDecay.lr(10)).isEqualTo(PEAK);
        assertThat(noDecay.lr(11)).isEqualTo(MIN);
    }

    @Test
    void wsdRejectsInconsistentSettings() {
        assertThatThrownBy(() -> new WarmupStableDecay(PEAK, MIN, 20, 10, 100, DecayShape.LINEAR)).hasMessageContaining("warmup");
        assertThatThrownBy(() -> new WarmupStableDecay(PEAK, MIN, 0, 200, 100, DecayShape.LINEAR)).hasMessageContaining("decay start");
        assertThatThrownBy(() -> new WarmupStableDecay(MIN, PEAK, 0, 0, 100, DecayShape.LINEAR)).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> new WarmupStableDecay(-1, 0, 0, 0, 100, DecayShape.LINEAR)).hasMessageContaining("peak");
        assertThatThrownBy(() -> WarmupStableDecay.paper(10, 100).lr(-1)).hasMessageContaining("step");
    }

    @Test
    void cosineWithWarmup() {
        CosineSchedule s = new CosineSchedule(1.0, 0.1, 10, 110);
        assertThat(s.lr(0)).isZero();
        assertThat(s.lr(5)).isEqualTo(0.5);
        assertThat(s.lr(10)).isEqualTo(1.0);
        assertThat(s.lr(60)).isCloseTo(0.55, within(1e-15));
        assertThat(s.lr(35)).isCloseTo(0.1 + 0.9 * (1 + Math.cos(Math.PI / 4)) / 2, within(1e-15));
        assertThat(s.lr(110)).isEqualTo(0.1);
        assertThat(s.lr(500)).isEqualTo(0.1);
        assertMonotone(s, 10, 110, false);
        assertThat(new CosineSchedule(1.0, 0.0, 0, 4).lr(0)).isEqualTo(1.0);
        assertThatThrownBy(() -> new CosineSchedule(1.0, 0.1, 20, 10)).hasMessageContaining("warmup");
    }

    @Test
    void constantWithOptionalWarmup() {
        ConstantSchedule plain = new ConstantSchedule(3e-5);
        assertThat(plain.lr(0)).isEqualTo(3e-5);
        assertThat(plain.lr(1)).isEqualTo(3e-5);
        assertThat(plain.lr(1L << 40)).isEqualTo(3e-5);
        ConstantSchedule warm = new ConstantSchedule(2.0, 4);
        assertThat(warm.lr(0)).isZero();
        assertThat(warm.lr(1)).isEqualTo(0.5);
        assertThat(warm.lr(3)).isEqualTo(1.5);
        assertThat(warm.lr(4)).isEqualTo(2.0);
        assertThat(warm.lr(5)).isEqualTo(2.0);
        assertThatThrownBy(() -> new ConstantSchedule(1.0, -1)).hasMessageContaining("warmup");
    }

    @Test
    void schedulesArePureFunctionsOfTheStep() {
        LrSchedule[] all = {WarmupStableDecay.paper(7, 97), new CosineSchedule(1, 0, 3, 50), new ConstantSchedule(1, 3)};
        for (LrSchedule s : all) {
            double[] forward = new double[120];
            for (int i = 0; i < forward.length; i++) {
                forward[i] = s.lr(i);
            }
            for (int i = forward.length - 1; i >= 0; i--) {
                assertThat(s.lr(i)).isEqualTo(forward[i]);
                assertThat(forward[i]).isGreaterThanOrEqualTo(0);
            }
        }
    }

    private static void assertMonotone(LrSchedule s, long from, long to, boolean increasing) {
        for (long i = from; i < to; i++) {
            if (increasing) {
                assertThat(s.lr(i + 1)).as("step %d", i + 1).isGreaterThan(s.lr(i));
            } else {
                assertThat(s.lr(i + 1)).as("step %d", i + 1).isLessThanOrEqualTo(s.lr(i));
            }
        }
    }
}
