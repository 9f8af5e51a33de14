package dev.nemotron.infer.engine;

import dev.nemotron.text.tokenizer.Tokenizer;

/**
 * A finished generation.
 *
 * @param outputIds       every generated token (a final end-of-sequence or stop token included)
 * @param reasoning       the text of the reasoning tokens ({@code </think>} excluded)
 * @param content         the text of the answer (a stop string and what follows cut off)
 * @param reasoningTokens how many generated tokens were reasoning
 * @param error           what failed, for {@link FinishReason#ERROR}; null otherwise
 * @param stopText        what a stop string cut off the content: the stop string and the rest of
 *                        the text of the token that completed it; null when no stop string ended it
 */
public record GenerationResult(int[] outputIds, String reasoning, String content, FinishReason finishReason,
                               int promptTokens, int reasoningTokens, Throwable error, String stopText) {
    /** A generation that no stop string ended. */
    public GenerationResult(int[] outputIds, String reasoning, String content, FinishReason finishReason,
                            int promptTokens, int reasoningTokens, Throwable error) {
        this(outputIds, reasoning, content, finishReason, promptTokens, reasoningTokens, error, null);
    }

    public int completionTokens() {
        return outputIds.length;
    }

    /**
     * Every generated token decoded with {@code tokenizer} (special tokens skipped), less the
     * {@link #stopText} at its end: the whole output as the reply shows it, without the stop string.
     */
    public String text(Tokenizer tokenizer) {
        String all = tokenizer.decode(outputIds, true);
        return stopText != null && all.endsWith(stopText) ? all.substring(0, all.length() - stopText.length()) : all;
    }
}
