package com.acme.nemotron.reward;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.nemotron.archunit.NemotronArchitectureRules;

/** The SDK's rule for plugins, in the plugin's own CI: nothing but nemotron-api. */
@AnalyzeClasses(packages = "com.acme.nemotron", importOptions = ImportOption.DoNotIncludeTests.class)
class PluginRulesTest {
    @ArchTest
    static final ArchRule onlyApi = NemotronArchitectureRules.pluginDependsOnlyOnApi("com.acme.nemotron..");
}
