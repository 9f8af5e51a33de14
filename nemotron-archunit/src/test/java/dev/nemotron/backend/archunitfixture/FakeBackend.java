package dev.nemotron.backend.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;

/** Fixture: an in-tree backend; backends → api only, like any plugin. */
public final class FakeBackend {
    public ApiValue run(ApiValue input) {
        return input;
    }
}
