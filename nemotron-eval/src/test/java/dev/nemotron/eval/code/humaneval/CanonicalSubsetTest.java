package dev.nemotron.eval.code.humaneval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nemotron.eval.code.lang.CodeLanguage;
import dev.nemotron.eval.code.sandbox.Sandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The canonical solutions of the first problems pass through the whole path (dataset, program,
 * sandbox, harness). All 164 + 164 run in {@link CanonicalFullTest} (Maven profile {@code humaneval-full}).
 */
class CanonicalSubsetTest {
    private static Sandbox sandbox;
    private static CodeTaskChecker checker;

    @BeforeAll
    static void setUp() {
        sandbox = Sandbox.create();
        assumeTrue(sandbox.capabilities().available(), sandbox.capabilities().reason());
        checker = new CodeTaskChecker(sandbox);
    }

    @Test
    void firstTwentyHumanEvalProblemsPass() {
        assumeTrue(checker.availability(CodeLanguage.PYTHON).available(), checker.availability(CodeLanguage.PYTHON).reason());
        SuiteReport r = HumanEvalSuite.canonical(CodeBenchmark.HUMANEVAL, checker, 20, 2, x -> { });
        assertThat(r.failures()).isEmpty();
        assertThat(r.passed()).isEqualTo(20);
    }

    @Test
    void firstSixHumanEvalXJavaProblemsPass() {
        assumeTrue(checker.availability(CodeLanguage.JAVA).available(), checker.availability(CodeLanguage.JAVA).reason());
        SuiteReport r = HumanEvalSuite.canonical(CodeBenchmark.HUMANEVAL_JAVA, checker, 6, 2, x -> { });
        assertThat(r.failures()).isEmpty();
        assertThat(r.passed()).isEqualTo(6);
    }
}
