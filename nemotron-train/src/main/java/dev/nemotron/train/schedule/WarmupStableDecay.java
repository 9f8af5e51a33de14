package dev.nemotron.train.schedule;

import dev.nemotron.api.optim.LrSchedule;
import java.util.Objects;

/**
 * Warmup-stable-decay (WSD), the schedule Nemotron-H was pretrained with: a linear warmup to
 * {@code peakLr}, the peak held until {@code decayStart}, then a decay to {@code minLr} at
 * {@code totalSteps}, and {@code minLr} after it. At step {@code s}:
 * <pre>
 *   s <= warmup                  peak * s / warmup           (step 0: 0; no warmup when warmup = 0)
 *   warmup <= s <= decayStart    peak
 *   decayStart < s < total       min + (peak - min) * shape.factor((s - decayStart) / (total - decayStart))
 *   s >= total                   min
 * </pre>
 * The paper gives the stable rate (4.5e-4) and the minimum (4.5e-6) but not the decay shape; the SDK
 * defaults to {@link DecayShape#LINEAR} decay over the last 20% of the steps
 * ({@link #DEFAULT_DECAY_START_FRACTION}), and both are configurable.
 *
 * @param peakLr     the stable learning rate
 * @param minLr      the learning rate at the end of the decay, {@code <= peakLr}
 * @param warmup     warmup steps, {@code 0 <= warmup <= decayStart}
 * @param decayStart the last step at the peak, {@code decayStart <= totalSteps}
 * @param totalSteps the step at which the decay reaches {@code minLr}
 * @param shape      the decay's shape
 */
public record WarmupStableDecay(double peakLr, double minLr, long warmup, long decayStart, long totalSteps,
                                DecayShape shape) implements LrSchedule {
    /** The paper's stable learning rate. */
    public static final double PAPER_PEAK_LR = 4.5e-4;
    /** The paper's minimum learning rate. */
    public static final double PAPER_MIN_LR = 4.5e-6;
    /** The default start of the decay, as a fraction of the total steps. */
    public static final double DEFAULT_DECAY_START_FRACTION = 0.8;

    public WarmupStableDecay {
        Objects.requireNonNull(shape, "shape");
        Warmup.checkLr("peak lr", peakLr);
        Warmup.checkLr("min lr", minLr);
        if (minLr > peakLr) {
            throw new IllegalArgumentException("min lr " + minLr + " exceeds peak lr " + peakLr);
        }
        if (warmup < 0 || warmup > decayStart || decayStart > totalSteps) {
            throw new IllegalArgumentException("need 0 <= warmup <= decay start <= total steps: warmup " + warmup
                    + ", decay start " + decayStart + ", total " + totalSteps);
        }
    }

    /**
     * WSD with the decay starting at {@code round(decayStartFraction * totalSteps)} (at least
     * {@code warmup}).
     */
    public static WarmupStableDecay withDecayFraction(double peakLr, double minLr, long warmup, long totalSteps,
                                                      double decayStartFraction, DecayShape shape) {
        if (!(decayStartFraction >= 0 && decayStartFraction <= 1)) {
            throw new IllegalArgumentException("decay start fraction must be in [0, 1]: " + decayStartFraction);
        }
        long start = Math.max(warmup, Math.round(decayStartFraction * totalSteps));
        return new WarmupStableDecay(peakLr, minLr, warmup, start, totalSteps, shape);
    }

    /** The paper's rates (4.5e-4 stable, 4.5e-6 minimum), linear decay over the last 20%. */
    public static WarmupStableDecay paper(long warmup, long totalSteps) {
        return withDecayFraction(PAPER_PEAK_LR, PAPER_MIN_LR, warmup, totalSteps, DEFAULT_DECAY_START_FRACTION,
                DecayShape.LINEAR);
    }

    @Override
    public double lr(long step) {
        Warmup.checkStep(step);
        if (step < warmup) {
            return Warmup.ramp(peakLr, step, warmup);
        }
        if (step <= decayStart) {
            return peakLr;
        }
        if (step >= totalSteps) {
            return minLr;
        }
        double progress = (double) (step - decayStart) / (totalSteps - decayStart);
        return minLr + (peakLr - minLr) * shape.factor(progress);
    }
}
