package dev.nemotron.infer.server.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A small HTTP/1.1 server on virtual threads (one per connection), with the limits of
 * {@link HttpLimits}: a connection cap (evicting the connection idle longest, else answering 503),
 * header and idle timeouts, and a watchdog that closes a connection whose write stays blocked
 * beyond the write timeout. Request bodies: {@code Content-Length} or {@code chunked}; responses:
 * a whole body or a {@code chunked} stream; keep-alive.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(HttpServer.class);

    /** Handles one request; must send a response (an exception not yet answered becomes a 500). */
    public interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    private final ServerSocket listener;
    private final HttpLimits limits;
    private final Handler handler;
    private final BiFunction<Integer, String, byte[]> errorBody;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final Thread watchdog;
    private volatile boolean closed;

    private HttpServer(ServerSocket listener, HttpLimits limits, Handler handler,
                       BiFunction<Integer, String, byte[]> errorBody) {
        this.listener = listener;
        this.limits = limits;
        this.handler = handler;
        this.errorBody = errorBody;
        this.acceptor = Thread.ofPlatform().name("nemotron-http-accept").daemon().unstarted(this::acceptLoop);
        this.watchdog = Thread.ofPlatform().name("nemotron-http-watchdog").daemon().unstarted(this::watchLoop);
    }

    /**
     * Binds and starts serving.
     *
     * @param errorBody the body (JSON) of an error the server answers itself, from status and message
     * @throws IOException when the address cannot be bound
     */
    public static HttpServer start(InetSocketAddress address, HttpLimits limits, Handler handler,
                                   BiFunction<Integer, String, byte[]> errorBody) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(address, 1024);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        HttpServer server = new HttpServer(socket, limits, handler, errorBody);
        server.acceptor.start();
        server.watchdog.start();
        return server;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    HttpLimits limits() {
        return limits;
    }

    Handler handler() {
        return handler;
    }

    byte[] errorBody(int status, String message) {
        return errorBody.apply(status, message);
    }

    /** Open connections now. */
    public int connectionCount() {
        return connections.size();
    }

    void removed(Connection c) {
        connections.remove(c);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("accepting a connection failed: {}", e.toString());
                    pause();
                }
                continue;
            }
            try {
                admit(socket);
            } catch (IOException | RuntimeException e) {
                LOG.debug("could not start a connection: {}", e.toString());
                close(socket);
            }
        }
    }

    private void admit(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        if (connections.size() >= limits.maxConnections() && !evictIdlest()) {
            LOG.debug("refusing a connection: {} open, all busy", connections.size());
            Thread.ofVirtual().start(() -> refuse(socket));
            return;
        }
        Connection c = new Connection(this, socket);
        connections.add(c);
        Thread.ofVirtual().name("nemotron-http-", 0).start(c);
    }

    /** Closes the connection that has waited longest for a request; false when every one is busy. */
    private boolean evictIdlest() {
        while (true) {
            Connection idlest = null;
            long oldest = Long.MAX_VALUE;
            for (Connection c : connections) {
                long since = c.idleSince();
                if (since < oldest) {
                    oldest = since;
                    idlest = c;
                }
            }
            if (idlest == null) {
                return false;
            }
            if (idlest.evictIfIdle()) {
                connections.remove(idlest);
                return true;
            }
        }
    }

    private void refuse(Socket socket) {
        try (socket) {
            byte[] body = errorBody(503, "the server has too many open connections (limit " + limits.maxConnections()
                    + "); try again later");
            String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            socket.setSoTimeout(1000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("could not refuse a connection: {}", e.toString());
        }
    }

    /** Closes connections whose current write has been blocked beyond the write timeout. */
    private void watchLoop() {
        long timeout = limits.writeTimeout().toNanos();
        long tickMillis = Math.clamp(limits.writeTimeout().toMillis() / 4, 10, 1000);
        while (!closed) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection c : connections) {
                if (c.blockedWriteNanos(now) > timeout) {
                    LOG.info("closing a connection whose client has not read for {} ms", limits.writeTimeout().toMillis());
                    c.closeSocket();
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Stops accepting and closes every connection (handlers then see their writes fail). */
    @Override
    public void close() {
        closed = true;
        close(listener);
        watchdog.interrupt();
        for (Connection c : connections) {
            c.stop();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(ServerSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
