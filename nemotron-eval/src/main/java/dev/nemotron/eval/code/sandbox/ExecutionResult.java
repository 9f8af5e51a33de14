package dev.nemotron.eval.code.sandbox;

import java.time.Duration;

/**
 * How one sandboxed run ended.
 *
 * @param status          the verdict
 * @param exitCode        the exit code (128 + signal number when a signal killed the program; -1 when
 *                        the sandbox killed it)
 * @param stdout          what the program wrote to stdout, at most the output limit
 * @param stderr          what the program wrote to stderr, at most the output limit
 * @param wallTime        wall-clock time from start to exit
 * @param detail          one line saying why the run got its status
 */
public record ExecutionResult(ExecutionStatus status, int exitCode, String stdout, String stderr, Duration wallTime,
        String detail) {
    /** Whether the run passed. */
    public boolean passed() {
        return status == ExecutionStatus.PASSED;
    }

    /** The first and last {@code maxChars / 2} characters of stdout. */
    public String stdoutExcerpt(int maxChars) {
        return excerpt(stdout, maxChars);
    }

    /** The first and last {@code maxChars / 2} characters of stderr. */
    public String stderrExcerpt(int maxChars) {
        return excerpt(stderr, maxChars);
    }

    /** The last non-blank line of stderr (often the exception), or "" when there is none. */
    public String lastStderrLine() {
        String[] lines = stderr.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }

    static String excerpt(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int half = Math.max(1, maxChars / 2);
        return text.substring(0, half) + "\n...[" + (text.length() - 2 * half) + " characters left out]...\n"
                + text.substring(text.length() - half);
    }
}
