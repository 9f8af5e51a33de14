package dev.nemotron.infer.server.http;

import java.time.Duration;

/**
 * The limits that keep idle, slow or hostile clients from holding the server's connections.
 *
 * @param maxConnections most open connections; beyond, the connection idle longest (waiting for a
 *                       request) is closed to make room, or, when every one is busy, the new one
 *                       is answered 503 and closed
 * @param headerTimeout  time from a request's first byte to the end of its headers
 * @param idleTimeout    time a connection may wait for the next request (or for more body bytes)
 * @param writeTimeout   time one write to the client may stay blocked (a client that stopped
 *                       reading); the connection is then closed and its generation cancelled
 */
public record HttpLimits(int maxConnections, Duration headerTimeout, Duration idleTimeout, Duration writeTimeout) {
    /** Request line and headers together, at most. */
    public static final int MAX_HEADER_BYTES = 64 * 1024;

    public HttpLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
        }
        positive("headerTimeout", headerTimeout);
        positive("idleTimeout", idleTimeout);
        positive("writeTimeout", writeTimeout);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a positive duration of at most "
                    + Integer.MAX_VALUE + " ms, got " + d);
        }
    }

    /** 1024 connections, 10 s for headers, 60 s idle, 30 s per blocked write. */
    public static HttpLimits defaults() {
        return new HttpLimits(1024, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30));
    }
}
