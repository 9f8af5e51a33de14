package dev.nemotron.infer.engine;

/** One sequence's state inside a {@link LanguageModel} (caches), opaque to the engine. */
public interface ModelSequence {
    /** Tokens processed so far. */
    int length();

    /** Bytes of cache and state held now. */
    long bytes();

    /**
     * Frees what the sequence holds; the engine calls it once the sequence is finished. The
     * default does nothing (heap caches are garbage collected); a device model frees its slot.
     */
    default void release() {
    }
}
