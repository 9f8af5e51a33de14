package dev.nemotron.infer.sampling;

/**
 * Repetition, frequency and presence penalties of one request, with token counts kept up to date
 * incrementally (each step reads only the tokens appended since the last one).
 *
 * <pre>
 * 1. repetition (HF/CTRL), over the distinct tokens of prompt + output:
 *      logit &gt; 0 ? logit / repetition_penalty : logit * repetition_penalty
 * 2. frequency (OpenAI), over output tokens:  logit -= frequency_penalty * count(token)
 * 3. presence  (OpenAI), over output tokens:  logit -= presence_penalty  (once per distinct token)
 * </pre>
 * The order and the float arithmetic are vLLM's ({@code apply_penalties}).
 *
 * <p>State: a count per vocabulary entry for output tokens and a seen-flag per entry for prompt +
 * output (about 5 bytes per vocabulary entry), allocated on first use.
 */
final class Penalties {
    private final float repetition;
    private final float frequency;
    private final float presence;

    private int[] outputCounts;      // [vocab]
    private boolean[] seen;          // [vocab], prompt or output
    private IntList outputDistinct;  // ids with outputCounts > 0, first occurrence order
    private IntList seenDistinct;    // ids with seen, first occurrence order
    private int promptLength = -1;   // prompt length the state was built for
    private int generatedCounted;    // generated tokens already counted

    Penalties(SamplingParams params) {
        this.repetition = (float) params.repetitionPenalty();
        this.frequency = (float) params.frequencyPenalty();
        this.presence = (float) params.presencePenalty();
    }

    /** Applies the penalties to {@code logits} in place. */
    void apply(float[] logits, TokenHistory history) {
        sync(logits.length, history);
        // 1. repetition penalty over prompt + output
        if (repetition != 1f) {
            for (int n = 0; n < seenDistinct.size(); n++) {
                int t = seenDistinct.get(n);
                float l = logits[t];
                if (l == Float.NEGATIVE_INFINITY) {
                    continue;                     // masked stays masked
                }
                // a tiny or huge penalty saturates at the largest finite float instead of becoming infinite
                float v = l > 0 ? l / repetition : l * repetition;
                logits[t] = Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, v));
            }
        }
        // 2. frequency, 3. presence, over output only
        if (frequency != 0f || presence != 0f) {
            for (int n = 0; n < outputDistinct.size(); n++) {
                int t = outputDistinct.get(n);
                float l = logits[t] - frequency * outputCounts[t];
                logits[t] = l - presence;
            }
        }
    }

    /** Brings the counts up to date with {@code history}; rebuilds if it is not the one counted so far. */
    private void sync(int vocab, TokenHistory history) {
        int generated = history.generatedLength();
        if (seen == null || seen.length != vocab || promptLength != history.promptLength()
                || generated < generatedCounted) {
            reset(vocab);
            promptLength = history.promptLength();
            for (int i = 0; i < promptLength; i++) {
                markSeen(Checks.token(history.promptToken(i), vocab));
            }
        }
        for (int i = generatedCounted; i < generated; i++) {
            int t = Checks.token(history.generatedToken(i), vocab);
            markSeen(t);
            if (outputCounts[t]++ == 0) {
                outputDistinct.add(t);
            }
        }
        generatedCounted = generated;
    }

    private void markSeen(int t) {
        if (!seen[t]) {
            seen[t] = true;
            seenDistinct.add(t);
        }
    }

    private void reset(int vocab) {
        outputCounts = new int[vocab];
        seen = new boolean[vocab];
        outputDistinct = new IntList();
        seenDistinct = new IntList();
        generatedCounted = 0;
    }
}
