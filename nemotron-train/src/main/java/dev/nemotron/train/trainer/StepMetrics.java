package dev.nemotron.train.trainer;

/**
 * What one optimizer step measured; one line of {@code metrics.jsonl}.
 *
 * @param evalLoss the held-out loss after this step's update, or null when it was not evaluated
 */
public record StepMetrics(long step, double loss, double lr, double gradNorm, long tokens, double tokensPerSecond,
                          Double evalLoss) {
}
