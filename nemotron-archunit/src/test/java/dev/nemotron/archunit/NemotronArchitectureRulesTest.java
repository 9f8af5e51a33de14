package dev.nemotron.archunit;

import static dev.nemotron.archunit.Fixtures.compliantSdkWith;
import static dev.nemotron.archunit.Fixtures.importClasses;
import static dev.nemotron.archunit.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.nemotron.AcmeBackendInfo;
import com.acme.nemotron.internal.VectorDot;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.nemotron.align.archunitfixture.Aligner;
import dev.nemotron.api.archunitfixture.ApiLeaksLog4j;
import dev.nemotron.api.archunitfixture.ApiNullable;
import dev.nemotron.api.archunitfixture.ApiUsesArch;
import dev.nemotron.api.archunitfixture.ApiValue;
import dev.nemotron.arch.archunitfixture.ArchModel;
import dev.nemotron.arch.archunitfixture.ArchUsesInfer;
import dev.nemotron.backend.archunitfixture.BackendUsesArch;
import dev.nemotron.backend.archunitfixture.FakeBackend;
import dev.nemotron.bench.archunitfixture.BenchConfiguresLog4jCore;
import dev.nemotron.cli.archunitfixture.CliMain;
import dev.nemotron.cli.archunitfixture.CliNamesPlugin;
import dev.nemotron.compress.archunitfixture.CompressConfiguresLog4jCore;
import dev.nemotron.eval.archunitfixture.EvalUsesJul;
import dev.nemotron.eval.archunitfixture.EvalUsesTrain;
import dev.nemotron.infer.archunitfixture.InferEngine;
import dev.nemotron.infer.archunitfixture.InferNamesBackend;
import dev.nemotron.infer.archunitfixture.InferPrintsStackTrace;
import dev.nemotron.pipeline.archunitfixture.PipelineUsesTrain;
import dev.nemotron.plugins.archunitfixture.ExamplePlugin;
import dev.nemotron.plugins.archunitfixture.ExamplePluginUsesArch;
import dev.nemotron.train.archunitfixture.TrainPrints;
import dev.nemotron.text.archunitfixture.TextUsesArch;
import dev.nemotron.train.archunitfixture.Trainer;
import java.util.List;
import java.util.stream.Stream;
import org.example.badplugin.BadPluginUsesArch;
import org.example.badplugin.BadPluginUsesOtherPlugin;
import org.example.onnxplugin.OnnxBackendInfo;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NemotronArchitectureRulesTest {

    @Nested
    class ApiDependsOnJdkOnly {
        private final ArchRule rule = NemotronArchitectureRules.apiDependsOnJdkOnly();

        @Test
        void passesForApiTypesUsingTheJdkOnly() {
            assertThat(rule.evaluate(importClasses(ApiValue.class, ApiNullable.class)).hasViolation()).isFalse();
        }

        @Test
        void passesForTheRealNemotronApi() {
            JavaClasses api = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.nemotron.api");
            assertThat(api.contain("dev.nemotron.api.backend.BackendProvider")).isTrue();
            assertThat(report(rule, api)).isEmpty();
        }

        @Test
        void failsWhenTheApiUsesAThirdPartyLibrary() {
            JavaClasses classes = importClasses(ApiValue.class, ApiLeaksLog4j.class);
            assertThat(rule.evaluate(classes).hasViolation()).isTrue();
            assertThat(report(rule, classes))
                .contains(ApiLeaksLog4j.class.getName(), "org.apache.logging.log4j.Logger")
                .doesNotContain(ApiValue.class.getName());
        }

        @Test
        void failsWhenTheApiUsesAnotherSdkModule() {
            JavaClasses classes = importClasses(ApiUsesArch.class, ArchModel.class);
            assertThat(rule.evaluate(classes).hasViolation()).isTrue();
            assertThat(report(rule, classes)).contains(ApiUsesArch.class.getName(), ArchModel.class.getName());
        }

        @Test
        void failsWhenNoApiClassWasImported() {
            assertThatThrownBy(() -> rule.evaluate(importClasses(ArchModel.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("failed to check any classes");
        }
    }

    @Nested
    class ModuleDependencies {
        private final ArchRule rule = NemotronArchitectureRules.moduleDependencies();

        @Test
        void passesForACompliantSdk() {
            assertThat(report(rule, compliantSdkWith())).isEmpty();
        }

        @Test
        void passesWhenModulesAreMissing() {
            assertThat(report(rule, importClasses(ApiValue.class, ArchModel.class))).isEmpty();
            assertThat(report(rule, importClasses(ApiValue.class))).isEmpty();
        }

        @Test
        void archDoesNotMatchArchunit() {
            JavaClass rules = importClasses(NemotronArchitectureRules.class).get(NemotronArchitectureRules.class);
            assertThat(JavaClass.Predicates.resideInAPackage(NemotronArchitectureRules.ARCH).test(rules)).isFalse();
            assertThat(JavaClass.Predicates.resideInAPackage(NemotronArchitectureRules.ARCHUNIT).test(rules)).isTrue();
        }

        static Stream<Arguments> violations() {
            return Stream.of(
                Arguments.of(ApiUsesArch.class, ArchModel.class, "api → arch"),
                Arguments.of(ArchUsesInfer.class, InferEngine.class, "arch → infer"),
                Arguments.of(EvalUsesTrain.class, Trainer.class, "eval → train"),
                Arguments.of(InferNamesBackend.class, FakeBackend.class, "an SDK module → a backend plugin"),
                Arguments.of(CliNamesPlugin.class, ExamplePlugin.class, "cli → a plugin"),
                Arguments.of(ExamplePluginUsesArch.class, ArchModel.class, "an example plugin → arch"),
                Arguments.of(BackendUsesArch.class, ArchModel.class, "a backend → arch"),
                Arguments.of(TextUsesArch.class, ArchModel.class, "text → arch"),
                Arguments.of(PipelineUsesTrain.class, Trainer.class, "pipeline → train"));
        }

        @ParameterizedTest(name = "{2}")
        @MethodSource("violations")
        void failsNamingTheOffendingDependency(Class<?> offender, Class<?> target, String what) {
            JavaClasses classes = compliantSdkWith(offender);
            assertThat(rule.evaluate(classes).hasViolation()).as(what).isTrue();
            assertThat(report(rule, classes)).contains(offender.getName(), target.getName());
        }
    }

    @Nested
    class PluginDependsOnlyOnApi {

        @Test
        void passesForAPluginUsingTheApiTheJdkAndTheVectorApi() {
            JavaClasses plugin = new ClassFileImporter().importPackages("com.acme.nemotron");
            assertThat(plugin.contain(AcmeBackendInfo.class)).isTrue();
            assertThat(plugin.contain(VectorDot.class)).isTrue();
            assertThat(report(NemotronArchitectureRules.pluginDependsOnlyOnApi("com.acme.nemotron.."), plugin)).isEmpty();
        }

        @Test
        void failsForAPluginUsingSdkInternals() {
            ArchRule rule = NemotronArchitectureRules.pluginDependsOnlyOnApi("org.example.badplugin..");
            JavaClasses classes = importClasses(BadPluginUsesArch.class, ArchModel.class);
            assertThat(rule.evaluate(classes).hasViolation()).isTrue();
            assertThat(report(rule, classes)).contains(BadPluginUsesArch.class.getName(), ArchModel.class.getName());
        }

        @Test
        void failsForAPluginUsingAnotherPlugin() {
            ArchRule rule = NemotronArchitectureRules.pluginDependsOnlyOnApi("org.example.badplugin..");
            JavaClasses classes = importClasses(BadPluginUsesOtherPlugin.class, FakeBackend.class);
            assertThat(rule.evaluate(classes).hasViolation()).isTrue();
            assertThat(report(rule, classes)).contains(BadPluginUsesOtherPlugin.class.getName(), FakeBackend.class.getName());
        }

        @Test
        void anExtraLibraryNeedsToBeAllowed() {
            JavaClasses classes = importClasses(OnnxBackendInfo.class);
            ArchRule strict = NemotronArchitectureRules.pluginDependsOnlyOnApi("org.example.onnxplugin..");
            assertThat(report(strict, classes)).contains(OnnxBackendInfo.class.getName(), "ai.onnxruntime.archunitfixture.FakeOrtSession");

            ArchRule allowing = NemotronArchitectureRules.pluginDependsOnlyOnApi(
                List.of("org.example.onnxplugin.."), List.of("ai.onnxruntime.."));
            assertThat(report(allowing, classes)).isEmpty();
        }

        @Test
        void theAllowListDoesNotOpenSdkInternals() {
            ArchRule rule = NemotronArchitectureRules.pluginDependsOnlyOnApi(
                List.of("org.example.badplugin.."), List.of("ai.onnxruntime.."));
            assertThat(rule.evaluate(importClasses(BadPluginUsesArch.class)).hasViolation()).isTrue();
        }

        @Test
        void inTreeBackendsAreHeldToThePluginRule() {
            ArchRule rule = NemotronArchitectureRules.pluginDependsOnlyOnApi("dev.nemotron.backend..");
            assertThat(report(rule, importClasses(FakeBackend.class, ApiValue.class))).isEmpty();
            assertThat(report(rule, importClasses(BackendUsesArch.class))).contains(BackendUsesArch.class.getName(), ArchModel.class.getName());
            ArchRule examples = NemotronArchitectureRules.pluginDependsOnlyOnApi("dev.nemotron.plugins..");
            assertThat(report(examples, importClasses(ExamplePlugin.class, ApiValue.class))).isEmpty();
        }

        @Test
        void failsWhenThePluginPackageMatchesNothing() {
            ArchRule rule = NemotronArchitectureRules.pluginDependsOnlyOnApi("com.acme.nemotorn..");
            JavaClasses plugin = new ClassFileImporter().importPackages("com.acme.nemotron");
            assertThatThrownBy(() -> rule.check(plugin))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("failed to check any classes");
        }

        @Test
        void needsAPluginPackage() {
            assertThatThrownBy(NemotronArchitectureRules::pluginDependsOnlyOnApi)
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class OnlyCliChoosesLoggingImplementation {
        private final ArchRule rule = NemotronArchitectureRules.onlyCliChoosesLoggingImplementation();

        @Test
        void passesWhenOnlyCliUsesLog4jCoreAndPrints() {
            // CliMain configures log4j-core and prints; InferEngine logs through log4j-api.
            assertThat(report(rule, compliantSdkWith())).isEmpty();
        }

        static Stream<Arguments> violations() {
            return Stream.of(
                Arguments.of(TrainPrints.class, "System.out"),
                Arguments.of(InferPrintsStackTrace.class, "System.err"),
                Arguments.of(EvalUsesJul.class, "EvalUsesJul.LOG"),
                Arguments.of(CompressConfiguresLog4jCore.class, "org.apache.logging.log4j.core.config.Configurator"),
                Arguments.of(BenchConfiguresLog4jCore.class, "org.apache.logging.log4j.core.config.Configurator"));
        }

        @ParameterizedTest(name = "{0} uses {1}")
        @MethodSource("violations")
        void failsNamingTheOffender(Class<?> offender, String what) {
            JavaClasses classes = compliantSdkWith(offender);
            assertThat(rule.evaluate(classes).hasViolation()).isTrue();
            assertThat(report(rule, classes)).contains(offender.getName(), what);
        }

        @Test
        void benchMayPrintButNotChooseTheLoggingImplementation() {
            String report = report(rule, importClasses(BenchConfiguresLog4jCore.class));
            assertThat(report).contains("Configurator").doesNotContain("System.out");
        }

        @Test
        void passesWhenNothingWasImported() {
            assertThat(rule.evaluate(importClasses()).hasViolation()).isFalse();
        }
    }

    @Nested
    class NoCycles {
        private final ArchRule rule = NemotronArchitectureRules.noCycles();

        @Test
        void passesForACompliantSdk() {
            assertThat(report(rule, compliantSdkWith())).isEmpty();
        }

        @Test
        void failsOnACycleBetweenModules() {
            // arch → infer (ArchUsesInfer) and infer → arch (InferEngine)
            JavaClasses classes = compliantSdkWith(ArchUsesInfer.class);
            assertThat(rule.evaluate(classes).hasViolation()).isTrue();
            assertThat(report(rule, classes))
                .contains("dev.nemotron.arch", "dev.nemotron.infer", ArchUsesInfer.class.getName());
        }

        @Test
        void passesWhenNothingWasImported() {
            assertThat(rule.evaluate(importClasses()).hasViolation()).isFalse();
        }
    }

    @Nested
    class All {
        @Test
        void holdsTheFourSdkRules() {
            assertThat(NemotronArchitectureRules.all()).hasSize(4);
        }

        @Test
        void passesForACompliantSdk() {
            JavaClasses sdk = compliantSdkWith();
            for (ArchRule rule : NemotronArchitectureRules.all()) {
                assertThat(report(rule, sdk)).as(rule.getDescription()).isEmpty();
            }
        }

        @Test
        void eachRuleCatchesItsViolation() {
            JavaClasses bad = compliantSdkWith(ApiLeaksLog4j.class, EvalUsesTrain.class, TrainPrints.class, ArchUsesInfer.class);
            for (ArchRule rule : NemotronArchitectureRules.all()) {
                assertThat(rule.evaluate(bad).hasViolation()).as(rule.getDescription()).isTrue();
            }
        }

        @Test
        void aCompliantSdkSatisfiesAllInOneCheck() {
            JavaClasses sdk = compliantSdkWith(Aligner.class);
            NemotronArchitectureRules.all().forEach(rule -> rule.check(sdk));
        }
    }
}
