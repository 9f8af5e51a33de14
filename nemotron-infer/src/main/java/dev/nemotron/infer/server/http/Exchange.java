package dev.nemotron.infer.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request and its response. The head is parsed strictly: a malformed request line or
 * header, a bad or conflicting {@code Content-Length}, or an unknown {@code Transfer-Encoding}
 * throws {@link HttpProtocolException} (answered 400, 431 or 501 and the connection closed).
 */
public final class Exchange {
    /** Header lines, at most. */
    private static final int MAX_HEADERS = 100;

    private final String method;
    private final String target;
    private final String path;
    private final boolean http11;
    private final Map<String, List<String>> headers;
    private final BodyInput body;
    private final OutputStream out;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private boolean responded;
    private boolean close;
    private ResponseOutput.Chunked stream;

    private Exchange(String method, String target, String path, boolean http11, Map<String, List<String>> headers,
                     BodyInput body, OutputStream out) {
        this.method = method;
        this.target = target;
        this.path = path;
        this.http11 = http11;
        this.headers = headers;
        this.body = body;
        this.out = out;
        String connection = header("Connection");
        this.close = !http11 || connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
    }

    /** Reads a request head; null when the client closed the connection before a request. */
    static Exchange read(SocketInput in, OutputStream out) throws IOException {
        int[] budget = {HttpLimits.MAX_HEADER_BYTES};
        String line = in.readLine(budget);
        while (line != null && line.isEmpty()) {        // a stray CRLF between requests is allowed
            line = in.readLine(budget);
        }
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
            throw new HttpProtocolException(400, "malformed request line");
        }
        boolean http11;
        switch (parts[2]) {
            case "HTTP/1.1" -> http11 = true;
            case "HTTP/1.0" -> http11 = false;
            default -> throw new HttpProtocolException(505, "only HTTP/1.1 and HTTP/1.0 are supported");
        }
        String path;
        try {
            URI uri = new URI(parts[1]);
            path = uri.getPath();
        } catch (URISyntaxException e) {
            throw new HttpProtocolException(400, "malformed request target");
        }
        if (path == null || !path.startsWith("/")) {
            throw new HttpProtocolException(400, "the request target must be a path starting with '/'");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = 0;
        for (String h = in.readLine(budget); ; h = in.readLine(budget)) {
            if (h == null) {
                throw new HttpProtocolException(400, "the request ended inside its headers");
            }
            if (h.isEmpty()) {
                break;
            }
            if (++count > MAX_HEADERS) {
                throw new HttpProtocolException(431, "more than " + MAX_HEADERS + " request headers");
            }
            int colon = h.indexOf(':');
            if (colon <= 0 || !isToken(h.substring(0, colon))) {
                throw new HttpProtocolException(400, "malformed header line");
            }
            headers.computeIfAbsent(h.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).strip());
        }
        BodyInput body = body(in, headers);
        return new Exchange(parts[0], parts[1], path, http11, headers, body, out);
    }

    private static BodyInput body(SocketInput in, Map<String, List<String>> headers) throws HttpProtocolException {
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (te != null) {
            if (cl != null) {
                throw new HttpProtocolException(400, "a request must not have both Content-Length and Transfer-Encoding");
            }
            if (te.size() != 1 || !te.getFirst().equalsIgnoreCase("chunked")) {
                throw new HttpProtocolException(501, "unsupported Transfer-Encoding '" + String.join(", ", te)
                        + "' (only chunked)");
            }
            return new BodyInput.Chunked(in);
        }
        if (cl == null) {
            return new BodyInput.Fixed(in, 0);
        }
        long length = -1;
        for (String header : cl) {
            for (String v : header.split(",", -1)) {
                long parsed = contentLength(v.strip());
                if (length >= 0 && parsed != length) {
                    throw new HttpProtocolException(400, "conflicting Content-Length headers");
                }
                length = parsed;
            }
        }
        return new BodyInput.Fixed(in, length);
    }

    private static long contentLength(String v) throws HttpProtocolException {
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpProtocolException(400, "bad Content-Length header: must be a number of bytes");
        }
        return Long.parseLong(v);
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    public String method() {
        return method;
    }

    /** The request target as sent (path and query), for logs. */
    public String target() {
        return target;
    }

    /** The decoded path. */
    public String path() {
        return path;
    }

    /** The first value of a request header (case-insensitive name), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null ? null : v.getFirst();
    }

    /** The request body (empty when none was sent). */
    public InputStream body() {
        return body;
    }

    BodyInput bodyInput() {
        return body;
    }

    /** Sets a response header (before the response is sent). */
    public void setHeader(String name, String value) {
        responseHeaders.put(name, value);
    }

    /** Closes the connection after this response. */
    public void closeAfter() {
        close = true;
    }

    boolean closing() {
        return close;
    }

    /** Whether the status line has been sent. */
    public boolean responded() {
        return responded;
    }

    /** Sends a whole response. */
    public void send(int status, byte[] content) throws IOException {
        writeHead(status, "Content-Length: " + content.length);
        out.write(content);
        out.flush();
    }

    /** Sends the status line and headers of a streamed ({@code chunked}) body, and returns the body. */
    public OutputStream startStream(int status) throws IOException {
        writeHead(status, "Transfer-Encoding: chunked");
        out.flush();
        stream = new ResponseOutput.Chunked(out);
        return stream;
    }

    /** Ends a streamed body that the handler left open. */
    void finishStream() throws IOException {
        if (stream != null) {
            stream.close();
        }
    }

    private void writeHead(int status, String framing) throws IOException {
        if (responded) {
            throw new IllegalStateException("the response has already been sent");
        }
        responded = true;
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(StatusText.of(status))
                .append("\r\n");
        responseHeaders.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append(framing).append("\r\n");
        if (close) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
