package dev.nemotron.infer.server.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The socket's output, timed: while a write is blocked its start is visible to the server's
 * watchdog, which closes the connection when a write stays blocked beyond the write timeout.
 */
final class ResponseOutput extends OutputStream {
    private final OutputStream out;
    private volatile long writeStarted;   // System.nanoTime() of the blocked write; 0 when none

    ResponseOutput(OutputStream out) {
        this.out = out;
    }

    /** Nanoseconds the current write has been blocked, or 0 when no write is under way. */
    long blockedNanos(long now) {
        long started = writeStarted;
        return started == 0 ? 0 : now - started;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        writeStarted = System.nanoTime() | 1;
        try {
            out.write(b, off, len);
        } finally {
            writeStarted = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        writeStarted = System.nanoTime() | 1;
        try {
            out.flush();
        } finally {
            writeStarted = 0;
        }
    }

    /** A {@code Transfer-Encoding: chunked} body over {@code out}; closing it writes the last chunk. */
    static final class Chunked extends OutputStream {
        private final OutputStream out;
        private boolean closed;

        Chunked(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("the response body is closed");
            }
            if (len == 0) {
                return;
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(b, off, len);
            out.write('\r');
            out.write('\n');
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        boolean closed() {
            return closed;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.flush();
            }
        }
    }
}
