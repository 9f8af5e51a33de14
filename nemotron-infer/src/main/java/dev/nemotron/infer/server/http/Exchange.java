package dev.nemotron.infer.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * One request and its response, over Jetty's {@link Request} and {@link Response}, with blocking
 * reads and writes (the handler runs on a virtual thread). Jetty has already checked the framing
 * of the head; a body that breaks it (bad chunks) fails its read with {@link HttpProtocolException}.
 */
public final class Exchange {
    /** Body bytes left unread by a handler that are read and dropped to keep the connection. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    private final Request request;
    private final Response response;
    private final HttpLimits limits;
    private final BodyStream body;
    private boolean responded;
    private boolean close;
    private OutputStream stream;

    Exchange(Request request, Response response, HttpLimits limits) {
        this.request = request;
        this.response = response;
        this.limits = limits;
        this.body = new BodyStream(Content.Source.asInputStream(request), request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
    }

    public String method() {
        return request.getMethod();
    }

    /** The request target as sent (path and query), for logs. */
    public String target() {
        return request.getHttpURI().getPathQuery();
    }

    /** The decoded path. */
    public String path() {
        return request.getHttpURI().getDecodedPath();
    }

    /** The first value of a request header (case-insensitive name), or null. */
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    /** The request body (empty when none was sent). */
    public InputStream body() {
        return body;
    }

    /** Sets a response header (before the response is sent). */
    public void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /** Closes the connection after this response. */
    public void closeAfter() {
        close = true;
    }

    /** Whether the status line has been sent. */
    public boolean responded() {
        return responded;
    }

    /** Sends a whole response. */
    public void send(int status, byte[] content) throws IOException {
        head(status);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.length);
        write(true, ByteBuffer.wrap(content));
    }

    /** Sends the status line and headers of a streamed ({@code chunked}) body, and returns the body. */
    public OutputStream startStream(int status) throws IOException {
        head(status);
        write(false, ByteBuffer.allocate(0));
        stream = Content.Sink.asOutputStream(response);
        return stream;
    }

    /** Ends a streamed body that the handler left open. */
    void finish() throws IOException {
        if (stream != null) {
            stream.close();
        }
    }

    private void head(int status) {
        if (responded) {
            throw new IllegalStateException("the response has already been sent");
        }
        responded = true;
        response.setStatus(status);
        keepAliveOrClose();
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        // from here on, a write blocked by a client that does not read fails at the write timeout
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        endPoint.setIdleTimeout(limits.writeTimeout().toMillis());
    }

    /**
     * Reads and drops what the handler left of the request body (at most {@link #DRAIN_LIMIT}), so that
     * the connection can take the next request; closes it after the response otherwise. Jetty would
     * close it too, but after a committed response without telling the client.
     */
    private void keepAliveOrClose() {
        if (close || body.ended) {
            return;
        }
        if (!body.started && "100-continue".equalsIgnoreCase(header("Expect"))) {
            close = true;                        // the client has not sent the body: do not ask for it
            return;
        }
        try {
            close = !body.drain(DRAIN_LIMIT);
        } catch (IOException e) {
            close = true;
        }
    }

    private void write(boolean last, ByteBuffer bytes) throws IOException {
        try (Blocker.Callback callback = Blocker.callback()) {
            response.write(last, bytes, callback);
            callback.block();
        }
    }

    /** The body, its failures translated: bad framing is a 400, a stalled read a timeout. */
    private static final class BodyStream extends FilterInputStream {
        private final boolean chunked;
        private boolean started;
        private boolean ended;

        BodyStream(InputStream in, boolean chunked) {
            super(in);
            this.chunked = chunked;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            started = true;
            try {
                int n = super.read(b, off, len);
                ended |= n < 0;
                return n;
            } catch (IOException | RuntimeException e) {
                throw translate(e);
            }
        }

        /** Reads and drops at most {@code limit} bytes; true when the body was read to its end. */
        boolean drain(long limit) throws IOException {
            byte[] buf = new byte[8192];
            for (long read = 0; read <= limit; ) {
                int n = read(buf, 0, buf.length);
                if (n < 0) {
                    return true;
                }
                read += n;
            }
            return false;
        }

        private IOException translate(Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TimeoutException) {
                    return new SocketTimeoutException("timed out waiting for the request body");
                }
                if (t instanceof HttpException http) {
                    String why = t.getMessage() == null ? "malformed" : t.getMessage();
                    return new HttpProtocolException(http.getCode() == 0 ? 400 : http.getCode(),
                            (chunked ? "bad chunked request body: " : "bad request body: ") + why);
                }
            }
            return e instanceof IOException io ? io : new IOException(e);
        }
    }
}
