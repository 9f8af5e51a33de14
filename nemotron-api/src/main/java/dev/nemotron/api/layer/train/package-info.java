/**
 * The trainable form of a layer type, written against the API alone so a plugin layer can be
 * trained: {@link dev.nemotron.api.layer.train.TrainableMixerFactory} builds a
 * {@link dev.nemotron.api.layer.train.TrainableMixer} (float64 forward with saved state, backward)
 * over a {@link dev.nemotron.api.layer.train.ParameterStore}, adding into
 * {@link dev.nemotron.api.layer.train.ParameterGradients}; nemotron-train's {@code Parameters} and
 * {@code Gradients} implement both.
 */
package dev.nemotron.api.layer.train;
