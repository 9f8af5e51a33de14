package dev.nemotron.eval.task;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Set;

/**
 * Settings that replace a task file's own (command-line options, pipeline parameters); null
 * fields leave the task's. They become part of the task's config, hence of its digest.
 *
 * @param repeats           {@code repeats}
 * @param fewshot           {@code fewshot.n}
 * @param maxThinkingTokens {@code generation.max_thinking_tokens}
 * @param maxTokens         {@code generation.max_tokens}
 * @param thinkingGrace     {@code generation.thinking_grace_tokens}
 * @param tokenizer         {@code dataset.tokenizer} of tasks whose data is generated to a length in
 *                          tokens ({@link #TOKEN_LENGTH_SOURCES}); an absolute path
 * @param length            {@code dataset.length} of those tasks (target tokens)
 */
public record TaskOverrides(Integer repeats, Integer fewshot, Integer maxThinkingTokens, Integer maxTokens,
                            Integer thinkingGrace, String tokenizer, Integer length) {
    /** The data-source types that generate problems to a length in a tokenizer's tokens (RULER). */
    public static final Set<String> TOKEN_LENGTH_SOURCES = Set.of("ruler");

    /** Overrides of the task file's own settings only. */
    public TaskOverrides(Integer repeats, Integer fewshot, Integer maxThinkingTokens, Integer maxTokens,
                         Integer thinkingGrace) {
        this(repeats, fewshot, maxThinkingTokens, maxTokens, thinkingGrace, null, null);
    }

    /** No override. */
    public static TaskOverrides none() {
        return new TaskOverrides(null, null, null, null, null);
    }

    /** These overrides with a tokenizer and a length for generated long-context tasks (null: the task's). */
    public TaskOverrides withTokenLength(String newTokenizer, Integer newLength) {
        return new TaskOverrides(repeats, fewshot, maxThinkingTokens, maxTokens, thinkingGrace, newTokenizer, newLength);
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
        if (TOKEN_LENGTH_SOURCES.contains(out.dataset().string("type"))) {
            if (tokenizer != null) {
                out = out.with("dataset.tokenizer", TextNode.valueOf(tokenizer));
            }
            if (length != null) {
                out = out.with("dataset.length", IntNode.valueOf(length));
            }
        }
        return out;
    }
}
