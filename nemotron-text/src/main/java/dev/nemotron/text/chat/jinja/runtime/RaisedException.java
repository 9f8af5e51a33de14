package dev.nemotron.text.chat.jinja.runtime;

/** The template called {@code raise_exception(message)}. */
public final class RaisedException extends RenderFailure {
    private static final long serialVersionUID = 1L;

    public RaisedException(String message) {
        super(message);
    }
}
