package dev.nemotron.train.report;

import java.time.Duration;

/**
 * When a progress line is written, with no IO and no clock of its own (times are passed in, in
 * nanoseconds, so tests drive it).
 *
 * <p>The first update and the last step are always shown. Between them, a line is shown when
 * {@code everySteps} steps have passed since the last one shown, or when {@code every} time has
 * passed (and the step moved on), whichever comes first. A redrawn terminal line
 * ({@link #terminal}) is instead limited to one redraw per minimum interval.
 */
public final class ProgressThrottle {
    private final long everySteps;
    private final long everyNanos;
    private final long minNanos;
    private long lastStep = Long.MIN_VALUE;
    private long lastNanos;
    private boolean shown;

    private ProgressThrottle(long everySteps, long everyNanos, long minNanos) {
        this.everySteps = everySteps;
        this.everyNanos = everyNanos;
        this.minNanos = minNanos;
    }

    /** For plain lines (CI logs): every {@code everySteps} steps or every {@code every}, whichever comes first. */
    public static ProgressThrottle plain(long everySteps, Duration every) {
        if (everySteps < 1) {
            throw new IllegalArgumentException("everySteps must be >= 1, got " + everySteps);
        }
        return new ProgressThrottle(everySteps, every.toNanos(), 0);
    }

    /** For a redrawn terminal line: at most once per {@code minInterval}. */
    public static ProgressThrottle terminal(Duration minInterval) {
        return new ProgressThrottle(Long.MAX_VALUE, 0, minInterval.toNanos());
    }

    /** Whether to show {@code step} (of {@code total}) now; when it answers true it records the show. */
    public boolean shouldShow(long step, long total, long nowNanos) {
        boolean show;
        if (!shown || step >= total) {
            show = !shown || step != lastStep;
        } else if (minNanos > 0) {
            show = nowNanos - lastNanos >= minNanos;
        } else {
            show = step - lastStep >= everySteps || (step != lastStep && nowNanos - lastNanos >= everyNanos);
        }
        if (show) {
            shown = true;
            lastStep = step;
            lastNanos = nowNanos;
        }
        return show;
    }

    /** The step last shown, or {@link Long#MIN_VALUE} before the first. */
    public long lastShownStep() {
        return lastStep;
    }
}
