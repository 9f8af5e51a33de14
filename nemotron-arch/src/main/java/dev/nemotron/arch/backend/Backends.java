package dev.nemotron.arch.backend;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.BackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds {@link BackendProvider}s with {@link ServiceLoader} and picks one. A provider that throws
 * while being asked about itself is reported as unavailable with the error as its reason, so one
 * broken plugin never hides the others.
 */
public final class Backends {
    private Backends() {
    }

    /** Every provider found, highest priority first, available or not. */
    public static List<DiscoveredBackend> discover() {
        List<DiscoveredBackend> found = new ArrayList<>();
        ServiceLoader<BackendProvider> loader = ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader());
        var it = loader.stream().iterator();
        while (true) {
            ServiceLoader.Provider<BackendProvider> handle;
            try {
                if (!it.hasNext()) {
                    break;
                }
                handle = it.next();
            } catch (ServiceConfigurationError e) {
                found.add(new DiscoveredBackend("<broken>", Integer.MIN_VALUE,
                        Availability.unavailable("provider could not be loaded: " + e.getMessage()), Set.of(), "?", null));
                continue;
            }
            found.add(describe(handle));
        }
        found.sort(Comparator.comparingInt(DiscoveredBackend::priority).reversed()
                .thenComparing(DiscoveredBackend::name));
        return found;
    }

    private static DiscoveredBackend describe(ServiceLoader.Provider<BackendProvider> handle) {
        String module = handle.type().getModule().isNamed() ? handle.type().getModule().getName() : "(class path)";
        BackendProvider p;
        try {
            p = handle.get();
        } catch (ServiceConfigurationError | RuntimeException e) {
            return new DiscoveredBackend(handle.type().getName(), Integer.MIN_VALUE,
                    Availability.unavailable("provider failed to start: " + e.getMessage()), Set.of(), module, null);
        }
        try {
            return new DiscoveredBackend(p.name(), p.priority(), p.availability(), p.capabilities(), module, p);
        } catch (RuntimeException e) {
            return new DiscoveredBackend(handle.type().getName(), Integer.MIN_VALUE,
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
