package dev.nemotron.eval.task;

import com.fasterxml.jackson.databind.node.IntNode;

/**
 * Settings that replace a task file's own (command-line options, pipeline parameters); null
 * fields leave the task's. They become part of the task's config, hence of its digest.
 *
 * @param repeats           {@code repeats}
 * @param fewshot           {@code fewshot.n}
 * @param maxThinkingTokens {@code generation.max_thinking_tokens}
 * @param maxTokens         {@code generation.max_tokens}
 * @param thinkingGrace     {@code generation.thinking_grace_tokens}
 */
public record TaskOverrides(Integer repeats, Integer fewshot, Integer maxThinkingTokens, Integer maxTokens,
                            Integer thinkingGrace) {
    /** No override. */
    public static TaskOverrides none() {
        return new TaskOverrides(null, null, null, null, null);
    }

    /** {@code task} with these overrides, read and checked again. */
    public TaskSpec apply(TaskSpec task) {
        TaskSpec out = task;
        if (repeats != null) {
            out = out.with("repeats", IntNode.valueOf(repeats));
        }
        if (fewshot != null) {
            out = out.with("fewshot.n", IntNode.valueOf(fewshot));
        }
        if (maxThinkingTokens != null) {
            out = out.with("generation.max_thinking_tokens", IntNode.valueOf(maxThinkingTokens));
        }
        if (thinkingGrace != null) {
            out = out.with("generation.thinking_grace_tokens", IntNode.valueOf(thinkingGrace));
        }
        if (maxTokens != null) {
            out = out.with("generation.max_tokens", IntNode.valueOf(maxTokens));
        }
        return out;
    }
}
