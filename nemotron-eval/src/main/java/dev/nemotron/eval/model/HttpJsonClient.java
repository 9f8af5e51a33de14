package dev.nemotron.eval.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * JSON over HTTP to an OpenAI-compatible server, with the {@link RetryPolicy}: connection
 * failures, timeouts, 429 and 5xx are tried again; any other error status is an
 * {@link EndpointException} carrying the server's {@code error.message}.
 */
final class HttpJsonClient implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(HttpJsonClient.class);
    private static final ObjectMapper JSON = JsonMappers.json();

    private final EndpointConfig config;
    private final HttpClient http;

    HttpJsonClient(EndpointConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** POSTs {@code body} to {@code path} (e.g. {@code /v1/completions}) and returns the JSON answer. */
    JsonNode post(String path, JsonNode body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return send("POST", path, HttpRequest.BodyPublishers.ofString(text));
    }

    /** GETs {@code path} and returns the JSON answer. */
    JsonNode get(String path) {
        return send("GET", path, HttpRequest.BodyPublishers.noBody());
    }

    private JsonNode send(String method, String path, HttpRequest.BodyPublisher body) {
        URI uri = config.baseUri().resolve(path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(config.requestTimeout())
                .header("Content-Type", "application/json").header("Accept", "application/json").method(method, body);
        if (config.apiKey() != null && !config.apiKey().isEmpty()) {
            b.header("Authorization", "Bearer " + config.apiKey());
        }
        HttpRequest request = b.build();
        RetryPolicy retry = config.retry();
        String lastProblem = null;
        for (int attempt = 1; ; attempt++) {
            long retryAfter = -1;
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    return parse(method, uri, r.body());
                }
                ServerError err = ServerError.of(r.body());
                lastProblem = "HTTP " + r.statusCode() + (err.message() == null ? "" : ": " + err.message());
                if (!RetryPolicy.retryable(r.statusCode())) {
                    throw new EndpointException(method + " " + uri + ": " + lastProblem, r.statusCode(), err.param());
                }
                retryAfter = r.headers().firstValue("Retry-After").map(HttpJsonClient::seconds).orElse(-1L);
                if (attempt >= retry.maxAttempts()) {
                    throw new EndpointException(method + " " + uri + ": " + lastProblem + " (after " + attempt
                            + (attempt == 1 ? " try)" : " tries)"), r.statusCode(), err.param());
                }
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                if (attempt >= retry.maxAttempts()) {
                    throw new NemotronException(method + " " + uri + ": " + lastProblem + " (after " + attempt
                            + (attempt == 1 ? " try)" : " tries)"), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NemotronException(method + " " + uri + ": interrupted", e);
            }
            Duration wait = retry.delay(attempt, retryAfter);
            LOG.warn("{} {}: {}; trying again in {} ms ({}/{})", method, uri, lastProblem, wait.toMillis(), attempt + 1,
                    retry.maxAttempts());
            sleep(wait, method + " " + uri);
        }
    }

    private static JsonNode parse(String method, URI uri, String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            String shown = body.length() > 80 ? body.substring(0, 77) + "..." : body;
            throw new NemotronException(method + " " + uri + ": the answer is not JSON: " + shown.replace('\n', ' '));
        }
    }

    private static long seconds(String header) {
        try {
            return Math.max(0, Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void sleep(Duration d, String what) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NemotronException(what + ": interrupted while waiting to try again", e);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    /** The {@code error} object of an OpenAI error body, as far as it can be read. */
    private record ServerError(String message, String param) {
        static ServerError of(String body) {
            try {
                JsonNode e = JSON.readTree(body).path("error");
                if (e.isTextual()) {
                    return new ServerError(e.textValue(), null);
                }
                String message = e.path("message").isTextual() ? e.path("message").textValue() : null;
                String param = e.path("param").isTextual() ? e.path("param").textValue() : null;
                return new ServerError(message != null ? message : abbreviated(body), param);
            } catch (IOException | RuntimeException ex) {
                return new ServerError(abbreviated(body), null);
            }
        }

        private static String abbreviated(String body) {
            if (body == null || body.isBlank()) {
                return null;
            }
            String s = body.strip().replace('\n', ' ');
            return s.length() > 120 ? s.substring(0, 117) + "..." : s;
        }
    }
}
