package dev.nemotron.api.backend;

import java.util.Optional;
import java.util.Set;

/**
 * Tensor kernels of one execution engine, grouped by layer family.
 *
 * <p>Activations are dense row-major {@code float[]} arrays; weights are
 * {@link dev.nemotron.api.tensor.Tensor}s, typically slices of a memory-mapped checkpoint in F32,
 * BF16 or F16 (see {@link #capabilities()}). Kernels write into arrays the caller allocates, so a
 * layer can reuse its buffers from one call to the next; an array may be longer than the shape
 * needs (a KV cache with spare capacity), and only its leading elements are read or written. A backend is thread-safe: kernels may be
 * called from several threads, and a kernel may itself use several threads.
 */
public interface Backend extends AutoCloseable {
    /** The name of the provider that created this backend. */
    String name();

    Set<Capability> capabilities();

    LinearKernels linear();

    NormKernels norms();

    MambaKernels mamba();

    AttentionKernels attention();

    ActivationKernels activations();

    /**
     * Whole-model execution on a device (weights and caches stay there), when the backend offers
     * it; callers then prefer it over running the model kernel by kernel.
     */
    default Optional<ModelExecution> modelExecution() {
        return Optional.empty();
    }

    /** Releases threads or native resources; the default does nothing. */
    @Override
    default void close() {
    }
}
