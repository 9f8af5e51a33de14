package dev.nemotron.eval.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Garbage and pathological answers: never an exception, never a hang. */
class MathVerifierRobustnessTest {
    private static final String[] PIECES = {"\\frac", "\\sqrt", "{", "}", "(", ")", "[", "]", "\\{", "\\}", "1", "23", "0.5",
        "x", "y", "+", "-", "*", "/", "^", "_", ",", "=", "<", ">=", "\\pi", "\\infty", "\\pm", "\\cup", "\\in", "%", "$",
        "\\text{", "cm", " ", "\\left(", "\\right)", "|", "\\boxed{", "####", "e", "1e3", "\\sin", "\\log_", "!", "'",
        "\\", "A", "(B)", "\\%", "1,000", "\u221a", "\u00b0", "<think>", "</think>", "the answer is"};

    @Test
    void randomTokenSoupNeverThrows() {
        Random rnd = new Random(7);
        MathVerifier v = new MathVerifier(MathVerifyOptions.DEFAULTS);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 3000; i++) {
                String a = soup(rnd);
                String b = rnd.nextInt(4) == 0 ? a : soup(rnd);
                boolean eq = v.verify(a, b);
                v.verifyCompletion(a, b);
                MathAnswerExtractor.extract(b);
                if (a.equals(b) && eq) {
                    assertThat(v.verify(b, a)).as("%s", a).isTrue();
                }
            }
        });
    }

    private static String soup(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    @Test
    void pathologicalAnswersFinishQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThat(MathVerifier.equivalent("1", "(".repeat(5000) + "1" + ")".repeat(5000))).isFalse();
            assertThat(MathVerifier.equivalent("1", "\\sqrt{".repeat(3000) + "1" + "}".repeat(3000))).isFalse();
            assertThat(MathVerifier.equivalent("1", "1+".repeat(100_000) + "1")).isFalse();
            assertThat(MathVerifier.equivalent("1", "x".repeat(1900))).isFalse();
            assertThat(MathVerifier.equivalent("(x+y+z+w)^{64}", "(w+z+y+x)^{64}")).isTrue();
            assertThat(MathVerifier.equivalent("10^{10^{10}}", "10^{10^{10}}+1")).isFalse();
            assertThat(MathVerifier.equivalent("2^{2^{2^{2^{2}}}}", "1")).isFalse();
            assertThat(MathVerifier.equivalent("1e999999999", "1")).isFalse();
            // too large to factor: decided in floating point, which cannot tell these apart (documented)
            MathVerifier.equivalent("\\sqrt{10^{60}+1}", "10^{30}");
            assertThat(MathVerifier.equivalent("\\sqrt{10^{60}}", "10^{30}")).isTrue();
            assertThat(MathVerifier.equivalent("\\sqrt{" + "9".repeat(150) + "}", "1")).isFalse();
            assertThat(MathVerifier.equivalent("x^{100000}", "x^{100000}+1")).isFalse();
        });
    }
}
