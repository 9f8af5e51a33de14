/**
 * The optimizer and learning-rate schedule SPI.
 *
 * <p>An {@link dev.nemotron.api.optim.Optimizer} updates a {@link dev.nemotron.api.optim.ParameterGroup}
 * of named float64 parameters in place from their gradients; its state can be taken out and put
 * back as named arrays ({@link dev.nemotron.api.optim.OptimizerState}) so that a trainer can
 * checkpoint it. Optimizers are made by {@link dev.nemotron.api.optim.OptimizerProvider}s found
 * with {@link java.util.ServiceLoader}, so a plugin can add one. An
 * {@link dev.nemotron.api.optim.LrSchedule} gives the learning rate of each step.
 *
 * <p><b>Step numbering.</b> Throughout this package {@code step} counts optimizer updates from 1:
 * the first update is step 1. Bias corrections and schedules use this number; step 0 means
 * "before any update".
 */
package dev.nemotron.api.optim;
