package dev.nemotron.infer.engine;

import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.thinking.ThinkingBudget;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One generation: a prompt, how to sample, and how to think.
 *
 * @param promptIds          the prompt, already templated and tokenised
 * @param sampling           sampling, max tokens (reasoning included) and stop conditions
 * @param reasoningOpen      the prompt leaves a {@code <think>} block open: the first generated
 *                           tokens are reasoning, up to {@code </think>}
 * @param maxThinkingTokens  budget of reasoning tokens (the paper's budget control), if any
 * @param thinkingGraceTokens tokens to wait for a newline once the budget is reached
 */
public record GenerationRequest(int[] promptIds, SamplingParams sampling, boolean reasoningOpen,
                                OptionalInt maxThinkingTokens, int thinkingGraceTokens) {
    public GenerationRequest {
        Objects.requireNonNull(promptIds, "promptIds");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(maxThinkingTokens, "maxThinkingTokens");
        if (promptIds.length == 0) {
            throw new NemotronException("the prompt is empty: give at least one token");
        }
        if (maxThinkingTokens.isPresent() && maxThinkingTokens.getAsInt() < 0) {
            throw new NemotronException("max_thinking_tokens must be >= 0, got " + maxThinkingTokens.getAsInt());
        }
        if (thinkingGraceTokens < 0) {
            throw new NemotronException("thinking grace window must be >= 0 tokens, got " + thinkingGraceTokens);
        }
        promptIds = promptIds.clone();
    }

    /** A plain completion: no reasoning block, no budget. */
    public static GenerationRequest of(int[] promptIds, SamplingParams sampling) {
        return new GenerationRequest(promptIds, sampling, false, OptionalInt.empty(), ThinkingBudget.DEFAULT_GRACE_TOKENS);
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }
}
