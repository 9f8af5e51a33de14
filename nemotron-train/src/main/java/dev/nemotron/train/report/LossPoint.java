package dev.nemotron.train.report;

/**
 * One point of a loss curve.
 *
 * @param step the optimizer step (counted from 1)
 * @param loss the loss in nats per token; may be NaN or infinite when the run diverged
 */
public record LossPoint(long step, double loss) {
}
