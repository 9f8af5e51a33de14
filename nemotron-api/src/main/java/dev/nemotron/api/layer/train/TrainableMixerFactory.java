package dev.nemotron.api.layer.train;

import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.dims.LayerDims;

/**
 * The companion of a {@link dev.nemotron.api.layer.MixerFactory}: builds the trainable form of
 * the layers of pattern symbol {@link #symbol()}. The trainer finds it in two ways: the layer's
 * {@code MixerFactory} itself implements this interface (one class owns the whole layer type), or
 * a provider of this service claims the symbol ({@code provides
 * dev.nemotron.api.layer.train.TrainableMixerFactory with ...}; how the built-in Mamba-2, attention
 * and MLP layers, whose inference form lives in nemotron-arch, register theirs from nemotron-train).
 * A layer type with neither cannot be trained, and the trainer says so.
 */
public interface TrainableMixerFactory {
    /** The pattern symbol of the layers this builds, as {@link dev.nemotron.api.layer.MixerFactory#symbol()}. */
    char symbol();

    /**
     * The trainable mixer of {@code layer}, reading its parameters (names under
     * {@link LayerContext#weightPrefix()}) from {@code params}.
     *
     * @param dims the layer's sizes, as its {@code MixerFactory} read them ({@code MixerFactory.dims})
     */
    TrainableMixer<?> create(LayerContext layer, LayerDims dims, ParameterStore params);
}
