package dev.nemotron.train.trainer;

/**
 * @param steps           optimizer steps in total
 * @param maxGradNorm     global-norm clipping threshold (≤ 0 disables clipping)
 * @param checkpointEvery steps between checkpoints (0: only at the end)
 * @param threads         worker threads for a batch's gradients ({@link BatchGradients}; a batch
 *                        uses at most one per sequence). Results are bit-identical run to run for
 *                        a given value, and agree to rounding across values.
 */
public record TrainerConfig(long steps, double maxGradNorm, long checkpointEvery, int threads) {
    public TrainerConfig {
        if (steps < 1 || checkpointEvery < 0) {
            throw new IllegalArgumentException("steps must be >= 1 and checkpointEvery >= 0");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    /** One worker thread per available processor ({@link #defaultThreads()}). */
    public TrainerConfig(long steps, double maxGradNorm, long checkpointEvery) {
        this(steps, maxGradNorm, checkpointEvery, defaultThreads());
    }

    /** The available processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** This configuration with {@code threads} worker threads. */
    public TrainerConfig withThreads(int threads) {
        return new TrainerConfig(steps, maxGradNorm, checkpointEvery, threads);
    }
}
