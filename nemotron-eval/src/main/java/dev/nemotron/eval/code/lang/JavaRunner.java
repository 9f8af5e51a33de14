package dev.nemotron.eval.code.lang;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.eval.code.sandbox.ExecutionRequest;
import dev.nemotron.eval.code.sandbox.ExecutionResult;
import dev.nemotron.eval.code.sandbox.ResourceLimits;
import dev.nemotron.eval.code.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs a Java program as the HumanEval-X harness does: the source is saved as {@code Main.java}
 * (its public class), compiled with {@code javac} and run with {@code java}, both in one sandbox
 * run. A small harness class calls {@code Main.main} and then prints the marker. {@code javac} runs
 * as {@code java -m jdk.compiler/com.sun.tools.javac.Main} with an ahead-of-time cache
 * ({@link JavacAotCache}) when one could be made.
 *
 * <p>JVM flags for both steps: a 256 MiB heap, serial GC, C1 only and no perf-data file (fast start,
 * small footprint), {@code MALLOC_ARENA_MAX=2}; with them javac and java fit in 768 MiB of address space
 * (measured), and the default limit is 1 GiB.
 */
public final class JavaRunner implements LanguageRunner {
    /** The class HumanEval-X tests are in, and so the file name. */
    public static final String MAIN_CLASS = "Main";
    /** Printed to stderr when {@code javac} fails. */
    public static final String COMPILE_FAILED = "nemotron-java: compilation failed";

    private static final String HARNESS_CLASS = "NemotronHarness";
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-XX:-UsePerfData", "-XX:ReservedCodeCacheSize=64m", "-XX:MaxMetaspaceSize=256m",
            "-XX:CompressedClassSpaceSize=64m");

    private final Sandbox sandbox;
    private final ResourceLimits limits;
    private final Optional<Path> jdk;
    private final String mainClass;
    private volatile Availability availability;

    /** A runner with {@link #defaultLimits()} for programs whose main class is {@code Main}. */
    public JavaRunner(Sandbox sandbox) {
        this(sandbox, defaultLimits(), MAIN_CLASS);
    }

    /**
     * @param mainClass the public class with {@code main}, which names the source file
     */
    public JavaRunner(Sandbox sandbox, ResourceLimits limits, String mainClass) {
        this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
        this.limits = Objects.requireNonNull(limits, "limits");
        if (!CLASS_NAME.matcher(mainClass).matches() || mainClass.equals(HARNESS_CLASS)) {
            throw new NemotronException("not a usable Java main class name: '" + mainClass + "'");
        }
        this.mainClass = mainClass;
        this.jdk = JdkLocator.find();
    }

    /** 30 s wall and CPU (compiling takes 1 to 2 s), 1 GiB address space, 64 processes and threads. */
    public static ResourceLimits defaultLimits() {
        return ResourceLimits.defaults().withWallTime(Duration.ofSeconds(30)).withCpuSeconds(30);
    }

    @Override
    public CodeLanguage language() {
        return CodeLanguage.JAVA;
    }

    @Override
    public ResourceLimits limits() {
        return limits;
    }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            synchronized (this) {
                if (availability == null) {
                    availability = probe();
                }
                a = availability;
            }
        }
        return a;
    }

    @Override
    public ExecutionRequest request(String program) {
        Path home = jdk.orElseThrow(() -> new NemotronException(
                "cannot run Java code: no JDK with javac found (java.home, $NEMOTRON_JAVA_HOME, $JAVA_HOME)"));
        String marker = Markers.fresh();
        String source = mainClass + ".java";
        List<String> javac = JavacAotCache.javacCommand(home, JVM_FLAGS, JavacAotCache.get(home, JVM_FLAGS));
        String script = String.join(" ", javac.stream().map(JdkLocator::shellQuote).toList())
                + " -encoding UTF-8 -proc:none -d . " + source + " " + HARNESS_CLASS + ".java"
                + " || { echo '" + COMPILE_FAILED + "' >&2; exit 3; }\n"
                + "exec " + JdkLocator.shellQuote(home.resolve("bin/java").toString()) + " "
                + String.join(" ", JVM_FLAGS) + " -cp . " + HARNESS_CLASS + "\n";
        return new ExecutionRequest(Map.of(source, program, HARNESS_CLASS + ".java", harness(), Markers.FILE, marker,
                "run.sh", script), List.of("/bin/sh", "run.sh"), limits, marker, Map.of("MALLOC_ARENA_MAX", "2"));
    }

    @Override
    public ExecutionResult run(String program) {
        return sandbox.run(request(program));
    }

    private String harness() {
        return """
                final class %s {
                    public static void main(String[] args) throws Throwable {
                        java.nio.file.Path file = java.nio.file.Path.of("%s");
                        String marker = java.nio.file.Files.readString(file).strip();
                        java.nio.file.Files.delete(file);
                        %s.main(args);
                        System.out.println();
                        System.out.println(marker);
                        System.out.flush();
                    }
                }
                """.formatted(HARNESS_CLASS, Markers.FILE, mainClass);
    }

    private Availability probe() {
        if (jdk.isEmpty()) {
            return Availability.unavailable("no JDK with javac found (java.home, $NEMOTRON_JAVA_HOME, $JAVA_HOME)");
        }
        if (!sandbox.capabilities().available()) {
            return Availability.unavailable("code sandbox unavailable: " + sandbox.capabilities().reason());
        }
        ExecutionResult r = sandbox.run(request("public class " + mainClass
                + " { public static void main(String[] a) { System.out.println(Runtime.version()); } }\n")
                .withLimits(limits.withWallTime(Duration.ofSeconds(60)).withCpuSeconds(60)));
        if (!r.passed()) {
            return Availability.unavailable("the JDK at " + jdk.get() + " does not run in the sandbox: " + r.detail()
                    + (r.lastStderrLine().isEmpty() ? "" : " (" + r.lastStderrLine() + ")"));
        }
        return Availability.available("JDK " + r.stdout().strip().lines().findFirst().orElse("?") + " at " + jdk.get());
    }
}
