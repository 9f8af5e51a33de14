package dev.nemotron.infer.sampling;

/**
 * Edits the logits of one sequence in place before a token is chosen from them: masks tokens
 * (set to {@code -Infinity}), forces one, or shifts values.
 *
 * <p>A processor may keep per-request state; it then belongs to one request. Stateful processors
 * learn which token was chosen through {@link #observe(int)}, which the engine calls (through
 * {@link Sampler#observe(int)}) once per generated token, after {@link #apply} and the draw.
 */
@FunctionalInterface
public interface LogitsProcessor {

    /**
     * Edits {@code logits} in place.
     *
     * @param logits  the logits of one sequence for the next position, length = vocabulary size
     * @param history the prompt and the tokens generated so far (not including the one being chosen)
     */
    void apply(float[] logits, TokenHistory history);

    /** Told the token just generated (after it was chosen); stateless processors ignore it. */
    default void observe(int token) {
    }
}
