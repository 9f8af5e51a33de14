package dev.nemotron.api.backend;

import java.util.Set;

/**
 * Service provider of a {@link Backend}, discovered with {@link java.util.ServiceLoader}.
 *
 * <p>A plugin declares {@code provides dev.nemotron.api.backend.BackendProvider with ...} in its
 * {@code module-info.java}. Providers must be cheap to construct and must not fail: everything
 * that can go wrong on a given machine (no GPU, no native library, an unsupported CPU) is reported
 * through {@link #availability()}, and {@link #create()} is only called when it says available.
 * When several are available the SDK picks the highest {@link #priority()} unless the user names
 * one.
 */
public interface BackendProvider {
    /** Short, stable, lower-case name users select the backend by, e.g. {@code "java"}. */
    String name();

    /** Higher wins when the user does not choose; the pure-Java backend uses 100. */
    int priority();

    /** Whether the backend can run here, with a reason in either case. */
    Availability availability();

    /** What the backend can do once created: its facets, the weight dtypes its kernels read, its device. */
    Set<Capability> capabilities();

    /**
     * Creates the backend.
     *
     * @throws IllegalStateException if {@link #availability()} reports it unavailable
     */
    Backend create();
}
