package dev.nemotron.eval.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.NemotronException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassAtKTest {
    @Test
    void handValues() {
        assertThat(PassAtK.estimate(1, 1, 1)).isEqualTo(1.0);
        assertThat(PassAtK.estimate(1, 0, 1)).isEqualTo(0.0);
        assertThat(PassAtK.estimate(10, 0, 5)).isEqualTo(0.0);
        assertThat(PassAtK.estimate(10, 1, 1)).isCloseTo(0.1, within(1e-15));
        // 1 - C(8,5)/C(10,5) = 1 - 56/252
        assertThat(PassAtK.estimate(10, 2, 5)).isCloseTo(1 - 56.0 / 252.0, within(1e-15));
        // 1 - C(17,10)/C(20,10) = 1 - 19448/184756
        assertThat(PassAtK.estimate(20, 3, 10)).isCloseTo(1 - 19448.0 / 184756.0, within(1e-15));
        // 1 - C(3,2)/C(4,2) = 1 - 3/6
        assertThat(PassAtK.estimate(4, 1, 2)).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void passAtOneIsTheFractionPassed() {
        assertThat(PassAtK.estimate(200, 37, 1)).isCloseTo(37 / 200.0, within(1e-15));
    }

    @Test
    void certainWhenTooFewFailuresToFillKDraws() {
        assertThat(PassAtK.estimate(5, 3, 3)).isEqualTo(1.0);
        assertThat(PassAtK.estimate(10, 10, 10)).isEqualTo(1.0);
    }

    @Test
    void matchesExactBinomialsForLargeN() {
        int n = 1000, c = 10, k = 100;
        BigDecimal ratio = new BigDecimal(binomial(n - c, k)).divide(new BigDecimal(binomial(n, k)), MathContext.DECIMAL128);
        assertThat(PassAtK.estimate(n, c, k)).isCloseTo(1 - ratio.doubleValue(), within(1e-12));
    }

    @Test
    void meanOverProblems() {
        assertThat(PassAtK.mean(List.of(10, 10), List.of(1, 0), 1)).isCloseTo(0.05, within(1e-15));
    }

    @Test
    void badInputIsOneLineError() {
        assertThatThrownBy(() -> PassAtK.estimate(0, 0, 1)).isInstanceOf(NemotronException.class).hasMessageContaining("n=0");
        assertThatThrownBy(() -> PassAtK.estimate(5, 6, 1)).isInstanceOf(NemotronException.class).hasMessageContaining("c=6");
        assertThatThrownBy(() -> PassAtK.estimate(5, 1, 6)).isInstanceOf(NemotronException.class).hasMessageContaining("k=6");
        assertThatThrownBy(() -> PassAtK.mean(List.of(1), List.of(), 1)).isInstanceOf(NemotronException.class);
    }

    private static BigInteger binomial(int n, int k) {
        BigInteger r = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return r;
    }
}
