package dev.nemotron.cli.archunitfixture;

import dev.nemotron.plugins.archunitfixture.ExamplePlugin;

/** Violates moduleDependencies: even cli finds plugins with ServiceLoader only. */
public final class CliNamesPlugin {
    public Object plugin() {
        return new ExamplePlugin();
    }
}
