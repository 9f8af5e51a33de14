package dev.nemotron.archunit;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks {@link NemotronArchitectureRules#all()} against the production classes of every SDK
 * module on the test class path (the test-scoped module dependencies in this module's pom). Test
 * classes, this module's deliberately broken fixtures included, are not imported.
 *
 * <p>Fails (rather than skips) when the SDK modules are missing from the test path, so that a
 * broken pom cannot make the rules pass vacuously.
 */
class SdkArchitectureTest {

    private static JavaClasses sdk;

    @BeforeAll
    static void importSdk() {
        sdk = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nemotron");
    }

    private static boolean present(String packagePattern) {
        return sdk.stream().anyMatch(JavaClass.Predicates.resideInAPackage(packagePattern));
    }

    private static void assumeSdkModulesPresent() {
        assertThat(present(NemotronArchitectureRules.ARCH))
            .as("dev.nemotron.arch classes on the test path (the SDK module dependencies in nemotron-archunit/pom.xml)")
            .isTrue();
        assertThat(present("dev.nemotron.backend.java..")).as("backend-java classes on the test path").isTrue();
        assertThat(present("dev.nemotron.backend.cuda..")).as("backend-cuda classes on the test path").isTrue();
        assertThat(present(NemotronArchitectureRules.TEXT)).as("nemotron-text classes on the test path").isTrue();
        assertThat(present(NemotronArchitectureRules.PIPELINE)).as("nemotron-pipeline classes on the test path").isTrue();
    }

    @Test
    void importsProductionClassesOnly() {
        assertThat(sdk.stream().map(JavaClass::getPackageName)).noneMatch(p -> p.contains("archunitfixture"));
        assertThat(present(NemotronArchitectureRules.ARCHUNIT)).isTrue();
    }

    @TestFactory
    Stream<DynamicTest> sdkSatisfiesAllRules() {
        assumeSdkModulesPresent();
        assertThat(present(NemotronArchitectureRules.API)).as("nemotron-api classes imported").isTrue();
        return NemotronArchitectureRules.all().stream()
            .map(rule -> DynamicTest.dynamicTest(shortName(rule), () -> rule.check(sdk)));
    }

    @Test
    void javaBackendPluginDependsOnlyOnTheApi() {
        assumeSdkModulesPresent();
        NemotronArchitectureRules.pluginDependsOnlyOnApi("dev.nemotron.backend.java..").check(sdk);
    }

    @Test
    void cudaBackendPluginDependsOnlyOnTheApi() {
        assumeSdkModulesPresent();
        NemotronArchitectureRules.pluginDependsOnlyOnApi("dev.nemotron.backend.cuda..").check(sdk);
    }

    /** The ONNX plugin: the API, plus ONNX Runtime Java and the protobuf runtime of its ONNX writer. */
    @Test
    void onnxBackendPluginDependsOnlyOnTheApiOnnxRuntimeAndProtobuf() {
        assumeSdkModulesPresent();
        assertThat(present("dev.nemotron.backend.onnx..")).as("backend-onnx classes on the test path").isTrue();
        NemotronArchitectureRules.pluginDependsOnlyOnApi(java.util.List.of("dev.nemotron.backend.onnx.."),
                java.util.List.of("ai.onnxruntime..", "com.google.protobuf..")).check(sdk);
    }

    /** plugins/examples (the Lion optimizer, written as a third party would) uses nemotron-api alone. */
    @Test
    void exampleAndThirdPartyStylePluginsDependOnlyOnTheApi() {
        assumeSdkModulesPresent();
        assertThat(present("dev.nemotron.plugins.examples.lion")).as("plugins/examples classes on the test path").isTrue();
        NemotronArchitectureRules.pluginDependsOnlyOnApi(NemotronArchitectureRules.PLUGIN_EXAMPLES).check(sdk);
    }

    private static String shortName(ArchRule rule) {
        String d = rule.getDescription();
        return d.length() <= 80 ? d : d.substring(0, 77) + "...";
    }
}
