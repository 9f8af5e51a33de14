package dev.nemotron.api.backend;

import java.util.Objects;

/**
 * Whether a backend can run on this machine, and why (or why not), in words a user can act on:
 * {@code "available: 2 cores, AVX2 256-bit vectors"}, {@code "no CUDA driver found (libcuda.so.1)"}.
 *
 * @param reason one readable line (tables and logs show it)
 * @param detail the particulars behind it, e.g. every path tried; empty when the reason says all
 *               ({@code nemotron backends --verbose} and {@code --json} show it)
 */
public record Availability(boolean available, String reason, String detail) {
    public Availability {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    public Availability(boolean available, String reason) {
        this(available, reason, "");
    }

    public static Availability available(String reason) {
        return new Availability(true, reason);
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }

    /** Unavailable for a one-line {@code reason}, with the particulars in {@code detail}. */
    public static Availability unavailable(String reason, String detail) {
        return new Availability(false, reason, detail);
    }
}
