package dev.nemotron.backend.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;
import dev.nemotron.arch.archunitfixture.ArchModel;

/** Fixture: an in-tree backend; backends → api, arch (allowed by moduleDependencies, not by pluginDependsOnlyOnApi). */
public final class FakeBackend {
    public ApiValue run(ArchModel graph) {
        return graph.embedding();
    }
}
