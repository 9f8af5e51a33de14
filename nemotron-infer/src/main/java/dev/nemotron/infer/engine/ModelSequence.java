package dev.nemotron.infer.engine;

/** One sequence's state inside a {@link LanguageModel} (caches), opaque to the engine. */
public interface ModelSequence {
    /** Tokens processed so far. */
    int length();

    /** Bytes of cache and state held now. */
    long bytes();
}
