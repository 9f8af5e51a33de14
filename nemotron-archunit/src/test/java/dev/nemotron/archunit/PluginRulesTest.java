package dev.nemotron.archunit;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The example of docs/architecture-rules.md, run by the ArchUnit JUnit engine (archunit-junit5)
 * on this build's JUnit platform, against the compliant fixture plugin in {@code com.acme.nemotron}.
 *
 * <p>(A plugin author puts this class in their own test sources and adds
 * {@code importOptions = ImportOption.DoNotIncludeTests.class}, so that the test classes themselves
 * are not checked; here the plugin itself is a test fixture, so tests must be included.)
 */
@AnalyzeClasses(packages = "com.acme.nemotron")
class PluginRulesTest {
    @ArchTest
    static final ArchRule onlyApi = NemotronArchitectureRules.pluginDependsOnlyOnApi("com.acme.nemotron..");
}
