package dev.nemotron.api.layer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import org.junit.jupiter.api.Test;

/** The sample boundaries of a packed row: positions, starts, and one clear error per bad input. */
class SegmentsTest {
    @Test
    void lengthsStartsAndPerPositionStarts() {
        Segments s = Segments.of(4, 1, 3);
        assertThat(s.length()).isEqualTo(8);
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.isSingle()).isFalse();
        assertThat(s.start(0)).isZero();
        assertThat(s.start(1)).isEqualTo(4);
        assertThat(s.start(2)).isEqualTo(5);
        assertThat(s.length(2)).isEqualTo(3);
        assertThat(s.tokenStarts()).containsExactly(0, 0, 0, 0, 4, 5, 5, 5);
        assertThat(s.lengths()).containsExactly(4, 1, 3);
        assertThat(s.requireLength(8)).isSameAs(s);
    }

    @Test
    void singleIsOneSegmentAndEqualityIsByLengths() {
        assertThat(Segments.single(5)).isEqualTo(Segments.of(5));
        assertThat(Segments.single(5).isSingle()).isTrue();
        assertThat(Segments.single(5).tokenStarts()).containsOnly(0);
        assertThat(Segments.of(2, 3)).isEqualTo(Segments.of(2, 3)).hasSameHashCodeAs(Segments.of(2, 3))
                .isNotEqualTo(Segments.of(3, 2)).hasToString("Segments[2, 3]");
    }

    @Test
    void theLengthsAreCopied() {
        int[] lengths = {2, 3};
        Segments s = Segments.of(lengths);
        lengths[0] = 7;
        s.lengths()[1] = 9;
        assertThat(s.lengths()).containsExactly(2, 3);
    }

    @Test
    void badInputIsOneClearError() {
        assertThatThrownBy(Segments::of).isInstanceOf(NemotronException.class)
                .hasMessageContaining("at least one segment");
        assertThatThrownBy(() -> Segments.of((int[]) null)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("at least one segment");
        assertThatThrownBy(() -> Segments.of(3, 0, 2)).isInstanceOf(NemotronException.class)
                .hasMessage("segment 1 has length 0: every sample in a packed row needs at least one position");
        assertThatThrownBy(() -> Segments.of(3, -2)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("segment 1 has length -2");
        assertThatThrownBy(() -> Segments.of(Integer.MAX_VALUE, 1)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("sum to 2147483648");
        assertThatThrownBy(() -> Segments.single(0)).isInstanceOf(NemotronException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> Segments.of(4, 3).requireLength(9)).isInstanceOf(NemotronException.class)
                .hasMessage("the segments cover 7 positions (2 samples) but the row has 9: the sample lengths must "
                        + "sum to the row length");
    }
}
