package dev.nemotron.eval.model;

/**
 * A generated completion.
 *
 * @param text             the answer (for chat prompts: the content after the reasoning; a stop
 *                         sequence and what follows cut off)
 * @param reasoning        the reasoning text ({@code <think>} block), or null when there is none
 * @param promptTokens     tokens of the prompt as the model saw it (0 when unknown)
 * @param completionTokens generated tokens, reasoning included (0 when unknown)
 * @param reasoningTokens  generated reasoning tokens (0 when unknown or none)
 * @param finishReason     {@code stop}, {@code length}, ... as the model reports it
 */
public record Completion(String text, String reasoning, int promptTokens, int completionTokens, int reasoningTokens,
                         String finishReason) {
    public Completion {
        text = text == null ? "" : text;
    }
}
