package dev.nemotron.arch.backend;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.BackendProvider;
import dev.nemotron.api.plugin.Plugins;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds {@link BackendProvider}s with {@link Plugins} ({@link java.util.ServiceLoader}) and picks one. A provider that throws
 * while being asked about itself is reported as unavailable with the error as its reason, so one
 * broken plugin never hides the others.
 */
public final class Backends {
    private Backends() {
    }

    /** Every provider found, highest priority first, available or not. */
    public static List<DiscoveredBackend> discover() {
        List<DiscoveredBackend> found = new ArrayList<>();
        for (Plugins.Discovered<BackendProvider> d : Plugins.discover(BackendProvider.class, Backends.class.getClassLoader())) {
            found.add(d.ok() ? describe(d.provider(), d.module())
                    : new DiscoveredBackend(d.type(), Integer.MIN_VALUE, Availability.unavailable(d.failure()), Set.of(), d.module(), null));
        }
        found.sort(Comparator.comparingInt(DiscoveredBackend::priority).reversed()
                .thenComparing(DiscoveredBackend::name));
        return found;
    }

    private static DiscoveredBackend describe(BackendProvider p, String module) {
        try {
            return new DiscoveredBackend(p.name(), p.priority(), p.availability(), p.capabilities(), module, p);
        } catch (RuntimeException e) {
            return new DiscoveredBackend(p.getClass().getName(), Integer.MIN_VALUE,
                    Availability.unavailable("provider failed to report availability: " + e), Set.of(), module, null);
        }
    }

    /** The available backend of highest priority. */
    public static Backend createDefault() {
        return create(null);
    }

    /**
     * The backend named {@code name}, or the best available one when {@code name} is null.
     *
     * @throws NemotronException when it is unknown or unavailable here, with the reason
     */
    public static Backend create(String name) {
        List<DiscoveredBackend> all = discover();
        if (all.isEmpty()) {
            throw new NemotronException("no backend found: put a backend plugin (e.g. nemotron-backend-java) on the module path");
        }
        for (DiscoveredBackend b : all) {
            if (name == null ? b.availability().available() : b.name().equals(name)) {
                if (!b.availability().available()) {
                    throw new NemotronException("backend '" + name + "' is not available here: " + b.availability().reason());
                }
                return b.provider().create();
            }
        }
        if (name != null) {
            throw new NemotronException("no backend named '" + name + "' (found: "
                    + all.stream().map(DiscoveredBackend::name).collect(Collectors.joining(", ")) + ")");
        }
        throw new NemotronException("no backend is available here: " + all.stream()
                .map(b -> b.name() + ": " + b.availability().reason()).collect(Collectors.joining("; ")));
    }
}
