package dev.nemotron.backend.java.reference;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.BackendProvider;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.Kernels;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The scalar reference path as a backend of its own, {@code java-reference}: slow, single-threaded
 * and simple, for checking the fast kernels (and any other backend) on whole models. Its low
 * priority means it is only used when asked for by name.
 */
public final class ReferenceBackendProvider implements BackendProvider {
    public static final String NAME = "java-reference";

    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.KERNELS,
            Capability.CPU, Capability.WEIGHTS_F32, Capability.WEIGHTS_BF16, Capability.WEIGHTS_F16,
            Capability.WEIGHTS_Q8_0));

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public ReferenceBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return Availability.available("available: scalar single-threaded reference kernels (for testing; slow)");
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Backend create() {
        Kernels kernels = Kernels.of(new ReferenceKernels());
        return new Backend() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Set<Capability> capabilities() {
                return CAPABILITIES;
            }

            @Override
            public Optional<Kernels> kernels() {
                return Optional.of(kernels);
            }
        };
    }
}
