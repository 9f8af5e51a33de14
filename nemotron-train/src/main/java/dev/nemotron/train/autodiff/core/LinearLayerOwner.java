package dev.nemotron.train.autodiff.core;

import java.util.List;

/**
 * A trainable mixer whose GEMMs are {@link LinearLayer}s, so a precision policy (the FP8 recipe)
 * can choose their precision. The built-in Mamba-2, attention and MLP mixers are; a plugin's
 * {@link dev.nemotron.api.layer.train.TrainableMixer} (which cannot see this module) is not, and
 * trains in full precision.
 */
public interface LinearLayerOwner {
    /** The mixer's linear layers, in checkpoint order. */
    List<LinearLayer> linearLayers();
}
