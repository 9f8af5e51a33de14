package dev.nemotron.arch.config;

import dev.nemotron.api.NemotronException;

/**
 * A {@code config.json} that is malformed, incomplete or inconsistent; the message names the field.
 * It is one line: line breaks in quoted values are shown escaped ({@code \n}).
 */
public final class ConfigException extends NemotronException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(oneLine(message));
    }

    public ConfigException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

}
