package dev.nemotron.infer.engine;

/** Receives a generation's tokens as they come and its result; called on the engine thread. */
public interface GenerationListener {
    /** One generated token. */
    default void onDelta(GenerationDelta delta) {
    }

    /** The end, exactly once. */
    void onComplete(GenerationResult result);

    /** A listener that only waits for the result. */
    static GenerationListener ignoringDeltas() {
        return result -> {
        };
    }
}
