package dev.nemotron.eval.model;

import java.util.Objects;

/**
 * The log-likelihood of {@code continuation} following {@code context} (plain text; the
 * continuation usually starts with the task's target delimiter, a space).
 *
 * @param context      the prompt
 * @param continuation the text to score
 * @param reference    true when the continuation is the correct answer (for the {@code canonical}
 *                     self-check model; real models ignore it)
 */
public record LoglikelihoodRequest(String context, String continuation, boolean reference) {
    public LoglikelihoodRequest {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(continuation, "continuation");
    }
}
