package dev.nemotron.infer.server.http;

import java.io.IOException;

/** The client broke HTTP/1.1 (a bad request line, header, length or chunk): answered with {@link #status()}. */
public final class HttpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpProtocolException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** 400, 413, 431 or 501. */
    public int status() {
        return status;
    }
}
