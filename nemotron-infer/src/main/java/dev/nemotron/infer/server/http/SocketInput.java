package dev.nemotron.infer.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The buffered input of one connection, read under a timeout: either a deadline (the headers of a
 * request must be complete by then, however slowly they trickle in) or an idle time per read.
 */
final class SocketInput extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int lim;
    private long deadlineNanos;     // 0: no deadline, idleMillis per read
    private int idleMillis;
    private String timeoutWhat = "the request";

    SocketInput(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Each read may wait {@code millis}. */
    void idle(int millis, String what) {
        deadlineNanos = 0;
        idleMillis = millis;
        timeoutWhat = what;
    }

    /** Every read until further notice must end by {@code deadline} ({@link System#nanoTime()}). */
    void deadline(long deadline, String what) {
        deadlineNanos = deadline;
        timeoutWhat = what;
    }

    private boolean fill() throws IOException {
        int timeout = idleMillis;
        if (deadlineNanos != 0) {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("timed out waiting for " + timeoutWhat);
            }
            timeout = (int) Math.min(left, Integer.MAX_VALUE);
        }
        socket.setSoTimeout(timeout);
        int n;
        try {
            n = in.read(buf);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("timed out waiting for " + timeoutWhat);
        }
        if (n < 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    /** Waits for the first byte of the next request; false when the client closed the connection. */
    boolean awaitByte() throws IOException {
        return pos < lim || fill();
    }

    @Override
    public int read() throws IOException {
        if (pos >= lim && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos >= lim && !fill()) {
            return -1;
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return lim - pos;
    }

    /**
     * One line (ISO-8859-1) without its CRLF or LF; null at the end of the stream before any byte.
     *
     * @param budget bytes left for the request head; the line's bytes are taken from {@code budget[0]}
     * @throws HttpProtocolException 431 when the head grows beyond its budget
     */
    String readLine(int[] budget) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean any = false;
        while (true) {
            int c = read();
            if (c < 0) {
                if (!any) {
                    return null;
                }
                throw new HttpProtocolException(400, "the request ended in the middle of a line");
            }
            any = true;
            if (--budget[0] < 0) {
                throw new HttpProtocolException(431, "the request line and headers are larger than "
                        + HttpLimits.MAX_HEADER_BYTES + " bytes");
            }
            if (c == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
            line.append((char) c);
        }
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
