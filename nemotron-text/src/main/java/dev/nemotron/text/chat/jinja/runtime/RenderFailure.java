package dev.nemotron.text.chat.jinja.runtime;

/** An error while rendering; the interpreter adds the template line and turns it into a user error. */
public class RenderFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RenderFailure(String message) {
        super(message, null, false, false);
    }
}
