package dev.nemotron.eval.model;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When an endpoint request is tried again: on a connection failure or timeout, and on HTTP 429,
 * 500, 502, 503 and 504, up to {@code maxAttempts} tries in all, waiting
 * {@code initialBackoff · 2^(attempt-1)} (at most {@code maxBackoff}, with ±25% jitter) or the
 * server's {@code Retry-After} seconds when it sends one (also capped by {@code maxBackoff}).
 *
 * @param maxAttempts    tries in all, {@code >= 1}
 * @param initialBackoff the wait after the first failure
 * @param maxBackoff     the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
    }

    /** 6 tries, from 1 s up to 30 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** True for the HTTP statuses worth another try. */
    public static boolean retryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /**
     * The wait before try {@code attempt + 1}.
     *
     * @param attempt       tries made so far, from 1
     * @param retryAfterSec the server's {@code Retry-After} in seconds, or a negative number
     */
    public Duration delay(int attempt, long retryAfterSec) {
        long max = maxBackoff.toMillis();
        if (retryAfterSec >= 0) {
            return Duration.ofMillis(Math.min(max, retryAfterSec * 1000));
        }
        long base = initialBackoff.toMillis() << Math.min(30, attempt - 1);
        long capped = Math.min(max, Math.max(0, base));
        double jitter = 0.75 + 0.5 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.round(capped * jitter));
    }
}
