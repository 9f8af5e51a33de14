package dev.nemotron.backend.cuda;

import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.BackendProvider;
import dev.nemotron.api.backend.Capability;
import java.util.EnumSet;
import java.util.Set;

/**
 * Provider of the CUDA backend, {@code cuda}: priority 200, so it is chosen over the pure-Java
 * backend wherever it is available. Availability needs {@code libnemotron_cuda.so} (see
 * {@link LibraryLocator} for where it is looked for), the CUDA runtime and cuBLAS, a driver, and
 * a visible device; each missing piece is named in the reason.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** The name users select this backend by. */
    public static final String NAME = "cuda";

    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.KERNELS, Capability.GPU,
            Capability.WEIGHTS_F32, Capability.WEIGHTS_BF16, Capability.WEIGHTS_F16, Capability.MODEL_EXECUTION,
            Capability.TRAINING_EXECUTION));

    private final LibraryLocator locator;
    private CudaProbe probe;

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public CudaBackendProvider() {
        this(null);
    }

    /** A provider looking for the library with {@code locator} (null: this JVM's settings). */
    CudaBackendProvider(LibraryLocator locator) {
        this.locator = locator;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 200;
    }

    private synchronized CudaProbe probe() {
        if (probe == null) {
            probe = CudaProbe.run(locator != null ? locator : LibraryLocator.ofThisJvm());
        }
        return probe;
    }

    @Override
    public Availability availability() {
        return probe().availability();
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Backend create() {
        CudaProbe p = probe();
        if (!p.availability().available()) {
            throw new IllegalStateException("the CUDA backend is not available: " + p.availability().reason());
        }
        return new CudaBackend(p.library());
    }
}
