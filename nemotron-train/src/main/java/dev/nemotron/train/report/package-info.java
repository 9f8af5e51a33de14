/**
 * Reports of a training run: the loss-curve PNG ({@link dev.nemotron.train.report.LossChart},
 * read from the run directory's {@code metrics.jsonl} by {@link dev.nemotron.train.report.RunMetrics})
 * and the terminal progress line ({@link dev.nemotron.train.report.ProgressBar}).
 *
 * <p>{@code metrics.jsonl} holds one JSON object per line. A line with a numeric {@code loss} is a
 * training step, a line with {@code eval_loss} a held-out evaluation at {@code step}; both kinds
 * live in the same file, in any order, and a line may carry both. Other lines (other fields only)
 * are ignored, so the trainer may log more kinds of record later. Charts need no JFreeChart types
 * from callers; rendering runs headless ({@code java.awt.headless=true} unless set otherwise).
 */
package dev.nemotron.train.report;
