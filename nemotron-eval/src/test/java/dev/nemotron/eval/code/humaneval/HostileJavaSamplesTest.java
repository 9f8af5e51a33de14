package dev.nemotron.eval.code.humaneval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nemotron.eval.code.lang.CodeLanguage;
import dev.nemotron.eval.code.lang.JavaRunner;
import dev.nemotron.eval.code.sandbox.ExecutionStatus;
import dev.nemotron.eval.code.sandbox.Sandbox;
import dev.nemotron.eval.code.sandbox.SandboxCapabilities;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile completions of HumanEval-X Java/0 ({@code hasCloseElements}), each scored as a failure. */
class HostileJavaSamplesTest {
    private static final String CLOSE = "    }\n}\n";

    private static Sandbox sandbox;
    private static CodeProblem problem;
    private static CodeTaskChecker checker;

    @BeforeAll
    static void setUp() {
        sandbox = Sandbox.create();
        assumeTrue(sandbox.capabilities().available(), sandbox.capabilities().reason());
        JavaRunner runner = new JavaRunner(sandbox, JavaRunner.defaultLimits().withWallTime(Duration.ofSeconds(20)), "Main");
        assumeTrue(runner.availability().available(), runner.availability().reason());
        checker = new CodeTaskChecker(Map.of(CodeLanguage.JAVA, runner));
        problem = HumanEvalDataset.java().getFirst();
    }

    private static CheckResult check(String body) {
        return checker.check(problem, body + CLOSE);
    }

    /** The canonical body without the closing braces of method and class. */
    private static String canonicalBody() {
        String c = problem.canonicalSolution().stripTrailing();
        return c.substring(0, c.lastIndexOf('}'));
    }

    @Test
    void exitingBeforeTheTestsFinishIsNotAPass() {
        CheckResult exit = check("        System.exit(0);\n        return true;\n");
        assertThat(exit.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(exit.reason()).contains("marker");
        CheckResult halt = check("        Runtime.getRuntime().halt(0);\n        return true;\n");
        assertThat(halt.status()).isEqualTo(ExecutionStatus.FAILED);
    }

    @Test
    void infiniteLoopTimesOut() {
        JavaRunner shortRunner = new JavaRunner(sandbox, JavaRunner.defaultLimits().withWallTime(Duration.ofSeconds(8)), "Main");
        CheckResult r = new CodeTaskChecker(Map.of(CodeLanguage.JAVA, shortRunner)).check(problem, "        while (true) { }\n" + CLOSE);
        assertThat(r.status()).isIn(ExecutionStatus.TIMEOUT, ExecutionStatus.CPU_LIMIT);
        assertThat(r.wallTime()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void networkIsUnreachable() {
        assumeTrue(sandbox.capabilities().isActive(SandboxCapabilities.NETWORK), "no network namespace here");
        CheckResult r = checker.check(problem, "        try (java.net.Socket s = new java.net.Socket(\"1.1.1.1\", 80)) { }\n"
                + "        catch (java.io.IOException e) { throw new RuntimeException(e); }\n" + canonicalBody() + "}\n");
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.reason()).contains("Exception");
    }

    @Test
    void writesOutsideDoNotLand() {
        assumeTrue(sandbox.capabilities().isActive(SandboxCapabilities.READ_ONLY), "no read-only view here");
        Path target = Path.of("/tmp/nemotron-outside-" + UUID.randomUUID());
        CheckResult r = checker.check(problem, "        try { java.nio.file.Files.writeString(java.nio.file.Path.of(\""
                + target + "\"), \"x\"); } catch (Exception e) { }\n" + canonicalBody() + "}\n");
        assertThat(r.passed()).as(r.reason()).isTrue();
        assertThat(target).doesNotExist();
    }

    @Test
    void memoryBombRunsOutOfHeap() {
        CheckResult r = check("        long[][] hog = new long[1000][];\n"
                + "        for (int i = 0; i < hog.length; i++) hog[i] = new long[10_000_000];\n        return true;\n");
        assertThat(r.status()).isEqualTo(ExecutionStatus.MEMORY);
    }

    @Test
    void threadBombHitsTheProcessLimit() {
        assumeTrue(sandbox.capabilities().isActive(SandboxCapabilities.PROCESSES), "no process limit here");
        CheckResult r = check("        while (true) { Thread t = new Thread(() -> { try { Thread.sleep(60_000); } "
                + "catch (InterruptedException e) { } }); t.setDaemon(true); t.start(); }\n");
        assertThat(r.passed()).isFalse();
        assertThat(r.status()).isIn(ExecutionStatus.PROCESS_LIMIT, ExecutionStatus.MEMORY, ExecutionStatus.TIMEOUT);
    }

    @Test
    void wrongSolutionsFail() {
        CheckResult constant = check("        return true;\n");
        assertThat(constant.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(constant.reason()).contains("AssertionError");
        CheckResult empty = check("");
        assertThat(empty.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(empty.reason()).startsWith("compilation failed").contains("missing return");
    }
}
