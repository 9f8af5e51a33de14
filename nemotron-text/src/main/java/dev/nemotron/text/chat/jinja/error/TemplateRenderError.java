package dev.nemotron.text.chat.jinja.error;

import dev.nemotron.api.NemotronException;

/** A chat template that failed while rendering (including its own {@code raise_exception} calls). */
public final class TemplateRenderError extends NemotronException {
    private static final long serialVersionUID = 1L;

    private final boolean raisedByTemplate;

    public TemplateRenderError(String message) {
        this(message, false);
    }

    /** @param raisedByTemplate whether the template itself refused ({@code raise_exception}) */
    public TemplateRenderError(String message, boolean raisedByTemplate) {
        super(message);
        this.raisedByTemplate = raisedByTemplate;
    }

    /** Whether the template refused the input by its own {@code raise_exception}, rather than failed. */
    public boolean raisedByTemplate() {
        return raisedByTemplate;
    }
}
