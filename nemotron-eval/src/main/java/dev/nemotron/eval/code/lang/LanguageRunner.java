package dev.nemotron.eval.code.lang;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.eval.code.sandbox.ExecutionRequest;
import dev.nemotron.eval.code.sandbox.ExecutionResult;
import dev.nemotron.eval.code.sandbox.ResourceLimits;

/**
 * Runs a complete program of one language (solution and tests in one source) in the sandbox.
 *
 * <p>The program runs under a small harness that prints a fresh random marker once the program has
 * returned normally; the run passes only with exit code 0 and that marker as the last stdout line, so a
 * program that exits early ({@code sys.exit(0)}, {@code System.exit(0)}, {@code os._exit(0)}, killing its
 * parent) before its tests ran fails. The harness reads the marker from a file and deletes it before the
 * program starts, so the program cannot read it from its arguments, environment or files.
 */
public interface LanguageRunner {
    /** The language. */
    CodeLanguage language();

    /** Whether the toolchain was found and runs inside this machine's sandbox, and which one, or why not. */
    Availability availability();

    /** The request that runs {@code program}; each call has a fresh marker. */
    ExecutionRequest request(String program);

    /** Runs {@code program} in the sandbox. */
    ExecutionResult run(String program);

    /** The limits each run gets. */
    ResourceLimits limits();
}
