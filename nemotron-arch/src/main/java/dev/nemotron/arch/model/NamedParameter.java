package dev.nemotron.arch.model;

import dev.nemotron.api.layer.ParameterSpec;

/** A parameter with its full checkpoint name (e.g. {@code backbone.layers.3.mixer.q_proj.weight}). */
public record NamedParameter(String name, ParameterSpec spec) {
    public long numel() {
        return spec.numel();
    }
}
