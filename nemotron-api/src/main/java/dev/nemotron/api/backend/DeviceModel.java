package dev.nemotron.api.backend;

import java.util.List;
import java.util.Optional;

/**
 * A model opened by a {@link ModelExecution}: its weights and caches live on a device. Used from
 * one thread at a time. Logits are float32, row-major {@code [rows, vocabSize()]}.
 */
public interface DeviceModel extends AutoCloseable {
    int vocabSize();

    /**
     * A new, empty sequence in a free slot.
     *
     * @throws dev.nemotron.api.NemotronException when every slot is in use
     */
    DeviceSequence newSequence();

    /** Appends {@code ids} to {@code sequence}; returns the logits after the last one {@code [vocab]}. */
    float[] prefill(DeviceSequence sequence, int[] ids);

    /** As {@link #prefill}, returning the logits of every position {@code [ids.length, vocab]}. */
    float[] prefillAll(DeviceSequence sequence, int[] ids);

    /** One token per (distinct) sequence, decoded together; logits {@code [sequences, vocab]}. */
    float[] decode(List<DeviceSequence> sequences, int[] tokens);

    /** Sampling on the device, when this model offers it; the default offers none. */
    default Optional<OnDeviceSampling> sampling() {
        return Optional.empty();
    }

    /**
     * The paged KV cache's capacity, for a model that allocates KV as sequences grow: a caller
     * that runs several sequences admits one only while the blocks its sequences may reach (at
     * their prompt plus generated tokens) fit {@link KvCapacity#totalBlocks()}; a prefill or decode
     * needing more blocks than are free fails. Empty (the default) when each sequence's cache is
     * reserved up front (or the model keeps none).
     */
    default Optional<KvCapacity> kvCapacity() {
        return Optional.empty();
    }

    /** Device bytes of the weights. */
    long weightBytes();

    /** The device's measured memory bandwidth in bytes per second (read plus written), for rooflines. */
    double memoryBandwidth();

    /** Frees the device memory; open sequences become unusable. */
    @Override
    void close();
}
