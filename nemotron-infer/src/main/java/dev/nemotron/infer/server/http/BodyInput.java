package dev.nemotron.infer.server.http;

import java.io.IOException;
import java.io.InputStream;

/** A request body: {@code Content-Length} bytes, or a {@code chunked} body decoded (bad framing: 400). */
abstract sealed class BodyInput extends InputStream permits BodyInput.Fixed, BodyInput.Chunked {
    /** Whether the body has been read to its end (the connection can then serve the next request). */
    abstract boolean complete();

    /** Reads and drops what is left, at most {@code limit} bytes; true when the body was read to its end. */
    boolean drain(long limit) throws IOException {
        byte[] b = new byte[8192];
        long read = 0;
        while (read <= limit) {
            int n = read(b, 0, b.length);
            if (n < 0) {
                return complete();
            }
            read += n;
        }
        return false;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    static final class Fixed extends BodyInput {
        private final SocketInput in;
        private long left;

        Fixed(SocketInput in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        boolean complete() {
            return left == 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new HttpProtocolException(400, "the request body ended " + left
                        + " bytes before its Content-Length");
            }
            left -= n;
            return n;
        }
    }

    static final class Chunked extends BodyInput {
        /** Hex digits of a chunk size, at most (15 keeps the size a positive long). */
        private static final int MAX_SIZE_DIGITS = 15;

        private final SocketInput in;
        private long chunkLeft;
        private boolean ended;

        Chunked(SocketInput in) {
            this.in = in;
        }

        @Override
        boolean complete() {
            return ended;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (chunkLeft == 0) {
                chunkLeft = nextChunkSize();
                if (chunkLeft == 0) {
                    trailers();
                    ended = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw bad("the body ended inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                String crlf = line();
                if (!crlf.isEmpty()) {
                    throw bad("a chunk is longer than its size line says");
                }
            }
            return n;
        }

        private long nextChunkSize() throws IOException {
            String line = line();
            int semi = line.indexOf(';');
            String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
            if (hex.isEmpty() || hex.length() > MAX_SIZE_DIGITS) {
                throw bad("bad chunk size line '" + shorten(line) + "'");
            }
            long size = 0;
            for (int i = 0; i < hex.length(); i++) {
                int d = Character.digit(hex.charAt(i), 16);
                if (d < 0) {
                    throw bad("bad chunk size '" + shorten(hex) + "' (must be hexadecimal)");
                }
                size = size * 16 + d;
            }
            return size;
        }

        private void trailers() throws IOException {
            for (int i = 0; ; i++) {
                if (line().isEmpty()) {
                    return;
                }
                if (i > 100) {
                    throw bad("too many trailer lines");
                }
            }
        }

        private String line() throws IOException {
            int[] budget = {8192};
            String line;
            try {
                line = in.readLine(budget);
            } catch (HttpProtocolException e) {
                throw bad("a chunk size or trailer line is too long or cut off");
            }
            if (line == null) {
                throw bad("the body ended before its last chunk");
            }
            return line;
        }

        private static String shorten(String s) {
            return s.length() > 40 ? s.substring(0, 40) + "..." : s;
        }

        private static HttpProtocolException bad(String why) {
            return new HttpProtocolException(400, "bad chunked request body: " + why);
        }
    }
}
