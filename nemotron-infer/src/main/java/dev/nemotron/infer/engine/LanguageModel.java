package dev.nemotron.infer.engine;

import java.util.List;

/**
 * What the generation engine drives: prefill one sequence, then decode many together. The
 * production implementation is {@link HybridLanguageModel}; tests use scripted models whose
 * logits they control, so that every engine path under test is the real one.
 */
public interface LanguageModel {
    int vocabSize();

    /** A new, empty sequence. */
    ModelSequence newSequence();

    /** Appends {@code ids} to the sequence; returns the logits [vocab] after the last one. */
    float[] prefill(ModelSequence sequence, int[] ids);

    /**
     * True when {@link #extend} can append a prompt piece by piece (so the engine may prefill a
     * long prompt in chunks between decode steps); the default is false.
     */
    default boolean prefillsInPieces() {
        return false;
    }

    /**
     * Appends {@code ids} (a piece of a prompt) without computing logits; a later
     * {@link #prefill} call with the last piece returns the logits. Only when
     * {@link #prefillsInPieces()}.
     */
    default void extend(ModelSequence sequence, int[] ids) {
        throw new UnsupportedOperationException("this model prefills whole prompts only");
    }

    /** One token per sequence, decoded together; returns logits [sequences, vocab]. */
    float[] decode(List<ModelSequence> sequences, int[] tokens);

    /**
     * An upper bound of the bytes one sequence holds once it has seen {@code tokens} tokens, for
     * admission control.
     */
    long sequenceBytes(long tokens);

    /**
     * Blocks of the model's own cache pool (a device's paged KV cache) one sequence holds at most
     * once it has seen {@code tokens} tokens; 0 (the default) for a model without such a pool.
     * The engine admits a request only while the blocks of all admitted requests fit
     * {@link #poolBlocks()}, so no sequence runs out of blocks mid-decode.
     */
    default long sequenceBlocks(long tokens) {
        return 0;
    }

    /** Blocks of that pool; {@link Long#MAX_VALUE} (the default) when there is none. */
    default long poolBlocks() {
        return Long.MAX_VALUE;
    }
}
