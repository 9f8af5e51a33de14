package dev.nemotron.api.layer;

import java.util.Objects;

/**
 * One layer of the hybrid stack, as a factory sees it.
 *
 * @param index  the layer's position, 0-based
 * @param symbol its pattern symbol ({@code M}, {@code *}, {@code -}, ...)
 * @param config the model's config
 */
public record LayerContext(int index, char symbol, ModelConfigView config) {
    public LayerContext {
        Objects.requireNonNull(config, "config");
    }

    /** The checkpoint prefix of this layer's mixer weights, {@code backbone.layers.{i}.mixer.}. */
    public String weightPrefix() {
        return "backbone.layers." + index + ".mixer.";
    }
}
