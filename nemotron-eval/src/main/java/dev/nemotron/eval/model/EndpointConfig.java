package dev.nemotron.eval.model;

import dev.nemotron.api.NemotronException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * An OpenAI-compatible server to evaluate.
 *
 * @param baseUri        the server's root ({@code http://host:8000}); a trailing {@code /v1} is dropped
 * @param apiKey         sent as {@code Authorization: Bearer KEY}, or null
 * @param servedModel    the {@code model} field of requests, or null to ask {@code /v1/models}
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long one request may take (a long generation included)
 * @param retry          when to try again
 */
public record EndpointConfig(URI baseUri, String apiKey, String servedModel, Duration connectTimeout,
                             Duration requestTimeout, RetryPolicy retry) {
    public EndpointConfig {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retry, "retry");
        String s = baseUri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("/v1")) {
            s = s.substring(0, s.length() - 3);
        }
        baseUri = URI.create(s);
    }

    /**
     * The defaults for a URL: no key, the model from {@code /v1/models}, 10 s to connect, 10
     * minutes per request, {@link RetryPolicy#defaults()}.
     *
     * @throws NemotronException when {@code url} is not an http(s) URL
     */
    public static EndpointConfig of(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new NemotronException("endpoint '" + url + "' is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new NemotronException("endpoint '" + url + "' must be an http:// or https:// URL such as http://127.0.0.1:8000/v1");
        }
        return new EndpointConfig(uri, null, null, Duration.ofSeconds(10), Duration.ofMinutes(10), RetryPolicy.defaults());
    }

    public EndpointConfig withApiKey(String key) {
        return new EndpointConfig(baseUri, key, servedModel, connectTimeout, requestTimeout, retry);
    }

    public EndpointConfig withServedModel(String name) {
        return new EndpointConfig(baseUri, apiKey, name, connectTimeout, requestTimeout, retry);
    }

    public EndpointConfig withRequestTimeout(Duration timeout) {
        return new EndpointConfig(baseUri, apiKey, servedModel, connectTimeout, timeout, retry);
    }

    public EndpointConfig withRetry(RetryPolicy policy) {
        return new EndpointConfig(baseUri, apiKey, servedModel, connectTimeout, requestTimeout, policy);
    }
}
