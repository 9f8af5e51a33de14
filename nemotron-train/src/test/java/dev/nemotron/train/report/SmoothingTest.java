package dev.nemotron.train.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmoothingTest {
    @Test
    void debiasedEma() {
        List<LossPoint> in = List.of(new LossPoint(1, 4.0), new LossPoint(2, 2.0), new LossPoint(3, Double.NaN), new LossPoint(4, 3.0));
        List<LossPoint> out = Smoothing.ema(in, 0.5);
        assertThat(out).extracting(LossPoint::step).containsExactly(1L, 2L, 4L);
        assertThat(out.get(0).loss()).isEqualTo(4.0);                       // the first point is the first loss
        assertThat(out.get(1).loss()).isCloseTo((0.25 * 4 + 0.5 * 2) / 0.75, within(1e-12));
        assertThat(out.get(2).loss()).isCloseTo((0.125 * 4 + 0.25 * 2 + 0.5 * 3) / 0.875, within(1e-12));
        assertThat(Smoothing.ema(in, 0)).extracting(LossPoint::loss).containsExactly(4.0, 2.0, 3.0);
        List<LossPoint> flat = Smoothing.ema(List.of(new LossPoint(1, 3), new LossPoint(2, 3), new LossPoint(3, 3)), 0.99);
        assertThat(flat).extracting(LossPoint::loss).allSatisfy(v -> assertThat(v).isCloseTo(3.0, within(1e-9)));
        assertThatThrownBy(() -> Smoothing.ema(in, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
