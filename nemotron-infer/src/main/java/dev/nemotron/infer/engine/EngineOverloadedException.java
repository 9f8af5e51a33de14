package dev.nemotron.infer.engine;

import dev.nemotron.api.NemotronException;

/** The engine's queue is full: try again later (HTTP 429). */
public final class EngineOverloadedException extends NemotronException {
    private static final long serialVersionUID = 1L;

    public EngineOverloadedException(String message) {
        super(message);
    }
}
