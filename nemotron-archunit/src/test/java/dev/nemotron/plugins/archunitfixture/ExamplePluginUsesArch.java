package dev.nemotron.plugins.archunitfixture;

import dev.nemotron.arch.archunitfixture.ArchModel;

/** Violates moduleDependencies: an example plugin (→ api only) uses arch. */
public final class ExamplePluginUsesArch {
    public ArchModel model() {
        return new ArchModel();
    }
}
