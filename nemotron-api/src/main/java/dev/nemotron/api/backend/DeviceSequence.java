package dev.nemotron.api.backend;

/** One sequence's caches on the device (a slot of a {@link DeviceModel}). */
public interface DeviceSequence extends AutoCloseable {
    /** Tokens the sequence has seen. */
    int length();

    /** Device bytes held for this sequence (its share of the caches). */
    long bytes();

    /** Releases the slot for a new sequence; the sequence cannot be used afterwards. */
    @Override
    void close();
}
