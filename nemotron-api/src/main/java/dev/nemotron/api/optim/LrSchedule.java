package dev.nemotron.api.optim;

/**
 * The learning rate as a pure function of the step: the same step always gives the same rate, so
 * a resumed run continues the schedule exactly.
 */
@FunctionalInterface
public interface LrSchedule {
    /**
     * The learning rate of update number {@code step} (counting from 1; step 0 is before the first
     * update). Never negative.
     */
    double lr(long step);
}
