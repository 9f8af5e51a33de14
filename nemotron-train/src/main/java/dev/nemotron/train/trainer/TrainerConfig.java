package dev.nemotron.train.trainer;

/**
 * @param steps           optimizer steps in total
 * @param maxGradNorm     global-norm clipping threshold (≤ 0 disables clipping)
 * @param checkpointEvery steps between checkpoints (0: only at the end)
 */
public record TrainerConfig(long steps, double maxGradNorm, long checkpointEvery) {
    public TrainerConfig {
        if (steps < 1 || checkpointEvery < 0) {
            throw new IllegalArgumentException("steps must be >= 1 and checkpointEvery >= 0");
        }
    }
}
