package dev.nemotron.api.optim;

/**
 * Updates parameters from their gradients, one step at a time.
 *
 * <p>Parameters and gradients are float64 ({@code double[]}, see {@link Parameter}); the optimizer
 * updates the values in place and keeps its own per-parameter state (moments, momentum), keyed
 * by parameter name and created on the first step that sees the name. Gradient clipping and
 * accumulation happen before {@link #step}; the learning rate comes from the caller (an
 * {@link LrSchedule}), so the optimizer holds no schedule.
 *
 * <p>An optimizer is not thread-safe; one instance serves one training run.
 */
public interface Optimizer {
    /** The name of the algorithm, e.g. {@code "adamw"}. */
    String name();

    /**
     * Applies one update to every parameter of {@code group}.
     *
     * @param group the parameters, values updated in place
     * @param step  the number of this update, counting from 1 (used for bias correction)
     * @param lr    the learning rate of this step
     * @throws IllegalArgumentException if {@code step < 1}, or a parameter's size differs from the
     *                                  state kept under its name
     */
    void step(ParameterGroup group, long step, double lr);

    /** A snapshot of the state (empty before the first step). */
    OptimizerState state();

    /**
     * Replaces the state with {@code state}, as returned by {@link #state()} of an optimizer of
     * the same kind and configuration. Continuing after {@code load} gives exactly the updates the
     * saved optimizer would have made.
     *
     * @throws IllegalArgumentException if {@code state} holds a name this optimizer does not know
     */
    void load(OptimizerState state);
}
