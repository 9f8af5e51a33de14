package dev.nemotron.eval.run;

/**
 * One aggregate of a task.
 *
 * @param value  the mean over problems of the per-problem values
 * @param stderr its bootstrapped standard error; NaN with fewer than two problems
 */
public record MetricValue(double value, double stderr) {
}
