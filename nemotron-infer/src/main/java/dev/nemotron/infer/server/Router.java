package dev.nemotron.infer.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
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
final class Router implements HttpHandler {
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
    public void handle(HttpExchange http) {
        ApiExchange exchange = new ApiExchange(http, config.maxBodyBytes());
        try (http) {
            try {
                dispatch(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                ApiException api = ApiErrors.map(e);
                if (api.status() >= 500) {
                    LOG.error("{} {} failed", http.getRequestMethod(), http.getRequestURI(), e);
                }
                if (!exchange.responded()) {
                    exchange.sendError(api);
                }
            }
        } catch (Exception e) {
            LOG.debug("could not answer {} {}: {}", http.getRequestMethod(), http.getRequestURI(), e.toString());
        }
    }

    private void dispatch(ApiExchange exchange) throws Exception {
        HttpExchange http = exchange.raw();
        String path = http.getRequestURI().getPath();
        Route route = routes.get(path);
        if (route == null) {
            if (path.startsWith("/v1/")) {
                authorize(http);
            }
            throw ApiException.notFound("no route " + path + " (have " + String.join(", ", routes.keySet().stream().sorted().toList()) + ")");
        }
        if (route.protectedByKey()) {
            authorize(http);
        }
        if (!route.method().equals(http.getRequestMethod())) {
            http.getResponseHeaders().set("Allow", route.method());
            throw new ApiException(405, ApiException.INVALID_REQUEST, "method " + http.getRequestMethod() + " not allowed on "
                    + path + "; use " + route.method(), null, null);
        }
        if (!route.generation()) {
            route.endpoint().handle(exchange);
            return;
        }
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

    private void authorize(HttpExchange http) {
        if (config.apiKey() == null) {
            return;
        }
        String header = http.getRequestHeaders().getFirst("Authorization");
        String expected = "Bearer " + config.apiKey();
        if (header == null || !MessageDigest.isEqual(header.trim().getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, ApiException.INVALID_REQUEST, header == null
                    ? "missing API key: send 'Authorization: Bearer <key>'"
                    : "invalid API key", null, "invalid_api_key");
        }
    }
}
