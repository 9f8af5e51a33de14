package dev.nemotron.eval.code.sandbox;

/** How a sandboxed program ended. Everything except {@link #PASSED} is a failure of the program. */
public enum ExecutionStatus {
    /** Exit code 0 and, when the request asked for one, the completion marker as the last stdout line. */
    PASSED,
    /** A non-zero exit code, a missing completion marker or a compilation error. */
    FAILED,
    /** Killed at the wall-clock limit. */
    TIMEOUT,
    /** Killed at the CPU-time limit. */
    CPU_LIMIT,
    /** Ran out of memory under the address-space (or Java heap) limit. */
    MEMORY,
    /** Failed because it could not start another process or thread under the process limit. */
    PROCESS_LIMIT,
    /** Wrote more than the output limit to stdout or stderr and was killed. */
    OUTPUT_LIMIT,
    /** The sandbox itself could not set the run up (a namespace, mount or tool failed). */
    SANDBOX_ERROR
}
