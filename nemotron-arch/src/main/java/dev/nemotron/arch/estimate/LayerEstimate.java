package dev.nemotron.arch.estimate;

import dev.nemotron.api.layer.CacheFootprint;

/** Parameters and inference state of one layer (its norm included). */
public record LayerEstimate(int index, char symbol, String type, long parameters, CacheFootprint cache) {
}
