package dev.nemotron.api.archunitfixture;

import dev.nemotron.arch.archunitfixture.ArchModel;

/** Violates apiDependsOnJdkOnly and moduleDependencies: api → arch. */
public final class ApiUsesArch {
    public ArchModel model() {
        return new ArchModel();
    }
}
