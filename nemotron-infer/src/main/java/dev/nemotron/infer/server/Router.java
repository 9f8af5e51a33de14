package dev.nemotron.infer.server;

import dev.nemotron.infer.server.http.Exchange;
import dev.nemotron.infer.server.http.HttpProtocolException;
import dev.nemotron.infer.server.http.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Every request goes through here: the path (404), the API key (401), the method (405), the
 * in-flight limit of generation requests (429), then the endpoint; anything thrown becomes an
 * OpenAI-style error response, and the server goes on serving.
 */
final class Router implements HttpServer.Handler {
    private static final Logger LOG = LogManager.getLogger(Router.class);

    private final Map<String, Route> routes;
    private final ServerConfig config;
    private final Semaphore inFlight;

    Router(Map<String, Route> routes, ServerConfig config) {
        this.routes = Map.copyOf(routes);
        this.config = config;
        this.inFlight = new Semaphore(config.maxInFlight());
    }

    /** Generation requests being handled now. */
    int inFlight() {
        return config.maxInFlight() - inFlight.availablePermits();
    }

    @Override
    public void handle(Exchange http) {
        ApiExchange exchange = new ApiExchange(http, config.maxBodyBytes());
        try {
            dispatch(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (HttpProtocolException e) {
            // a malformed body (e.g. bad chunked framing): the client's fault, and the connection is unusable
            http.closeAfter();
            answer(exchange, new ApiException(e.status(), ApiException.INVALID_REQUEST, e.getMessage(), null, null));
        } catch (java.net.SocketTimeoutException e) {
            // the body stalled beyond the idle timeout
            http.closeAfter();
            answer(exchange, new ApiException(408, ApiException.INVALID_REQUEST, e.getMessage()
                    + " (the request body stalled)", null, null));
        } catch (IOException e) {
            // the client went away (or stopped reading): nobody is left to answer
            LOG.info("{} {}: the client went away ({})", http.method(), http.target(), e.getMessage());
            http.closeAfter();
        } catch (Throwable e) {
            ApiException api = ApiErrors.map(e);
            if (api.status() >= 500) {
                LOG.error("{} {} failed: {}", http.method(), http.target(), e.toString());
            }
            answer(exchange, api);
        }
    }

    private static void answer(ApiExchange exchange, ApiException error) {
        if (exchange.responded()) {
            exchange.raw().closeAfter();
            return;
        }
        try {
            exchange.sendError(error);
        } catch (IOException e) {
            LOG.debug("could not answer {} {}: {}", exchange.raw().method(), exchange.raw().target(), e.toString());
        }
    }

    private void dispatch(ApiExchange exchange) throws Exception {
        Exchange http = exchange.raw();
        String path = http.path();
        Route route = routes.get(path);
        if (route == null && path.startsWith(ModelsEndpoint.PREFIX) && path.length() > ModelsEndpoint.PREFIX.length()) {
            route = routes.get(ModelsEndpoint.ONE_MODEL);
        }
        if (route == null) {
            if (path.startsWith("/v1/")) {
                authorize(http);
            }
            throw ApiException.notFound("no route " + path + " (have " + String.join(", ", routes.keySet().stream().sorted().toList()) + ")");
        }
        if (route.protectedByKey()) {
            authorize(http);
        }
        if (!route.method().equals(http.method())) {
            http.setHeader("Allow", route.method());
            throw new ApiException(405, ApiException.INVALID_REQUEST, "method " + http.method() + " not allowed on "
                    + path + "; use " + route.method(), null, null);
        }
        if (!route.generation()) {
            route.endpoint().handle(exchange);
            return;
        }
        exchange.readJson();                       // the whole body first: a slow upload holds no in-flight place
        if (!inFlight.tryAcquire()) {
            throw new ApiException(429, "rate_limit_error", "too many requests in flight (limit " + config.maxInFlight()
                    + "); try again later", null, null);
        }
        try {
            route.endpoint().handle(exchange);
        } finally {
            inFlight.release();
        }
    }

    private void authorize(Exchange http) {
        if (config.apiKey() == null) {
            return;
        }
        String header = http.header("Authorization");
        String expected = "Bearer " + config.apiKey();
        if (header == null || !MessageDigest.isEqual(header.trim().getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, ApiException.INVALID_REQUEST, header == null
                    ? "missing API key: send 'Authorization: Bearer <key>'"
                    : "invalid API key", null, "invalid_api_key");
        }
    }
}
