package dev.nemotron.testing.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted HTTP/1.1 server for error paths: answers each request with the next scripted
 * response (the last one repeats), records the requests, closes every connection. Also used by
 * the {@code judge} reward's tests (eval) and the GRPO run with the judge reward (cli).
 */
public final class StubHttpServer implements AutoCloseable {
    /** One scripted answer. */
    public record Reply(int status, String body, String... headers) {
    }

    /** One request received. */
    public record Received(String method, String path, String authorization, String body) {
    }

    private final ServerSocket socket;
    private final ConcurrentLinkedQueue<Reply> script;
    private volatile Reply last;
    public final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread thread;

    public StubHttpServer(Reply... replies) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = new ConcurrentLinkedQueue<>(List.of(replies));
        this.thread = Thread.ofPlatform().daemon().start(this::serve);
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                handle(s);
            } catch (IOException e) {
                // closed, or a client went away
            }
        }
    }

    private void handle(Socket s) throws IOException {
        // the head is ASCII lines; the body is Content-Length bytes (UTF-8), read as bytes so that
        // a body with multi-byte characters is read whole, not waited on
        InputStream in = new BufferedInputStream(s.getInputStream());
        String requestLine = line(in);
        if (requestLine == null) {
            return;
        }
        int length = 0;
        String auth = null;
        String line;
        while ((line = line(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (name.equals("content-length")) {
                length = Integer.parseInt(value);
            } else if (name.equals("authorization")) {
                auth = value;
            }
        }
        byte[] body = in.readNBytes(length);
        String[] parts = requestLine.split(" ");
        received.add(new Received(parts[0], parts[1], auth, new String(body, StandardCharsets.UTF_8)));
        Reply r = script.poll();
        if (r == null) {
            r = last;
        } else {
            last = r;
        }
        byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 " + r.status() + " X\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\nContent-Length: " + bytes.length + "\r\n");
        for (String h : r.headers()) {
            head.append(h).append("\r\n");
        }
        OutputStream out = s.getOutputStream();
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        out.write(bytes);
        out.flush();
    }

    /** One CRLF- or LF-terminated line of the head (ISO-8859-1); null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        String text = b.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
