package dev.nemotron.infer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The HTTP layer's limits and its strict framing, against raw sockets. */
class HttpServerTest {
    private static final String ERROR = "{\"error\":\"%d %s\"}";

    /** Echoes the request body; {@code /stream} streams 64 KiB chunks until a write fails. */
    private static final class Echo implements HttpServer.Handler {
        final CountDownLatch streamEnded = new CountDownLatch(1);
        final AtomicReference<Throwable> streamError = new AtomicReference<>();

        @Override
        public void handle(Exchange exchange) throws Exception {
            if (exchange.path().equals("/stream")) {
                OutputStream out = exchange.startStream(200);
                byte[] chunk = new byte[65536];
                try {
                    while (true) {
                        out.write(chunk);
                        out.flush();
                    }
                } catch (IOException e) {
                    streamError.set(e);
                    streamEnded.countDown();
                    throw e;
                }
            }
            byte[] body = exchange.body().readAllBytes();
            exchange.send(200, body);
        }
    }

    private static HttpServer start(HttpLimits limits, HttpServer.Handler handler) throws IOException {
        return HttpServer.start(new InetSocketAddress("127.0.0.1", 0), limits, handler,
                (status, message) -> String.format(ERROR, status, message).getBytes(StandardCharsets.UTF_8));
    }

    private static Socket connect(HttpServer server) throws IOException {
        return new Socket("127.0.0.1", server.address().getPort());
    }

    /** Sends {@code request} and reads the whole answer until the server closes (5 s at most). */
    private static String exchange(HttpServer server, String request) throws IOException {
        try (Socket s = connect(server)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readAll(s.getInputStream());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        int n;
        while ((n = in.read(b)) > 0) {
            out.write(b, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void chunkedBodiesAreDecodedAndKeepAliveWorks() throws Exception {
        try (HttpServer server = start(HttpLimits.defaults(), new Echo())) {
            String answer = exchange(server, "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n"
                    + "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nfg");
            assertThat(answer).startsWith("HTTP/1.1 200 OK").contains("\r\n\r\nabcde").endsWith("\r\n\r\nfg");
        }
    }

    @Test
    void expectContinueIsAnswered() throws Exception {
        try (HttpServer server = start(HttpLimits.defaults(), new Echo()); Socket s = connect(server)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] head = new byte[25];
            assertThat(s.getInputStream().readNBytes(head, 0, head.length)).isEqualTo(25);
            assertThat(new String(head, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            s.getOutputStream().write("ok".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok");
        }
    }

    @Test
    void malformedFramingIsAnswered400WithTheJsonErrorBody() throws Exception {
        try (HttpServer server = start(HttpLimits.defaults(), new Echo())) {
            String badChunk = exchange(server, "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n");
            assertThat(badChunk).startsWith("HTTP/1.1 400 ").contains("Content-Type: application/json")
                    .contains("bad chunked request body");
            String badLength = exchange(server, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
            assertThat(badLength).startsWith("HTTP/1.1 400 ").contains("{\"error\":\"400 bad Content-Length");
            String conflicting = exchange(server, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
            assertThat(conflicting).startsWith("HTTP/1.1 400 ").contains("conflicting Content-Length");
            String both = exchange(server, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
            assertThat(both).startsWith("HTTP/1.1 400 ").contains("both Content-Length and Transfer-Encoding");
            assertThat(exchange(server, "GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400 ").contains("{\"error\":\"400 ");
            String huge = exchange(server, "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(HttpLimits.MAX_HEADER_BYTES)
                    + "\r\n\r\n");
            assertThat(huge).startsWith("HTTP/1.1 431 ").contains("Content-Type: application/json").contains("{\"error\":\"431 ");
            String ambiguous = exchange(server, "GET /a/%2e%2e/b HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(ambiguous).startsWith("HTTP/1.1 400 ").contains("Content-Type: application/json")
                    .contains("{\"error\":\"400 ").doesNotContain("<html");
            assertThat(exchange(server, "GET /x HTTP/9.9\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 505 ")
                    .contains("{\"error\":\"505 only HTTP/1.1 and HTTP/1.0");
            // an unknown Transfer-Encoding: 400 (the hand-written server answered 501)
            assertThat(exchange(server, "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"))
                    .startsWith("HTTP/1.1 400 ").contains("unsupported Transfer-Encoding");
            // HTTP/1.1 requires Host (RFC 9112 section 3.2): Jetty answers 400 without it
            assertThat(exchange(server, "GET /x HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ").contains("Host header");
        }
    }

    @Test
    void aRequestWhoseHeadersNeverEndIsAnswered408AtTheHeaderTimeout() throws Exception {
        HttpLimits limits = new HttpLimits(16, Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (HttpServer server = start(limits, new Echo()); Socket s = connect(server)) {
            s.setSoTimeout(5000);
            long t0 = System.nanoTime();
            s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = readAll(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408 ");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            waitFor(() -> server.connectionCount() == 0);
        }
    }

    @Test
    void aConnectionThatNeverSendsARequestIsClosed() throws Exception {
        HttpLimits limits = new HttpLimits(16, Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (HttpServer server = start(limits, new Echo()); Socket s = connect(server)) {
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    /** 2,000 sockets that sent only a request line, against a cap of 64: a new request is still answered at once. */
    @Test
    void idleConnectionsBeyondTheCapCannotStarveANewRequest() throws Exception {
        HttpLimits limits = new HttpLimits(64, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
        List<Socket> idle = new ArrayList<>();
        try (HttpServer server = start(limits, new Echo())) {
            try {
                for (int i = 0; i < 2000; i++) {
                    Socket s = connect(server);
                    idle.add(s);
                    s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                // every idle socket accepted first: under load the kernel's accept queue can hand the server
                // some of them after the request below, which would then be the idlest connection
                waitFor(() -> server.connectionsOpened() >= 2000);
                assertThat(server.connectionCount()).isLessThanOrEqualTo(64);
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long t0 = System.nanoTime();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.address().getPort() + "/health")).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("ok")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ok");
                // well within the 30 s header timeout: the idlest connection made room
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsCutAtTheWriteTimeout() throws Exception {
        HttpLimits limits = new HttpLimits(16, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300));
        Echo echo = new Echo();
        try (HttpServer server = start(limits, echo); Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()));
            s.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            // never read: the server's writes block, and the watchdog closes the connection
            assertThat(echo.streamEnded.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(echo.streamError.get()).isInstanceOf(IOException.class);
            waitFor(() -> server.connectionCount() == 0);
        }
    }

    @Test
    void whenEveryConnectionIsBusyANewOneGets503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer.Handler blocking = exchange -> {
            release.await(10, TimeUnit.SECONDS);
            exchange.send(200, new byte[0]);
        };
        HttpLimits limits = new HttpLimits(1, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (HttpServer server = start(limits, blocking); Socket busy = connect(server)) {
            busy.getOutputStream().write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            waitFor(() -> server.connectionCount() == 1);
            Thread.sleep(100);                   // the request is being handled (not evictable)
            assertThat(exchange(server, "GET /y HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 503 ").contains("too many open connections");
            release.countDown();
        }
    }

    /** Idle and write timeouts bound waiting for the client, not the handler's own work. */
    @Test
    void aSlowHandlerAndGapsInAStreamOutlastTheTimeouts() throws Exception {
        HttpServer.Handler slow = exchange -> {
            Thread.sleep(700);                   // longer than the idle timeout, no I/O pending
            if (exchange.path().equals("/stream")) {
                OutputStream out = exchange.startStream(200);
                for (int i = 0; i < 3; i++) {
                    Thread.sleep(400);           // gaps longer than the write timeout
                    out.write(("e" + i).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                return;
            }
            exchange.send(200, "done".getBytes(StandardCharsets.ISO_8859_1));
        };
        HttpLimits limits = new HttpLimits(16, Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofMillis(300));
        try (HttpServer server = start(limits, slow)) {
            assertThat(exchange(server, "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\ndone");
            assertThat(exchange(server, "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200 OK").contains("e0").contains("e1").contains("e2");
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
