package dev.nemotron.eval.task;

import java.util.Objects;

/**
 * How a problem becomes a prompt.
 *
 * @param template         the problem's text ({@code {{field}}} placeholders)
 * @param chat             wrap it as a user turn in the model's chat template (few-shot examples
 *                         become earlier user/assistant turns); false: plain text completion
 * @param system           a system prompt, or null (with {@code chat: false} it is prepended as text)
 * @param targetDelimiter  between a prompt and its answer in plain-text few-shot examples and
 *                         log-likelihood continuations (default {@code " "})
 * @param fewshotDelimiter between plain-text few-shot examples (default {@code "\n\n"})
 */
public record PromptSpec(Template template, boolean chat, String system, String targetDelimiter, String fewshotDelimiter) {
    public PromptSpec {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(targetDelimiter, "targetDelimiter");
        Objects.requireNonNull(fewshotDelimiter, "fewshotDelimiter");
    }
}
