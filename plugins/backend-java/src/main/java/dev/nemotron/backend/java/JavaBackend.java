package dev.nemotron.backend.java;

import dev.nemotron.api.backend.ActivationKernels;
import dev.nemotron.api.backend.AttentionKernels;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.LinearKernels;
import dev.nemotron.api.backend.MambaKernels;
import dev.nemotron.api.backend.NormKernels;
import dev.nemotron.backend.java.activation.VectorActivationKernels;
import dev.nemotron.backend.java.attention.VectorAttentionKernels;
import dev.nemotron.backend.java.linear.VectorLinearKernels;
import dev.nemotron.backend.java.mamba.VectorMambaKernels;
import dev.nemotron.backend.java.norm.VectorNormKernels;
import java.util.Set;

/**
 * The pure-Java backend: Vector API kernels sharing one {@link Parallel} pool, which
 * {@link #close()} shuts down.
 */
public final class JavaBackend implements Backend {
    private final Parallel parallel;
    private final LinearKernels linear;
    private final NormKernels norms;
    private final MambaKernels mamba;
    private final AttentionKernels attention;
    private final ActivationKernels activations;

    /** A backend running its kernels on {@code parallel}, which it then owns. */
    public JavaBackend(Parallel parallel) {
        this.parallel = parallel;
        this.linear = new VectorLinearKernels(parallel);
        this.norms = new VectorNormKernels(parallel);
        this.mamba = new VectorMambaKernels(parallel);
        this.attention = new VectorAttentionKernels(parallel);
        this.activations = new VectorActivationKernels(parallel);
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
    public LinearKernels linear() {
        return linear;
    }

    @Override
    public NormKernels norms() {
        return norms;
    }

    @Override
    public MambaKernels mamba() {
        return mamba;
    }

    @Override
    public AttentionKernels attention() {
        return attention;
    }

    @Override
    public ActivationKernels activations() {
        return activations;
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
