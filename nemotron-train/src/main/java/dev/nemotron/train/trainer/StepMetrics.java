package dev.nemotron.train.trainer;

/** What one optimizer step measured; one line of {@code metrics.jsonl}. */
public record StepMetrics(long step, double loss, double lr, double gradNorm, long tokens, double tokensPerSecond) {
}
