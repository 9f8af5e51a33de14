package dev.nemotron.text.chat.jinja.error;

import dev.nemotron.api.NemotronException;

/** A chat template that failed while rendering (including its own {@code raise_exception} calls). */
public final class TemplateRenderError extends NemotronException {
    private static final long serialVersionUID = 1L;

    public TemplateRenderError(String message) {
        super(message);
    }
}
