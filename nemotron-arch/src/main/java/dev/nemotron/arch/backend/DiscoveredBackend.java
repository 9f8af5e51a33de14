package dev.nemotron.arch.backend;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.backend.BackendProvider;
import dev.nemotron.api.backend.Capability;
import java.util.Set;

/** A backend provider found on the module path, with what it said about this machine. */
public record DiscoveredBackend(String name, int priority, Availability availability, Set<Capability> capabilities,
                                String module, BackendProvider provider) {
    public DiscoveredBackend {
        capabilities = Set.copyOf(capabilities);
    }
}
