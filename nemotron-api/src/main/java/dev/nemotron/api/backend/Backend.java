package dev.nemotron.api.backend;

import java.util.Optional;
import java.util.Set;

/**
 * One execution engine, offering up to three facets, each optional and queried, never assumed:
 * <ul>
 *   <li>{@link #kernels()}: tensor kernels (matmul, norms, causal conv, Mamba-2 scans, attention
 *       with a KV cache, activations) the SDK's own model runs on, layer by layer, on the host;</li>
 *   <li>{@link #modelExecution()}: whole-model execution of a {@link ModelArtifact} for inference
 *       (weights and caches stay on the device; only token ids and logits cross);</li>
 *   <li>{@link #trainingExecution()}: training steps on the device (forward with saved state,
 *       backward, optimizer step).</li>
 * </ul>
 * The pure-Java backend offers kernels; the CUDA backend kernels, model execution and training
 * execution; an ONNX Runtime backend would offer model execution only.
 * Which facet a model runs on is decided in one place
 * ({@code dev.nemotron.infer.engine.ModelRuns}), not by each caller.
 *
 * <p>A backend is thread-safe. The facets a backend offers match the {@link Capability#KERNELS},
 * {@link Capability#MODEL_EXECUTION} and {@link Capability#TRAINING_EXECUTION} its provider
 * declares, so they can be listed before a backend is created.
 */
public interface Backend extends AutoCloseable {
    /** The name of the provider that created this backend. */
    String name();

    /** What the backend can do, as its provider declares it ({@link BackendProvider#capabilities()}). */
    Set<Capability> capabilities();

    /** The tensor kernels, when the backend offers them; the default offers none. */
    default Optional<Kernels> kernels() {
        return Optional.empty();
    }

    /** Whole-model execution of model artifacts, when the backend offers it; the default offers none. */
    default Optional<ModelExecution> modelExecution() {
        return Optional.empty();
    }

    /** Training execution on the device, when the backend offers it; the default offers none. */
    default Optional<TrainingExecution> trainingExecution() {
        return Optional.empty();
    }

    /** Releases threads or native resources; the default does nothing. */
    @Override
    default void close() {
    }
}
