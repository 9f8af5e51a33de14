package dev.nemotron.backend.java;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.Kernels;
import dev.nemotron.backend.java.activation.VectorActivationKernels;
import dev.nemotron.backend.java.attention.VectorAttentionKernels;
import dev.nemotron.backend.java.linear.VectorLinearKernels;
import dev.nemotron.backend.java.mamba.VectorMambaKernels;
import dev.nemotron.backend.java.norm.VectorNormKernels;
import java.util.Optional;
import java.util.Set;

/**
 * The pure-Java backend: the kernel facet only, Vector API kernels sharing one {@link Parallel}
 * pool, which {@link #close()} shuts down.
 */
public final class JavaBackend implements Backend {
    private final Parallel parallel;
    private final Kernels kernels;

    /** A backend running its kernels on {@code parallel}, which it then owns. */
    public JavaBackend(Parallel parallel) {
        this.parallel = parallel;
        this.kernels = new Kernels(new VectorLinearKernels(parallel), new VectorNormKernels(parallel),
                new VectorMambaKernels(parallel), new VectorAttentionKernels(parallel), new VectorActivationKernels(parallel));
    }

    @Override
    public String name() {
        return JavaBackendProvider.NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return JavaBackendProvider.CAPABILITIES;
    }

    @Override
    public Optional<Kernels> kernels() {
        return Optional.of(kernels);
    }

    /** The number of worker threads kernels use. */
    public int threads() {
        return parallel.threads();
    }

    @Override
    public void close() {
        parallel.close();
    }
}
