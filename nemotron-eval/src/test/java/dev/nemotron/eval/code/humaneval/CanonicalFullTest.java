package dev.nemotron.eval.code.humaneval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nemotron.eval.code.sandbox.Sandbox;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * All canonical solutions: HumanEval 164/164 and HumanEval-X Java 164/164. A few minutes on two
 * cores, so tagged {@code humaneval-full} and run only with {@code -Phumaneval-full}.
 */
@Tag("humaneval-full")
class CanonicalFullTest {
    @Test
    void allCanonicalSolutionsPass() {
        Sandbox sandbox = Sandbox.create();
        assumeTrue(sandbox.capabilities().available(), sandbox.capabilities().reason());
        System.out.print(sandbox.capabilities().describe());
        CodeTaskChecker checker = new CodeTaskChecker(sandbox);
        int parallel = HumanEvalSuite.defaultParallelism();
        for (CodeBenchmark b : CodeBenchmark.values()) {
            SuiteReport r = HumanEvalSuite.canonical(b, checker, 0, parallel, x -> { });
            System.out.println(r.summary());
            r.failures().forEach(f -> System.out.println("  " + f.taskId() + ": " + f.reason()));
            assertThat(r.failures()).isEmpty();
            assertThat(r.passed()).isEqualTo(164);
        }
    }
}
