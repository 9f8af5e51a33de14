package dev.nemotron.api.backend;

import java.util.Objects;

/**
 * Whether a backend can run on this machine, and why (or why not), in words a user can act on:
 * {@code "available: 2 cores, AVX2 256-bit vectors"}, {@code "no CUDA driver found (libcuda.so.1)"}.
 */
public record Availability(boolean available, String reason) {
    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    public static Availability available(String reason) {
        return new Availability(true, reason);
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
