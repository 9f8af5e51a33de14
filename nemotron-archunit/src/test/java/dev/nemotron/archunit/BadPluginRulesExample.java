package dev.nemotron.archunit;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Like {@link PluginRulesTest}, against a plugin that breaks the rule. Its name keeps Surefire
 * from running it directly; {@link ArchUnitEngineOnJUnitPlatformTest} runs it and expects the
 * failure.
 */
@AnalyzeClasses(packages = "org.example.badplugin")
class BadPluginRulesExample {
    @ArchTest
    static final ArchRule onlyApi = NemotronArchitectureRules.pluginDependsOnlyOnApi("org.example.badplugin..");
}
