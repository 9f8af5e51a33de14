package dev.nemotron.archunit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * archunit-junit5 1.5.0 was built against JUnit 5; this proves its engine discovers and runs
 * {@code @ArchTest} rules, passing and failing, on the JUnit platform of this build (6.x).
 */
class ArchUnitEngineOnJUnitPlatformTest {

    @Test
    void runsOnJUnitPlatform6() {
        assertThat(TestEngine.class.getPackage().getImplementationVersion()).startsWith("6.");
    }

    @Test
    void runsACompliantPluginRuleAndPasses() {
        EngineExecutionResults results = EngineTestKit.engine("archunit")
            .selectors(selectClass(PluginRulesTest.class))
            .execute();
        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1).failed(0));
    }

    @Test
    void runsAViolatedPluginRuleAndFailsNamingTheOffender() {
        EngineExecutionResults results = EngineTestKit.engine("archunit")
            .selectors(selectClass(BadPluginRulesExample.class))
            .execute();
        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        results.testEvents().failed().assertThatEvents().haveExactly(1,
            finishedWithFailure(message(m -> m.contains("org.example.badplugin.BadPluginUsesArch")
                && m.contains("dev.nemotron.arch.archunitfixture.ArchModel"))));
    }
}
