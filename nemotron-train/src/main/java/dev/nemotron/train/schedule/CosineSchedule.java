package dev.nemotron.train.schedule;

import dev.nemotron.api.optim.LrSchedule;

/**
 * Linear warmup, then a half-cosine decay from {@code peakLr} to {@code minLr} at
 * {@code totalSteps}, then {@code minLr}. At step {@code s}:
 * <pre>
 *   s <= warmup             peak * s / warmup
 *   warmup <= s < total     min + (peak - min) * (1 + cos(pi * (s - warmup) / (total - warmup))) / 2
 *   s >= total              min
 * </pre>
 */
public record CosineSchedule(double peakLr, double minLr, long warmup, long totalSteps) implements LrSchedule {
    public CosineSchedule {
        Warmup.checkLr("peak lr", peakLr);
        Warmup.checkLr("min lr", minLr);
        if (minLr > peakLr) {
            throw new IllegalArgumentException("min lr " + minLr + " exceeds peak lr " + peakLr);
        }
        if (warmup < 0 || warmup > totalSteps) {
            throw new IllegalArgumentException("need 0 <= warmup <= total steps: warmup " + warmup + ", total " + totalSteps);
        }
    }

    @Override
    public double lr(long step) {
        Warmup.checkStep(step);
        if (step < warmup) {
            return Warmup.ramp(peakLr, step, warmup);
        }
        if (step >= totalSteps) {
            return step == warmup ? peakLr : minLr;
        }
        double progress = (double) (step - warmup) / (totalSteps - warmup);
        return minLr + (peakLr - minLr) * DecayShape.COSINE.factor(progress);
    }
}
