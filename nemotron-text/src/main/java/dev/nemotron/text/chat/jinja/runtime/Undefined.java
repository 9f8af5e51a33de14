package dev.nemotron.text.chat.jinja.runtime;

/**
 * Jinja's undefined value: prints as nothing, is false, iterates as empty, and fails on any
 * other use with a message naming what was missing.
 *
 * @param description what was looked up, e.g. {@code 'foo' is undefined}
 */
public record Undefined(String description) {
    /** Fails with this value's description. */
    public RenderFailure fail() {
        return new RenderFailure(description);
    }
}
