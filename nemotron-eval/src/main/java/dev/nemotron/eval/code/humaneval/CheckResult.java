package dev.nemotron.eval.code.humaneval;

import dev.nemotron.eval.code.sandbox.ExecutionResult;
import dev.nemotron.eval.code.sandbox.ExecutionStatus;
import java.time.Duration;

/**
 * The verdict on one completion.
 *
 * @param taskId    the problem
 * @param passed    whether every test passed
 * @param status    how the run ended
 * @param reason    one line: {@code "passed"}, or why not (the exception, the limit, the compile error)
 * @param execution the sandbox run (stdout, stderr, exit code, wall time)
 */
public record CheckResult(String taskId, boolean passed, ExecutionStatus status, String reason, ExecutionResult execution) {
    /** Wall-clock time of the run. */
    public Duration wallTime() {
        return execution.wallTime();
    }
}
