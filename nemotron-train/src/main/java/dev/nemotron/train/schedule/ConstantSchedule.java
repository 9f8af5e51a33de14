package dev.nemotron.train.schedule;

import dev.nemotron.api.optim.LrSchedule;

/**
 * A constant learning rate after an optional linear warmup (e.g. for long-context continued
 * pretraining): {@code lr * s / warmup} for {@code s <= warmup}, then {@code lr}.
 */
public record ConstantSchedule(double lr, long warmup) implements LrSchedule {
    public ConstantSchedule {
        Warmup.checkLr("lr", lr);
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0: " + warmup);
        }
    }

    /** {@code lr} from the first step on. */
    public ConstantSchedule(double lr) {
        this(lr, 0);
    }

    @Override
    public double lr(long step) {
        Warmup.checkStep(step);
        return step < warmup ? Warmup.ramp(lr, step, warmup) : lr;
    }
}
