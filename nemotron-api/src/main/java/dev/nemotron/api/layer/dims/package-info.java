/**
 * The public dimension records of the built-in layer types (Mamba-2, attention, MLP) and the
 * {@link dev.nemotron.api.layer.dims.LayerDims} interface every layer's sizes implement. Only the
 * layer's {@link dev.nemotron.api.layer.MixerFactory} reads them from {@code config.json}; everyone
 * else receives them (a {@code ModelGraph}'s layer plans, a device backend's
 * {@link dev.nemotron.api.backend.DeviceModelSpec#layers()}).
 */
package dev.nemotron.api.layer.dims;
