package dev.nemotron.infer.engine;

/**
 * A finished generation.
 *
 * @param outputIds       every generated token (a final end-of-sequence or stop token included)
 * @param reasoning       the text of the reasoning tokens ({@code </think>} excluded)
 * @param content         the text of the answer (a stop string and what follows cut off)
 * @param reasoningTokens how many generated tokens were reasoning
 * @param error           what failed, for {@link FinishReason#ERROR}; null otherwise
 */
public record GenerationResult(int[] outputIds, String reasoning, String content, FinishReason finishReason,
                               int promptTokens, int reasoningTokens, Throwable error) {
    public int completionTokens() {
        return outputIds.length;
    }
}
