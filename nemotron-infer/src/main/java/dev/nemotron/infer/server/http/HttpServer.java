package dev.nemotron.infer.server.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP/1.1 server under the OpenAI-compatible server: Eclipse Jetty's core server (no
 * servlets), each request handled on a virtual thread with blocking reads and writes, errors Jetty
 * answers itself as JSON ({@link JsonErrorHandler}), and the limits of {@link HttpLimits}
 * ({@link ConnectionGuard} for the cap and the head timeouts, Jetty's idle timeout for body reads
 * and blocked writes).
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(HttpServer.class);

    /** Handles one request; must send a response (an exception not yet answered becomes a 500). */
    public interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;
    private final Thread watchdog;

    private HttpServer(Server server, ServerConnector connector, ConnectionGuard guard, HttpLimits limits) {
        this.server = server;
        this.connector = connector;
        this.guard = guard;
        long tick = Math.clamp(Math.min(limits.headerTimeout().toMillis(), limits.idleTimeout().toMillis()) / 4, 10, 1000);
        this.watchdog = Thread.ofPlatform().name("nemotron-http-watchdog").daemon().unstarted(() -> {
            while (true) {
                try {
                    Thread.sleep(tick);
                } catch (InterruptedException e) {
                    return;
                }
                guard.tick();
            }
        });
    }

    /**
     * Binds and starts serving.
     *
     * @param errorBody the body (JSON) of an error the server answers itself, from status and message
     * @throws IOException when the address cannot be bound
     */
    public static HttpServer start(InetSocketAddress address, HttpLimits limits, Handler handler,
                                   BiFunction<Integer, String, byte[]> errorBody) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("nemotron-http-io");
        threads.setDaemon(true);
        threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("nemotron-http-", 0).factory()));
        Server server = new Server(threads);
        server.setStopTimeout(0);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(HttpLimits.MAX_HEADER_BYTES);
        http.setHttpCompliance(HttpCompliance.RFC9110);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setAcceptQueueSize(1024);
        connector.setReuseAddress(true);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        ConnectionGuard guard = new ConnectionGuard(limits, errorBody);
        connector.addEventListener(guard);
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrorHandler(errorBody));
        server.setHandler(new Adapter(handler, guard, limits, errorBody));
        HttpServer result = new HttpServer(server, connector, guard, limits);
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException(e.getMessage(), e);
        }
        result.watchdog.start();
        return result;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    /** Open connections now. */
    public int connectionCount() {
        return guard.count();
    }

    /** Connections accepted since the start, kept or closed (for monitoring, and tests that wait for the acceptor). */
    public long connectionsOpened() {
        return guard.opened();
    }

    /** Stops accepting and closes every connection (handlers then see their writes fail). */
    @Override
    public void close() {
        watchdog.interrupt();
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("stopping the HTTP server: {}", e.toString());
        }
    }

    /** Runs the {@link Handler} of each request, blocking, and answers what it leaves unanswered. */
    private static final class Adapter extends org.eclipse.jetty.server.Handler.Abstract {
        private final Handler handler;
        private final ConnectionGuard guard;
        private final HttpLimits limits;
        private final BiFunction<Integer, String, byte[]> errorBody;

        Adapter(Handler handler, ConnectionGuard guard, HttpLimits limits, BiFunction<Integer, String, byte[]> errorBody) {
            super(InvocationType.BLOCKING);
            this.handler = handler;
            this.guard = guard;
            this.limits = limits;
            this.errorBody = errorBody;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Connection connection = request.getConnectionMetaData().getConnection();
            Exchange exchange = new Exchange(request, response, limits);
            Throwable failure = null;
            try {
                switch (guard.begin(connection)) {
                    case GONE -> failure = new IOException("the connection was closed");
                    case REFUSE -> {
                        exchange.closeAfter();
                        exchange.setHeader(HttpHeader.RETRY_AFTER.asString(), "1");
                        error(exchange, 503, "the server has too many open connections (limit " + limits.maxConnections()
                                + "); try again later");
                    }
                    case SERVE -> serve(exchange);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("{} {}: {}", request.getMethod(), request.getHttpURI().getPathQuery(), e.toString());
                failure = e;
            }
            // before completing: once completed, Jetty may hand the connection's next request to another thread
            connection.getEndPoint().setIdleTimeout(limits.idleTimeout().toMillis());
            guard.end(connection);
            if (failure == null) {
                callback.succeeded();
            } else {
                callback.failed(failure);
            }
            return true;
        }

        private void serve(Exchange exchange) throws IOException {
            try {
                handler.handle(exchange);
            } catch (HttpProtocolException e) {
                if (exchange.responded()) {
                    throw e;
                }
                exchange.closeAfter();
                error(exchange, e.status(), e.getMessage());
                return;
            } catch (IOException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (Exception e) {
                LOG.error("{} {} failed: {}", exchange.method(), exchange.target(), e.toString());
                if (exchange.responded()) {
                    throw new IOException(e);
                }
                exchange.closeAfter();
                error(exchange, 500, "internal server error");
                return;
            }
            if (!exchange.responded()) {
                exchange.closeAfter();
                error(exchange, 500, "the server gave no response");
                return;
            }
            exchange.finish();
        }

        private void error(Exchange exchange, int status, String message) throws IOException {
            exchange.setHeader(HttpHeader.CONTENT_TYPE.asString(), "application/json");
            exchange.send(status, errorBody.apply(status, message));
        }
    }
}
