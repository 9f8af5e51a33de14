package dev.nemotron.api.backend;

/**
 * Whole-model execution offered by a device backend ({@link Backend#modelExecution()}): the
 * weights live on the device, and prefill/decode run there as a whole, so that only token ids and
 * logits (or sampled tokens) cross to the host.
 */
public interface ModelExecution {
    /**
     * Creates the model on the device: uploads its weights (or generates random ones) and
     * allocates the caches of {@link DeviceModelSpec#maxSequences()} sequences.
     *
     * @throws dev.nemotron.api.NemotronException when the spec does not fit the device or a weight
     *     is missing or has the wrong shape, with the reason
     */
    DeviceModel load(DeviceModelSpec spec);
}
