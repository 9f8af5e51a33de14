package dev.nemotron.eval.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import org.junit.jupiter.api.Test;

class MathVerifierTest {
    @Test
    void theIssuesExamples() {
        assertThat(MathVerifier.equivalent("7425000", "7,425,000")).isTrue();
        assertThat(MathVerifier.equivalent("$1/3$", "$\\frac13$")).isTrue();
        assertThat(MathVerifier.equivalent("$\\sqrt{3}$", "$\\sqrt3$")).isTrue();
        assertThat(MathVerifier.equivalent("$28\\%$", "28 percent")).isTrue();
        assertThat(MathVerifier.equivalent("2", "AZYUK2A")).isFalse();
        assertThat(MathVerifier.equivalent("$4$", "$4\\sqrt{2}$")).isFalse();
    }

    @Test
    void toleranceIsConfigurable() {
        assertThat(MathVerifier.equivalent("1/3", "0.333")).isFalse();
        MathVerifier loose = new MathVerifier(MathVerifyOptions.DEFAULTS.withRelativeTolerance(1e-2));
        assertThat(loose.verify("1/3", "0.333")).isTrue();
        assertThat(loose.verify("1/3", "0.32")).isFalse();
        MathVerifier exact = new MathVerifier(MathVerifyOptions.DEFAULTS.withRelativeTolerance(0));
        assertThat(exact.verify("1/2", "0.5")).isTrue();
        assertThat(exact.verify("1/3", "0.3333333")).isFalse();
        // integers and fractions are exact whatever the tolerance
        assertThat(loose.verify("100", "101")).isFalse();
    }

    @Test
    void percentAsFractionCanBeTurnedOff() {
        MathVerifier strict = new MathVerifier(new MathVerifyOptions(1e-6, false));
        assertThat(strict.verify("28\\%", "0.28")).isFalse();
        assertThat(strict.verify("28\\%", "28")).isTrue();
        assertThat(MathVerifier.equivalent("28\\%", "0.28")).isTrue();
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertThatThrownBy(() -> new MathVerifyOptions(-1, true)).isInstanceOf(NemotronException.class)
                .hasMessage("math tolerance must be in [0, 1), got -1.0");
        assertThatThrownBy(() -> new MathVerifyOptions(Double.NaN, true)).isInstanceOf(NemotronException.class);
    }

    @Test
    void completionsAreJudgedByTheirFinalAnswer() {
        MathVerifier v = new MathVerifier(MathVerifyOptions.DEFAULTS);
        assertThat(v.verifyCompletion("0.5", "<think>is it 1/3? no</think>So the answer is $\\boxed{\\frac{1}{2}}$.")).isTrue();
        assertThat(v.verifyCompletion("1/3", "<think>is it 1/3? no</think>So the answer is $\\boxed{\\frac{1}{2}}$.")).isFalse();
        assertThat(v.verifyCompletion("72", "48 + 24 = 72\n#### 72")).isTrue();
        assertThat(v.verifyCompletion("2", "AZYUK2A")).isFalse();
        assertThat(v.verifyCompletion("2", "<think>2")).isFalse();
        assertThat(v.verifyCompletion("2", "")).isFalse();
    }

    @Test
    void explainShowsTheForms() {
        Verdict d = new MathVerifier(MathVerifyOptions.DEFAULTS).explain("\\boxed{\\dfrac{1}{2}}", "$0.5$");
        assertThat(d.equivalent()).isTrue();
        assertThat(d.gold()).isEqualTo("\\dfrac{1}{2}");
        assertThat(d.goldNormalized()).isEqualTo("\\frac {1}{2}");
        assertThat(d.predictionNormalized()).isEqualTo("0.5");
        assertThat(d.goldParsed()).isEqualTo("(1 / 2)");
        assertThat(d.predictionParsed()).isEqualTo("1/2");
    }

    @Test
    void nullAndEmptyAreNeverEquivalent() {
        assertThat(MathVerifier.equivalent(null, "1")).isFalse();
        assertThat(MathVerifier.equivalent("1", null)).isFalse();
        assertThat(MathVerifier.equivalent("", "")).isFalse();
        assertThat(MathVerifier.equivalent("$ $", "$ $")).isFalse();
    }
}
