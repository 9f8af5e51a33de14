package dev.nemotron.plugins.examples.scale;

import dev.nemotron.api.layer.dims.LayerDims;

/**
 * Sizes of the example scale layer.
 *
 * @param hidden {@code hidden_size}
 * @param width  {@code scale_width}, a field only this layer type reads (positive)
 */
public record ScaleDims(int hidden, int width) implements LayerDims {
}
