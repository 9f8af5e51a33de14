package dev.nemotron.api.backend;

import java.util.Objects;

/**
 * The kernel facet of a {@link Backend} ({@link Backend#kernels()}): the tensor kernels the SDK's
 * own model runs on, grouped by layer family. A model built on them (the host model of
 * {@code dev.nemotron.arch.model.HybridModel}, a plugin's mixer) calls them layer by layer.
 *
 * <p>Activations are dense row-major {@code float[]} arrays; weights are
 * {@link dev.nemotron.api.tensor.Tensor}s, typically slices of a memory-mapped checkpoint in F32,
 * BF16 or F16 (which ones a backend reads: {@link Capability}). Kernels write into arrays the
 * caller allocates, so a layer can reuse its buffers from one call to the next; an array may be
 * longer than the shape needs (a KV cache with spare capacity), and only its leading elements are
 * read or written. Kernels are thread-safe: they may be called from several threads, and a kernel
 * may itself use several threads.
 */
public record Kernels(LinearKernels linear, NormKernels norms, MambaKernels mamba, AttentionKernels attention,
                      ActivationKernels activations) {
    public Kernels {
        Objects.requireNonNull(linear, "linear");
        Objects.requireNonNull(norms, "norms");
        Objects.requireNonNull(mamba, "mamba");
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(activations, "activations");
    }

    /** One object implementing every family (a reference or native implementation often does). */
    public static <K extends LinearKernels & NormKernels & MambaKernels & AttentionKernels & ActivationKernels> Kernels of(K all) {
        return new Kernels(all, all, all, all, all);
    }
}
