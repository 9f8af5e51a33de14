package dev.nemotron.train.report;

/**
 * The pace behind a progress line's ETA: seconds per step as an exponential moving average
 * (weight {@link #ALPHA}, about the last ten updates) of the steps after the first one seen.
 *
 * <p>The first step carries the JIT's warm-up and whatever ran between building the bar and
 * training (loading data and model), and the steps after it speed up as the JIT compiles more: an
 * average since the start made the first estimates many times too long (46 minutes for a run of
 * a few). The first step is left out and the moving average follows the speed-up. No ETA (NaN)
 * until {@link #MIN_TIMED_STEPS} steps have been timed.
 */
final class StepPace {
    static final double ALPHA = 0.2;
    static final int MIN_TIMED_STEPS = 2;

    private long lastStep = -1;
    private long lastNanos;
    private long timedSteps;
    private double secondsPerStep = Double.NaN;

    /** Step {@code step} finished at {@code nanos} (a monotonic clock). */
    void record(long step, long nanos) {
        if (lastStep >= 0 && step > lastStep) {
            double perStep = (nanos - lastNanos) / 1e9 / (step - lastStep);
            secondsPerStep = timedSteps == 0 ? perStep : secondsPerStep + ALPHA * (perStep - secondsPerStep);
            timedSteps += step - lastStep;
        }
        if (lastStep < 0 || step > lastStep) {
            lastStep = step;
            lastNanos = nanos;
        }
    }

    /** Seconds left after {@code step} of {@code total}: 0 at the end, NaN while the pace is unknown. */
    double etaSeconds(long step, long total) {
        if (step >= total) {
            return 0;
        }
        return timedSteps < MIN_TIMED_STEPS ? Double.NaN : secondsPerStep * (total - step);
    }
}
