package dev.nemotron.api.backend;

/**
 * The whole-model execution facet of a backend ({@link Backend#modelExecution()}): it opens a
 * {@link ModelArtifact} on its device, where weights and caches then live, and runs prefill and
 * decode there as a whole, so that only token ids and logits (or sampled tokens, where the opened
 * model {@linkplain DeviceModel#sampling() samples on the device}) cross to the host.
 */
public interface ModelExecution {
    /** Whether {@link #open} runs artifacts of {@code kind} (e.g. {@link ModelArtifact.HfModel}). */
    boolean opens(Class<? extends ModelArtifact> kind);

    /**
     * Opens the model on the device: uploads its weights (or generates random ones) and allocates
     * the caches of the session's sequences.
     *
     * @throws dev.nemotron.api.NemotronException when the artifact is of a kind this execution does
     *     not open ({@link #opens}), does not fit the device, or a weight is missing or has the
     *     wrong shape, with the reason
     */
    DeviceModel open(ModelArtifact artifact);
}
