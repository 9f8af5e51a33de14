package dev.nemotron.infer.server;

import dev.nemotron.infer.server.http.HttpLimits;
import java.util.Objects;

/**
 * How the HTTP side of the server behaves.
 *
 * @param host          address to bind ({@code 127.0.0.1} by default: not reachable from other machines)
 * @param port          port to bind; {@code 0} picks a free one ({@link OpenAiServer#port()} tells which)
 * @param apiKey        when non-null, {@code /v1/*} requests need {@code Authorization: Bearer <apiKey>}
 * @param maxBodyBytes  largest accepted request body; beyond, 413
 * @param maxInFlight   generation requests (chat and completions) handled at once; beyond, 429
 * @param limits        connection cap and header, idle and write timeouts
 */
public record ServerConfig(String host, int port, String apiKey, long maxBodyBytes, int maxInFlight, HttpLimits limits) {
    /** 1 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;
    /** Generation requests in flight at most by default. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;

    public ServerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be given");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (apiKey != null && apiKey.isEmpty()) {
            apiKey = null;
        }
        if (maxBodyBytes < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("maxBodyBytes and maxInFlight must be >= 1");
        }
        Objects.requireNonNull(limits, "limits");
    }

    /** With the default {@link HttpLimits}. */
    public ServerConfig(String host, int port, String apiKey, long maxBodyBytes, int maxInFlight) {
        this(host, port, apiKey, maxBodyBytes, maxInFlight, HttpLimits.defaults());
    }

    /** 127.0.0.1, an ephemeral port, no API key, 1 MiB bodies, 256 requests in flight, default limits. */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 0, null, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IN_FLIGHT);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, apiKey, maxBodyBytes, maxInFlight, limits);
    }

    public ServerConfig withHost(String newHost) {
        return new ServerConfig(newHost, port, apiKey, maxBodyBytes, maxInFlight, limits);
    }

    public ServerConfig withApiKey(String key) {
        return new ServerConfig(host, port, key, maxBodyBytes, maxInFlight, limits);
    }

    public ServerConfig withMaxBodyBytes(long bytes) {
        return new ServerConfig(host, port, apiKey, bytes, maxInFlight, limits);
    }

    public ServerConfig withMaxInFlight(int requests) {
        return new ServerConfig(host, port, apiKey, maxBodyBytes, requests, limits);
    }

    public ServerConfig withLimits(HttpLimits newLimits) {
        return new ServerConfig(host, port, apiKey, maxBodyBytes, maxInFlight, newLimits);
    }
}
