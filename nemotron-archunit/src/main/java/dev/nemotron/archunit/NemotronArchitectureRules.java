package dev.nemotron.archunit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The architecture rules of the Nemotron SDK, as ArchUnit rules.
 *
 * <p>They encode the allowed dependencies between the SDK's modules (see the "Modules" section of
 * the design document) at the level of Java packages, so they hold whether the classes run on the
 * module path or on the class path:
 *
 * <pre>
 *   api      → (the JDK only)
 *   arch     → api
 *   text     → api
 *   pipeline → api
 *   infer    → text, arch, api
 *   train    → text, arch, api
 *   compress → train, infer, arch, api
 *   align    → train, infer, text, arch, api
 *   eval     → infer, text, api
 *   gguf     → text, arch, api
 *   cli      → any SDK module
 *   plugins  → api (in-tree backends too); no SDK module depends on a plugin
 * </pre>
 *
 * <p>The SDK's own CI checks {@link #all()} against every SDK module. Authors of third-party
 * plugins check {@link #pluginDependsOnlyOnApi(String...)} against their own classes:
 *
 * <pre>{@code
 * @AnalyzeClasses(packages = "com.acme.nemotron")
 * class PluginRulesTest {
 *     @ArchTest
 *     static final ArchRule onlyApi = NemotronArchitectureRules.pluginDependsOnlyOnApi("com.acme.nemotron..");
 * }
 * }</pre>
 *
 * <p>Every method returns a new rule; package patterns use ArchUnit's syntax ({@code "a.b.."}
 * means {@code a.b} and all its sub-packages).
 */
public final class NemotronArchitectureRules {

    /** The SDK's API module: service provider interfaces and value types. */
    public static final String API = "dev.nemotron.api..";
    /** Model definition: config, layer graph, parameter naming, safetensors IO. */
    public static final String ARCH = "dev.nemotron.arch..";
    /** Text: the tokenizer and chat templates (Nemotron format, Jinja). */
    public static final String TEXT = "dev.nemotron.text..";
    /** The pipeline runner: knows stages only through the API's StageProvider. */
    public static final String PIPELINE = "dev.nemotron.pipeline..";
    /** Training: autodiff, losses, optimizers, trainer, dataset tokenisation. */
    public static final String TRAIN = "dev.nemotron.train..";
    /** Compression: pruning, NAS, distillation. */
    public static final String COMPRESS = "dev.nemotron.compress..";
    /** Alignment: SFT, DPO, GRPO, merging. */
    public static final String ALIGN = "dev.nemotron.align..";
    /** Inference: samplers, caches, generation, server. */
    public static final String INFER = "dev.nemotron.infer..";
    /** Evaluation: tasks, metrics, reports. */
    public static final String EVAL = "dev.nemotron.eval..";
    /** GGUF (llama.cpp) export and import. */
    public static final String GGUF = "dev.nemotron.gguf..";
    /** The {@code nemotron} command. */
    public static final String CLI = "dev.nemotron.cli..";
    /** These rules. */
    public static final String ARCHUNIT = "dev.nemotron.archunit..";
    /** Benchmarks. */
    public static final String BENCH = "dev.nemotron.bench..";
    /** In-tree backend plugins ({@code dev.nemotron.backend.java}, {@code .onnx}, {@code .cuda}). */
    public static final String BACKENDS = "dev.nemotron.backend..";
    /** In-tree example plugins, written like third-party ones (against the API only). */
    public static final String PLUGIN_EXAMPLES = "dev.nemotron.plugins..";

    /**
     * The library modules: code that other programs embed, which therefore must not print to the
     * standard streams or choose a logging implementation.
     */
    static final String[] LIBRARY_PACKAGES = {API, ARCH, TEXT, PIPELINE, TRAIN, COMPRESS, ALIGN, INFER, EVAL, GGUF};

    /** Packages whose classes are logging implementations (as opposed to logging APIs). */
    static final String[] LOGGING_IMPLEMENTATION_PACKAGES = {
        "org.apache.logging.log4j.core..", "ch.qos.logback.."
    };

    /** What any plugin may use besides its own packages: the JDK (incl. the Vector API) and the SDK's API. */
    static final String[] PLUGIN_BASE_ALLOWED = {"java..", "javax..", "jdk.incubator.vector..", API};

    private NemotronArchitectureRules() {
    }

    /**
     * Classes of the API module ({@code dev.nemotron.api..}) depend on nothing but the JDK
     * ({@code java..}, and {@code javax..} for annotations), Jackson (the shared JSON plumbing:
     * {@code com.fasterxml.jackson..}) and on the API itself.
     *
     * <p>Fails when no API class was imported, so that a mistyped import cannot pass silently.
     *
     * @return the rule
     */
    public static ArchRule apiDependsOnJdkOnly() {
        return classes().that().resideInAPackage(API)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "com.fasterxml.jackson..", API)
            .because("nemotron-api is what third-party plugins compile against: it must depend on the JDK and"
                + " Jackson alone, so that a plugin pulls in nothing but the SPIs, their value types and the shared"
                + " plumbing");
    }

    /**
     * The allowed dependencies between the SDK's modules, as a layered architecture that considers
     * only dependencies between the SDK's own packages (dependencies on the JDK or on third-party
     * libraries are other rules' business).
     *
     * <ul>
     *   <li>api → nothing; arch → api; text → api; pipeline → api; infer → text, arch, api;
     *       train → text, arch, api; compress → train, infer, arch, api;
     *       align → train, infer, text, arch, api; eval → infer, text, api; gguf → text, arch, api;</li>
     *   <li>cli and bench → any SDK module, but no plugin; nothing depends on cli, bench or
     *       archunit;</li>
     *   <li>backends ({@code dev.nemotron.backend..}) and example plugins
     *       ({@code dev.nemotron.plugins..}) → api, like any plugin;</li>
     *   <li>no SDK module depends on a plugin: plugins are found with {@link java.util.ServiceLoader}.</li>
     * </ul>
     *
     * <p>All layers are optional, so modules that contain no classes yet (or are not imported) do
     * not fail the rule. The failure message names each offending dependency (class, member and
     * source line).
     *
     * @return the rule
     */
    public static ArchRule moduleDependencies() {
        return layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true)
            .layer("api").definedBy(API)
            .layer("arch").definedBy(ARCH)
            .layer("text").definedBy(TEXT)
            .layer("pipeline").definedBy(PIPELINE)
            .layer("train").definedBy(TRAIN)
            .layer("compress").definedBy(COMPRESS)
            .layer("align").definedBy(ALIGN)
            .layer("infer").definedBy(INFER)
            .layer("eval").definedBy(EVAL)
            .layer("gguf").definedBy(GGUF)
            .layer("cli").definedBy(CLI)
            .layer("bench").definedBy(BENCH)
            .layer("archunit").definedBy(ARCHUNIT)
            .layer("backends").definedBy(BACKENDS)
            .layer("plugin examples").definedBy(PLUGIN_EXAMPLES)

            .whereLayer("api").mayNotAccessAnyLayer()
            .whereLayer("arch").mayOnlyAccessLayers("api")
            .whereLayer("text").mayOnlyAccessLayers("api")
            .whereLayer("pipeline").mayOnlyAccessLayers("api")
            .whereLayer("infer").mayOnlyAccessLayers("text", "arch", "api")
            .whereLayer("train").mayOnlyAccessLayers("text", "arch", "api")
            .whereLayer("compress").mayOnlyAccessLayers("train", "infer", "arch", "api")
            .whereLayer("align").mayOnlyAccessLayers("train", "infer", "text", "arch", "api")
            .whereLayer("eval").mayOnlyAccessLayers("infer", "text", "api")
            .whereLayer("gguf").mayOnlyAccessLayers("text", "arch", "api")
            .whereLayer("cli").mayOnlyAccessLayers("api", "arch", "text", "pipeline", "train", "compress", "align", "infer", "eval", "gguf")
            .whereLayer("bench").mayOnlyAccessLayers("api", "arch", "text", "pipeline", "train", "compress", "align", "infer", "eval", "gguf")
            .whereLayer("archunit").mayNotAccessAnyLayer()
            .whereLayer("backends").mayOnlyAccessLayers("api")
            .whereLayer("plugin examples").mayOnlyAccessLayers("api")
            // Every layer states what it may access, so what may access it follows: nothing names
            // cli, bench, archunit or a plugin.
            .because("each module may use only the modules below it (the SDK's documented module structure),"
                + " and plugins are found with ServiceLoader, never named by the SDK");
    }

    /**
     * Classes in the given plugin packages depend only on the JDK ({@code java..}, {@code javax..},
     * {@code jdk.incubator.vector..}), on the SDK's API ({@code dev.nemotron.api..}) and on the
     * plugin's own packages; never on other SDK internals ({@code dev.nemotron.arch..},
     * {@code dev.nemotron.infer..}, other plugins...).
     *
     * <p>This is the rule third-party plugin authors run in their own CI. A plugin that uses other
     * libraries (ONNX Runtime, an annotation library...) lists them with
     * {@link #pluginDependsOnlyOnApi(Collection, Collection)}.
     *
     * <p>Fails when no class resides in the given packages, so a mistyped package cannot pass
     * silently.
     *
     * @param pluginPackages the plugin's packages, in ArchUnit's syntax, e.g. {@code "com.acme.nemotron.."}
     * @return the rule
     * @throws IllegalArgumentException when no package is given
     */
    public static ArchRule pluginDependsOnlyOnApi(String... pluginPackages) {
        return pluginDependsOnlyOnApi(List.of(pluginPackages), List.of());
    }

    /**
     * Like {@link #pluginDependsOnlyOnApi(String...)}, also allowing dependencies on the given
     * packages, e.g. {@code List.of("ai.onnxruntime..")} for a backend built on ONNX Runtime or
     * {@code List.of("org.apache.logging.log4j")} for a plugin that logs through the Log4j API.
     *
     * @param pluginPackages the plugin's packages, in ArchUnit's syntax, e.g. {@code "com.acme.nemotron.."}
     * @param alsoAllowedPackages further packages the plugin may depend on (may be empty)
     * @return the rule
     * @throws IllegalArgumentException when no plugin package is given
     */
    public static ArchRule pluginDependsOnlyOnApi(Collection<String> pluginPackages,
                                                  Collection<String> alsoAllowedPackages) {
        Objects.requireNonNull(pluginPackages, "pluginPackages");
        Objects.requireNonNull(alsoAllowedPackages, "alsoAllowedPackages");
        if (pluginPackages.isEmpty()) {
            throw new IllegalArgumentException("name at least one plugin package, e.g. \"com.acme.nemotron..\"");
        }
        String[] own = pluginPackages.toArray(String[]::new);
        Set<String> allowed = new LinkedHashSet<>(List.of(PLUGIN_BASE_ALLOWED));
        allowed.addAll(pluginPackages);
        allowed.addAll(alsoAllowedPackages);
        String extra = alsoAllowedPackages.isEmpty() ? "" : " (and, by choice of the plugin, " + String.join(", ", alsoAllowedPackages) + ")";
        return classes().that().resideInAnyPackage(own)
            .should().onlyDependOnClassesThat().resideInAnyPackage(allowed.toArray(String[]::new))
            .because("a Nemotron plugin is written against nemotron-api only" + extra
                + "; the SDK's other modules are internals that may change in any release,"
                + " and the plugin is found with ServiceLoader, not linked to them");
    }

    /**
     * Only the command line module chooses a logging implementation, and library code does not
     * print:
     *
     * <ul>
     *   <li>no SDK class outside {@code dev.nemotron.cli..} depends on a logging implementation
     *       ({@code org.apache.logging.log4j.core..}, {@code ch.qos.logback..}); library modules
     *       log through {@code log4j-api};</li>
     *   <li>library code ({@code dev.nemotron.api, arch, text, pipeline, train, compress, align, infer, eval}) neither
     *       uses {@code System.out}, {@code System.err} or {@code printStackTrace()}
     *       ({@link GeneralCodingRules#ACCESS_STANDARD_STREAMS}) nor {@code java.util.logging}
     *       ({@link GeneralCodingRules#USE_JAVA_UTIL_LOGGING}).</li>
     * </ul>
     *
     * <p>Passes when no such classes were imported.
     *
     * @return the rule
     */
    public static ArchRule onlyCliChoosesLoggingImplementation() {
        ArchRule noLoggingImplementation = noClasses()
            .that().resideInAPackage("dev.nemotron..")
            .and().resideOutsideOfPackage(CLI)
            .should().dependOnClassesThat().resideInAnyPackage(LOGGING_IMPLEMENTATION_PACKAGES)
            .because("only the nemotron command chooses a logging implementation (Log4j2 core);"
                + " a library that embeds the SDK keeps its own, so the SDK logs through log4j-api only")
            .allowEmptyShould(true);
        ArchRule libraryCodeDoesNotPrint = noClasses()
            .that().resideInAnyPackage(LIBRARY_PACKAGES)
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .orShould(GeneralCodingRules.USE_JAVA_UTIL_LOGGING)
            .because("library code reports through log4j-api (which the embedding program routes),"
                + " never by printing to the standard streams or through java.util.logging")
            .allowEmptyShould(true);
        return CompositeArchRule.of(noLoggingImplementation).and(libraryCodeDoesNotPrint);
    }

    /**
     * The SDK's top-level packages ({@code dev.nemotron.(*)..}: api, arch, train, ...) have no
     * dependency cycle between them. Passes when no such classes were imported.
     *
     * @return the rule
     */
    public static ArchRule noCycles() {
        return slices().matching("dev.nemotron.(*)..").namingSlices("dev.nemotron.$1")
            .should().beFreeOfCycles()
            .because("a cycle between modules cannot be built as JPMS modules and makes them impossible to use apart")
            .allowEmptyShould(true);
    }

    /**
     * All the SDK-internal rules, for the SDK's own CI: {@link #apiDependsOnJdkOnly()},
     * {@link #moduleDependencies()}, {@link #onlyCliChoosesLoggingImplementation()} and
     * {@link #noCycles()}. ({@link #pluginDependsOnlyOnApi(String...)} needs the plugin's packages
     * and is not part of it.)
     *
     * @return an unmodifiable list of new rules
     */
    public static List<ArchRule> all() {
        return List.of(
            apiDependsOnJdkOnly(),
            moduleDependencies(),
            onlyCliChoosesLoggingImplementation(),
            noCycles());
    }
}
