package dev.nemotron.infer.server;

import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.server.http.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An OpenAI-compatible HTTP server for one {@link ServedModel}: {@code POST /v1/chat/completions},
 * {@code POST /v1/completions}, {@code GET /v1/models}, {@code GET /v1/models/{id}} and
 * {@code GET /health}. Built on {@link HttpServer} (Eclipse Jetty's core server, each request on a
 * virtual thread) with the limits of {@link ServerConfig#limits()}.
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
    private final Router router;

    private OpenAiServer(HttpServer http, Router router) {
        this.http = http;
        this.router = router;
    }

    /**
     * Binds and starts serving.
     *
     * @throws NemotronException when the address cannot be bound (e.g. the port is taken)
     */
    public static OpenAiServer start(ServedModel model, ServerConfig config) {
        Router[] holder = new Router[1];
        ModelsEndpoint models = new ModelsEndpoint(model);
        Map<String, Route> routes = Map.of(
                "/v1/chat/completions", new Route("POST", new ChatCompletionsEndpoint(model), true, true),
                "/v1/completions", new Route("POST", new CompletionsEndpoint(model), true, true),
                "/v1/models", new Route("GET", models, false, true),
                ModelsEndpoint.ONE_MODEL, new Route("GET", models, false, true),
                "/health", new Route("GET", new HealthEndpoint(model, () -> holder[0].inFlight()), false, false));
        Router router = new Router(routes, config);
        holder[0] = router;
        HttpServer http;
        try {
            http = HttpServer.start(new InetSocketAddress(config.host(), config.port()), config.limits(), router,
                    OpenAiServer::errorBody);
        } catch (IOException e) {
            throw new NemotronException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        OpenAiServer server = new OpenAiServer(http, router);
        LOG.info("serving '{}' on {}", model.id(), server.baseUri());
        return server;
    }

    /** The body of an error the HTTP layer answers itself (a malformed request, a refused connection). */
    private static byte[] errorBody(int status, String message) {
        ApiException e = new ApiException(status, status >= 500 ? "server_error" : ApiException.INVALID_REQUEST, message,
                null, null);
        try {
            return ServerJson.MAPPER.writeValueAsBytes(e.toJson());
        } catch (IOException io) {
            throw new java.io.UncheckedIOException(io);
        }
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return http.address();
    }

    public int port() {
        return http.address().getPort();
    }

    /** {@code http://host:port}, for clients: append {@code /v1}. */
    public URI baseUri() {
        InetSocketAddress a = http.address();
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

    /** HTTP connections accepted since the start, kept or closed. */
    public long connectionsOpened() {
        return http.connectionsOpened();
    }

    /** Open HTTP connections now. */
    public int connectionCount() {
        return http.connectionCount();
    }

    /** Stops listening and cuts open connections (their generations are cancelled). */
    @Override
    public void close() {
        http.close();
    }
}
