package dev.nemotron.backend.cuda;

import dev.nemotron.api.backend.ActivationKernels;
import dev.nemotron.api.backend.AttentionKernels;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.LinearKernels;
import dev.nemotron.api.backend.MambaKernels;
import dev.nemotron.api.backend.ModelExecution;
import dev.nemotron.api.backend.NormKernels;
import dev.nemotron.backend.cuda.ffi.NmcLibrary;
import java.util.Optional;
import java.util.Set;

/**
 * The CUDA backend: kernels on host arrays through {@code nmc_k_*}, and whole-model execution on
 * the GPU ({@link #modelExecution()}), which is how models should run here.
 */
public final class CudaBackend implements Backend {
    private final NmcLibrary library;
    private final CudaKernels kernels;

    CudaBackend(NmcLibrary library) {
        this.library = library;
        this.kernels = new CudaKernels(library.kernels());
    }

    @Override
    public String name() {
        return CudaBackendProvider.NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return CudaBackendProvider.CAPABILITIES;
    }

    @Override
    public LinearKernels linear() {
        return kernels;
    }

    @Override
    public NormKernels norms() {
        return kernels;
    }

    @Override
    public MambaKernels mamba() {
        return kernels;
    }

    @Override
    public AttentionKernels attention() {
        return kernels;
    }

    @Override
    public ActivationKernels activations() {
        return kernels;
    }

    @Override
    public Optional<ModelExecution> modelExecution() {
        return Optional.of(new CudaModelExecution(library));
    }
}
