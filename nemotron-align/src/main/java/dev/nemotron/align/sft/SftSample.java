package dev.nemotron.align.sft;

import dev.nemotron.train.autodiff.loss.CrossEntropy;

/**
 * One rendered, tokenised training example: a prompt (the conversation up to and including the
 * assistant turn's generation prompt) and the assistant's completion (its reasoning, answer and
 * end-of-turn). Only the completion's tokens carry loss.
 *
 * @param ids             prompt then completion token ids
 * @param completionStart index of the first completion token (0 &lt; completionStart &lt; ids.length)
 * @param thinking        rendered with reasoning on
 * @param truncatedTo     the reasoning was cut to this many tokens (-1: not cut)
 */
public record SftSample(int[] ids, int completionStart, boolean thinking, int truncatedTo) {
    public SftSample {
        if (completionStart < 1 || completionStart >= ids.length) {
            throw new IllegalArgumentException("completion must start inside the sample: " + completionStart + " of " + ids.length);
        }
    }

    /** Positions of this sample in a row: inputs and next-token targets, one fewer than its tokens. */
    public int positions() {
        return ids.length - 1;
    }

    /** {@code ids[0..n-1)}: what the model reads. */
    public int[] inputs() {
        return java.util.Arrays.copyOf(ids, ids.length - 1);
    }

    /**
     * The next token at each position, {@link CrossEntropy#IGNORE_INDEX} where the next token is not
     * the assistant's (prompt positions): the loss mask.
     */
    public int[] targets() {
        int[] t = new int[ids.length - 1];
        for (int i = 0; i < t.length; i++) {
            t[i] = i + 1 >= completionStart ? ids[i + 1] : CrossEntropy.IGNORE_INDEX;
        }
        return t;
    }

    /** Tokens that carry loss. */
    public int lossTokens() {
        return ids.length - completionStart;
    }
}
