package dev.nemotron.text.chat.jinja.error;

import dev.nemotron.api.NemotronException;

/** A chat template that cannot be parsed; the message names the line and column. */
public final class TemplateSyntaxError extends NemotronException {
    private static final long serialVersionUID = 1L;

    public TemplateSyntaxError(String message, int line, int column) {
        super("chat template syntax error at line " + line + ", column " + column + ": " + message);
    }

    /** An error of the template as a whole (no one position). */
    public TemplateSyntaxError(String message) {
        super("chat template syntax error: " + message);
    }
}
