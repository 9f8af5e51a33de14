/**
 * Learning-rate schedules, each a pure function of the step ({@link dev.nemotron.api.optim.LrSchedule}).
 *
 * <p>Steps count updates from 1 (step 0 is before the first update). A linear warmup of
 * {@code W} steps gives {@code peak * s / W} at step {@code s <= W}: the first update uses
 * {@code peak / W}, step {@code W} reaches {@code peak}; {@code W = 0} means no warmup.
 */
package dev.nemotron.train.schedule;
