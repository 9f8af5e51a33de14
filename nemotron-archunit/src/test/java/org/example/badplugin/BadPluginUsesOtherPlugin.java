package org.example.badplugin;

import dev.nemotron.backend.archunitfixture.FakeBackend;

/** Violates pluginDependsOnlyOnApi: a plugin links to another plugin (an in-tree backend). */
public final class BadPluginUsesOtherPlugin {
    public FakeBackend delegate() {
        return new FakeBackend();
    }
}
