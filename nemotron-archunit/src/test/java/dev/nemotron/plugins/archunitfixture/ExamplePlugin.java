package dev.nemotron.plugins.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;

/** Fixture: an in-tree example plugin; plugin examples → api (allowed). */
public final class ExamplePlugin {
    public String describe(ApiValue value) {
        return value.name();
    }
}
