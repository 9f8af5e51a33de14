package dev.nemotron.infer.archunitfixture;

import dev.nemotron.backend.archunitfixture.FakeBackend;

/** Violates moduleDependencies: an SDK module names a plugin instead of using ServiceLoader. */
public final class InferNamesBackend {
    public Object backend() {
        return new FakeBackend();
    }
}
