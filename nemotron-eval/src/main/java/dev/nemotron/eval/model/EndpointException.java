package dev.nemotron.eval.model;

import dev.nemotron.api.NemotronException;

/**
 * An endpoint answered with an error status (after any retries).
 *
 * @see HttpJsonClient
 */
public final class EndpointException extends NemotronException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String param;

    EndpointException(String message, int status, String param) {
        super(message);
        this.status = status;
        this.param = param;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The request field the server blamed ({@code error.param}), or null. */
    public String param() {
        return param;
    }
}
