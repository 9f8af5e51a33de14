package dev.nemotron.eval.code.humaneval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nemotron.eval.code.lang.CodeLanguage;
import dev.nemotron.eval.code.lang.PythonRunner;
import dev.nemotron.eval.code.sandbox.ExecutionRequest;
import dev.nemotron.eval.code.sandbox.ExecutionResult;
import dev.nemotron.eval.code.sandbox.ExecutionStatus;
import dev.nemotron.eval.code.sandbox.ResourceLimits;
import dev.nemotron.eval.code.sandbox.Sandbox;
import dev.nemotron.eval.code.sandbox.SandboxCapabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile completions of HumanEval/0 ({@code has_close_elements}): each is contained and scored as a
 * failure. Tests of a protection the machine lacks are skipped with the sandbox's reason.
 */
class HostilePythonSamplesTest {
    private static Sandbox sandbox;
    private static PythonRunner runner;
    private static CodeProblem problem;
    private static CodeTaskChecker checker;

    @BeforeAll
    static void setUp() {
        sandbox = Sandbox.create();
        assumeTrue(sandbox.capabilities().available(), sandbox.capabilities().reason());
        runner = new PythonRunner(sandbox, ResourceLimits.defaults().withWallTime(Duration.ofSeconds(3)));
        assumeTrue(runner.availability().available(), runner.availability().reason());
        checker = new CodeTaskChecker(Map.of(CodeLanguage.PYTHON, runner));
        problem = HumanEvalDataset.python().getFirst();
    }

    private static CheckResult check(String completion) {
        return checker.check(problem, completion);
    }

    private static void assumeActive(String protection) {
        SandboxCapabilities caps = sandbox.capabilities();
        assumeTrue(caps.isActive(protection), () -> caps.protection(protection).map(Object::toString).orElse(protection));
    }

    @Test
    void canonicalSolutionPassesUnderTheSameLimits() {
        assertThat(check(problem.canonicalSolution()).passed()).isTrue();
    }

    @Test
    void infiniteLoopTimesOut() {
        CheckResult r = check("    while True:\n        pass\n");
        assertThat(r.passed()).isFalse();
        assertThat(r.status()).isIn(ExecutionStatus.TIMEOUT, ExecutionStatus.CPU_LIMIT);
        assertThat(r.wallTime()).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void forkBombHitsTheProcessLimitAndLeavesNothingBehind() throws InterruptedException {
        assumeActive(SandboxCapabilities.PROCESSES);
        String token = "forkbomb-" + UUID.randomUUID();
        String bomb = """
                import os, sys, time
                while True:
                    try:
                        os.fork()
                    except OSError:
                        time.sleep(0.01)
                """;
        ExecutionResult r = sandbox.run(ExecutionRequest.of(Map.of(), List.of(runner.interpreter().orElseThrow(), "-c", bomb, token),
                ResourceLimits.defaults().withProcesses(16).withWallTime(Duration.ofSeconds(3))));
        assertThat(r.passed()).isFalse();
        assertThat(r.status()).isEqualTo(ExecutionStatus.TIMEOUT);
        assertThat(leftOver(token)).as("fork bomb processes left").isZero();
    }

    @Test
    void hugeOutputIsCutAndFails() {
        CheckResult r = check("    while True:\n        print('spam' * 1000)\n");
        assertThat(r.status()).isEqualTo(ExecutionStatus.OUTPUT_LIMIT);
        assertThat(r.execution().stdout().length()).isLessThanOrEqualTo(runner.limits().outputBytes());
    }

    @Test
    void networkIsUnreachable() {
        assumeActive(SandboxCapabilities.NETWORK);
        CheckResult r = check("    import socket\n    socket.create_connection(('1.1.1.1', 80), timeout=5).close()\n"
                + problem.canonicalSolution());
        assertThat(r.passed()).isFalse();
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.reason()).contains("OSError");
    }

    @Test
    void writesOutsideTheWorkingDirectoryDoNotLand(@TempDir Path hostDir) throws IOException {
        assumeActive(SandboxCapabilities.READ_ONLY);
        Files.setPosixFilePermissions(hostDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        String id = UUID.randomUUID().toString();
        List<Path> targets = List.of(Path.of("/tmp/nemotron-outside-" + id), hostDir.resolve("outside-" + id),
                Path.of("target").toAbsolutePath().resolve("outside-" + id));
        StringBuilder completion = new StringBuilder();
        for (Path t : targets) {
            completion.append("    try:\n        open('").append(t).append("', 'w').write('x')\n    except OSError:\n        pass\n");
        }
        CheckResult r = check(completion + problem.canonicalSolution());
        assertThat(r.passed()).as(r.reason()).isTrue(); // the writes failed quietly, the solution is right
        assertThat(targets).allSatisfy(t -> assertThat(t).doesNotExist());
    }

    @Test
    void memoryBombIsStoppedByTheLimit() {
        CheckResult r = check("    x = bytearray(10 * 1024 ** 3)\n    return True\n");
        assertThat(r.status()).isEqualTo(ExecutionStatus.MEMORY);
        // growing step by step, under a smaller limit so that a loaded machine reaches it quickly
        CodeTaskChecker small = new CodeTaskChecker(Map.of(CodeLanguage.PYTHON, new PythonRunner(sandbox,
                ResourceLimits.defaults().withMemoryBytes(256 * ResourceLimits.MIB).withWallTime(Duration.ofSeconds(10)))));
        CheckResult gradual = small.check(problem, "    x = []\n    while True:\n        x.append(bytearray(64 * 1024 * 1024))\n");
        assertThat(gradual.status()).isEqualTo(ExecutionStatus.MEMORY);
    }

    @Test
    void manyProcessesTogetherCannotExceedTheRunMemoryLimit() {
        String bomb = """
                import os, time
                for i in range(8):
                    if os.fork() == 0:
                        x = b'x' * (200 * 1024 * 1024)
                        time.sleep(30)
                        os._exit(0)
                time.sleep(30)
                """;
        ExecutionResult r = sandbox.run(ExecutionRequest.of(Map.of(), List.of(runner.interpreter().orElseThrow(), "-c", bomb),
                ResourceLimits.defaults().withRunMemoryBytes(512 * ResourceLimits.MIB).withWallTime(Duration.ofSeconds(20))));
        assertThat(r.status()).isEqualTo(ExecutionStatus.MEMORY);
        assertThat(r.detail()).contains("together");
        assertThat(r.wallTime()).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void exitingWithZeroBeforeTheTestsFinishIsNotAPass() {
        assertThat(check("    import sys\n    sys.exit(0)\n").status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(check("    import os\n    os._exit(0)\n").status()).isEqualTo(ExecutionStatus.FAILED);
        // top-level code after the function: the program ends before check(...) is called
        CheckResult topLevel = check(problem.canonicalSolution() + "\nimport sys\nsys.exit(0)\n");
        assertThat(topLevel.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(topLevel.reason()).contains("marker");
    }

    @Test
    void killingTheParentIsNotAPass() {
        CheckResult r = check("    import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)\n    os._exit(0)\n");
        assertThat(r.passed()).isFalse();
        CheckResult self = check("    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n");
        assertThat(self.passed()).isFalse();
    }

    @Test
    void killingEveryProcessItCanReachTouchesNothingOutside() {
        assumeActive(SandboxCapabilities.PID_ISOLATION);
        CheckResult r = check("    import os, signal\n    os.kill(-1, signal.SIGKILL)\n    os._exit(0)\n");
        assertThat(r.passed()).isFalse();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void wrongSolutionsFail() {
        assertThat(check("    return None\n").status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(check("    pass\n").reason()).contains("AssertionError");
        assertThat(check("    return True\n").passed()).isFalse();
        assertThat(check("    return (\n").reason()).contains("SyntaxError");
    }

    static long leftOver(String token) throws InterruptedException {
        long left = 0;
        for (int i = 0; i < 50; i++) {
            left = ProcessHandle.allProcesses()
                    .filter(p -> List.of(p.info().arguments().orElse(new String[0])).contains(token)).count();
            if (left == 0) {
                return 0;
            }
            Thread.sleep(100);
        }
        return left;
    }
}
