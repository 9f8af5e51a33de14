package dev.nemotron.infer.server.http;

import java.io.IOException;

/**
 * The client broke HTTP/1.1 in a request body (e.g. bad {@code chunked} framing), found while the
 * handler read it: answered with {@link #status()} and the connection closed. (A bad request head
 * never reaches a handler: Jetty's parser rejects it, answered by {@code JsonErrorHandler}.)
 */
public final class HttpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpProtocolException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** Usually 400. */
    public int status() {
        return status;
    }
}
