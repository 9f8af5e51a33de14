package dev.nemotron.eval.task;

import java.util.List;

/**
 * How completions are generated ({@code generate_until} tasks).
 *
 * @param maxTokens           most tokens per completion, reasoning included
 * @param stop                stop sequences (the completion ends before the first)
 * @param temperature         0 = greedy
 * @param topP                nucleus threshold, 1 = off
 * @param topK                0 = off
 * @param seed                sampling seed of repeat 0; repeat r uses {@code seed + r}
 * @param thinking            reasoning on or off for chat prompts; null: the model's default
 * @param maxThinkingTokens   the reasoning budget ({@code max_thinking_tokens}), or null for none
 * @param thinkingGraceTokens tokens to wait for a newline once the budget is reached, or null for the engine's default
 */
public record GenerationSpec(int maxTokens, List<String> stop, double temperature, double topP, int topK, long seed,
                             Boolean thinking, Integer maxThinkingTokens, Integer thinkingGraceTokens) {
    public GenerationSpec {
        stop = List.copyOf(stop);
    }
}
