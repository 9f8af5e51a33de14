package dev.nemotron.infer.server;

import com.sun.net.httpserver.HttpServer;
import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An OpenAI-compatible HTTP server for one {@link ServedModel}: {@code POST /v1/chat/completions},
 * {@code POST /v1/completions}, {@code GET /v1/models} and {@code GET /health}. Built on the JDK's
 * {@code com.sun.net.httpserver}; every exchange runs on a virtual thread of its own.
 *
 * <pre>{@code
 * try (ServedModel model = ServedModel.load(dir, ModelOptions.defaults());
 *      OpenAiServer server = OpenAiServer.start(model, ServerConfig.defaults())) {
 *     System.err.println("listening on " + server.baseUri());
 *     ...
 * }
 * }</pre>
 *
 * Closing the server stops HTTP (streams still open are cut, their generations cancelled); the
 * model is the caller's to close.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(OpenAiServer.class);

    private final HttpServer http;
    private final ExecutorService executor;
    private final Router router;

    private OpenAiServer(HttpServer http, ExecutorService executor, Router router) {
        this.http = http;
        this.executor = executor;
        this.router = router;
    }

    /**
     * Binds and starts serving.
     *
     * @throws NemotronException when the address cannot be bound (e.g. the port is taken)
     */
    public static OpenAiServer start(ServedModel model, ServerConfig config) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        } catch (IOException e) {
            throw new NemotronException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("nemotron-http-", 0).factory());
        Router[] holder = new Router[1];
        Map<String, Route> routes = Map.of(
                "/v1/chat/completions", new Route("POST", new ChatCompletionsEndpoint(model), true, true),
                "/v1/completions", new Route("POST", new CompletionsEndpoint(model), true, true),
                "/v1/models", new Route("GET", new ModelsEndpoint(model), false, true),
                "/health", new Route("GET", new HealthEndpoint(model, () -> holder[0].inFlight()), false, false));
        Router router = new Router(routes, config);
        holder[0] = router;
        http.createContext("/", router);
        http.setExecutor(executor);
        http.start();
        OpenAiServer server = new OpenAiServer(http, executor, router);
        LOG.info("serving '{}' on {}", model.id(), server.baseUri());
        return server;
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://host:port}, for clients: append {@code /v1}. */
    public URI baseUri() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + a.getPort());
    }

    /** Generation requests being handled now. */
    public int inFlight() {
        return router.inFlight();
    }

    /** Stops listening, cuts open exchanges (cancelling their generations) and waits briefly for the handlers. */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("some HTTP handlers did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
