package dev.nemotron.api;

/**
 * An error caused by the user's input (a checkpoint, a config, a flag) rather than by a bug.
 *
 * <p>Its message is one line meant for a person: it names the file, field or value at fault and,
 * where possible, what was expected. The command-line tool prints it without a stack trace.
 */
public class NemotronException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NemotronException(String message) {
        super(message);
    }

    public NemotronException(String message, Throwable cause) {
        super(message, cause);
    }
}
