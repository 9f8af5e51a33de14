package dev.nemotron.backend.cuda;

import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.backend.Capability;
import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.backend.ModelExecution;
import dev.nemotron.api.backend.TrainingExecution;
import dev.nemotron.backend.cuda.ffi.NmcLibrary;
import java.util.Optional;
import java.util.Set;

/**
 * The CUDA backend: the kernel facet (kernels on host arrays through {@code nmc_k_*}) and the
 * model-execution facet (HF models run as a whole on the GPU, {@link #modelExecution()}), which
 * the SDK prefers for inference here, and training execution ({@link #trainingExecution()}:
 * forward, backward and AdamW on the device).
 */
public final class CudaBackend implements Backend {
    private final NmcLibrary library;
    private final Kernels kernels;

    CudaBackend(NmcLibrary library) {
        this.library = library;
        this.kernels = Kernels.of(new CudaKernels(library.kernels()));
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
    public Optional<Kernels> kernels() {
        return Optional.of(kernels);
    }

    @Override
    public Optional<ModelExecution> modelExecution() {
        return Optional.of(new CudaModelExecution(library));
    }

    @Override
    public Optional<TrainingExecution> trainingExecution() {
        return Optional.of(new CudaTrainingExecution(library));
    }
}
