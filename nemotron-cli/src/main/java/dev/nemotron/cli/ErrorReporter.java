package dev.nemotron.cli;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception escaping a command into one line on stderr and an exit code: problems with
 * the user's input (a {@link NemotronException}, a missing file) exit with 2, anything else is a
 * bug and exits with 1; set {@code NEMOTRON_STACKTRACE=1} to see its stack trace.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        Throwable e = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        String line;
        int code = 2;
        if (e instanceof NemotronException) {
            line = e.getMessage();
        } else if (e instanceof NoSuchFileException nsf) {
            line = nsf.getFile() + ": no such file or directory";
        } else if (e instanceof AccessDeniedException ade) {
            line = ade.getFile() + ": permission denied";
        } else if (e instanceof IOException io) {
            line = "I/O error: " + io.getMessage();
        } else {
            line = "internal error: " + e + " (a bug; please report it with NEMOTRON_STACKTRACE=1 output)";
            code = 1;
        }
        cmd.getErr().println("error: " + line);
        if ("1".equals(System.getenv("NEMOTRON_STACKTRACE"))) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return code;
    }
}
