package dev.nemotron.eval.model;

import dev.nemotron.infer.sampling.SamplingParams;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One completion to generate.
 *
 * @param prompt            text or chat messages
 * @param sampling          temperature, top-p/k, seed, {@code max_tokens} (reasoning included), stop strings
 * @param thinking          reasoning on or off (chat prompts); null: the model's default
 * @param maxThinkingTokens the reasoning budget ({@code max_thinking_tokens}), if any
 * @param thinkingGrace     tokens to wait for a newline once the budget is reached, if not the default
 * @param reference         the task's reference completion, for the {@code canonical} self-check
 *                          model; every real model ignores it (null when the task declares none)
 */
public record GenerateRequest(Prompt prompt, SamplingParams sampling, Boolean thinking, OptionalInt maxThinkingTokens,
                              OptionalInt thinkingGrace, String reference) {
    public GenerateRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(maxThinkingTokens, "maxThinkingTokens");
        Objects.requireNonNull(thinkingGrace, "thinkingGrace");
    }

    /** A request with no thinking settings and no reference. */
    public static GenerateRequest of(Prompt prompt, SamplingParams sampling) {
        return new GenerateRequest(prompt, sampling, null, OptionalInt.empty(), OptionalInt.empty(), null);
    }
}
