package dev.nemotron.eval.code.sandbox;

import java.util.List;

/** Turns how a process ended into an {@link ExecutionStatus} and a one-line detail. */
final class Verdict {
    private static final int SIGXCPU = 24, SIGXFSZ = 25;
    private static final List<String> OUT_OF_MEMORY = List.of("MemoryError", "java.lang.OutOfMemoryError",
            "Cannot allocate memory", "Could not reserve enough space", "Out of memory", "std::bad_alloc",
            "insufficient memory for the Java Runtime");

    private static final List<String> NO_PROCESS = List.of("unable to create native thread",
            "Resource temporarily unavailable", "fork: retry", "Cannot fork");

    private Verdict() {
    }

    record Outcome(ExecutionStatus status, String detail) {
    }

    /**
     * The verdict of one run.
     *
     * @param killed   why the sandbox killed the run, or null when it ended by itself
     * @param exitCode the exit code (128 + signal for a signal)
     */
    static Outcome of(ExecutionRequest request, KillReason killed, int exitCode, String stdout, String stderr) {
        ResourceLimits limits = request.limits();
        if (killed != null) {
            return switch (killed) {
                case STDOUT_LIMIT, STDERR_LIMIT -> new Outcome(ExecutionStatus.OUTPUT_LIMIT, (killed == KillReason.STDOUT_LIMIT
                        ? "stdout" : "stderr") + " passed the output limit of " + limits.outputBytes() + " bytes; killed");
                case RUN_MEMORY -> new Outcome(ExecutionStatus.MEMORY, "the run's processes together held more than "
                        + limits.runMemoryBytes() / ResourceLimits.MIB + " MiB of memory; killed");
                case WALL_CLOCK -> new Outcome(ExecutionStatus.TIMEOUT,
                        "killed at the wall-clock limit of " + seconds(limits) + " s");
            };
        }
        if (exitCode == SetupScript.SETUP_FAILED && stderr.contains(SetupScript.TAG)) {
            return new Outcome(ExecutionStatus.SANDBOX_ERROR, "sandbox setup failed: " + tagLine(stderr));
        }
        if (exitCode == 128 + SIGXCPU) {
            return new Outcome(ExecutionStatus.CPU_LIMIT, "killed at the CPU-time limit of " + limits.cpuSeconds()
                    + " s (SIGXCPU)");
        }
        if (exitCode != 0 && NO_PROCESS.stream().anyMatch(stderr::contains)) {
            return new Outcome(ExecutionStatus.PROCESS_LIMIT, "could not start a process or thread under the limit of "
                    + limits.processes() + " (exit code " + exitCode + ")");
        }
        if (exitCode != 0 && OUT_OF_MEMORY.stream().anyMatch(stderr::contains)) {
            return new Outcome(ExecutionStatus.MEMORY, "out of memory under the " + limits.memoryBytes() / ResourceLimits.MIB
                    + " MiB address-space limit (exit code " + exitCode + ")");
        }
        if (exitCode == 128 + SIGXFSZ) {
            return new Outcome(ExecutionStatus.FAILED, "wrote a file larger than " + limits.fileBytes() + " bytes (SIGXFSZ)");
        }
        if (exitCode != 0) {
            return new Outcome(ExecutionStatus.FAILED, exitCode > 128 ? "killed by signal " + (exitCode - 128)
                    : "exit code " + exitCode);
        }
        if (request.successMarker() != null && !request.successMarker().equals(lastLine(stdout))) {
            return new Outcome(ExecutionStatus.FAILED,
                    "exit code 0 but the completion marker was not printed: the program ended before its tests finished");
        }
        return new Outcome(ExecutionStatus.PASSED, "exit code 0");
    }

    /** The last non-blank line of {@code text}. */
    static String lastLine(String text) {
        String s = text.strip();
        int nl = s.lastIndexOf('\n');
        return (nl < 0 ? s : s.substring(nl + 1)).strip();
    }

    private static String tagLine(String stderr) {
        return stderr.lines().filter(l -> l.startsWith(SetupScript.TAG)).findFirst()
                .map(l -> l.substring(SetupScript.TAG.length()).strip()).orElse("");
    }

    private static String seconds(ResourceLimits limits) {
        long ms = limits.wallTime().toMillis();
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format("%.1f", ms / 1000.0);
    }
}
