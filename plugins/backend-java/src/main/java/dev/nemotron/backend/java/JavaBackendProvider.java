package dev.nemotron.backend.java;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.BackendProvider;
import dev.nemotron.api.backend.Capability;
import java.util.EnumSet;
import java.util.Set;

/**
 * Provider of the pure-Java (Vector API) backend, priority 100: available wherever the Vector API
 * is resolved (always on the module path; on the class path it says to add
 * {@code --add-modules jdk.incubator.vector}, and discovery falls back to {@code java-reference}).
 */
public final class JavaBackendProvider implements BackendProvider {
    /** The name users select this backend by. */
    public static final String NAME = "java";

    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.KERNELS,
            Capability.CPU, Capability.WEIGHTS_F32, Capability.WEIGHTS_BF16, Capability.WEIGHTS_F16,
            Capability.WEIGHTS_Q8_0));

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public JavaBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        String missing = VectorSupport.missing();
        if (missing != null) {
            return Availability.unavailable(missing);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return Availability.available("available: " + cores + (cores == 1 ? " core, " : " cores, ")
                + VectorSupport.preferredBits()
                + "-bit vectors (FloatVector.SPECIES_PREFERRED)");
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Backend create() {
        String missing = VectorSupport.missing();
        if (missing != null) {
            throw new IllegalStateException("backend 'java' is not available: " + missing);
        }
        return new JavaBackend(Parallel.perCore());
    }
}
