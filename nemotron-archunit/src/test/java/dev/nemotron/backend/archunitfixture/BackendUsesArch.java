package dev.nemotron.backend.archunitfixture;

import dev.nemotron.api.archunitfixture.ApiValue;
import dev.nemotron.arch.archunitfixture.ArchModel;

/** Violates moduleDependencies and pluginDependsOnlyOnApi: a backend → arch. */
public final class BackendUsesArch {
    public ApiValue run(ArchModel graph) {
        return graph.embedding();
    }
}
