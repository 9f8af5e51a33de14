package dev.nemotron.infer.engine;

/**
 * One request as the engine's loop drives it: which token comes next, and what that token does
 * (text, stop conditions, events). The loop itself knows nothing of sampling or text.
 */
interface ActiveRequest {
    int[] promptIds();

    /** Worst-case generated tokens, for admission control. */
    int maxNewTokens();

    /** Chooses the next token from the logits row {@code logits[offset, offset + vocab)}. */
    int choose(float[] logits, int offset, int vocab);

    /** Records the chosen token, emits its events; returns true when the request is finished. */
    boolean accept(int token);

    boolean cancelled();

    /** Ends the request (emits the final event exactly once). */
    void finish(FinishReason reason, Throwable error);
}
