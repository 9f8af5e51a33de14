package org.example.badplugin;

import dev.nemotron.arch.archunitfixture.ArchModel;

/** Violates pluginDependsOnlyOnApi: a plugin reaches into the SDK's arch module. */
public final class BadPluginUsesArch {
    public Object graph() {
        return new ArchModel().embedding();
    }
}
