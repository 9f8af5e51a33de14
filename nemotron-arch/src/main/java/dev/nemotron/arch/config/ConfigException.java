package dev.nemotron.arch.config;

import dev.nemotron.api.NemotronException;

/** A {@code config.json} that is malformed, incomplete or inconsistent; the message names the field. */
public final class ConfigException extends NemotronException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
