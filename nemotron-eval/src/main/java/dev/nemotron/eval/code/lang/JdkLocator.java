package dev.nemotron.eval.code.lang;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a JDK (a home with {@code bin/javac} and {@code bin/java}): the one running this JVM
 * ({@code java.home}), then {@code $NEMOTRON_JAVA_HOME}, then {@code $JAVA_HOME} — the same order of
 * preference as the project's {@code .mvn/find-jdk.sh}, starting from the JDK already in use.
 */
final class JdkLocator {
    private JdkLocator() {
    }

    static Optional<Path> find() {
        List<String> homes = new ArrayList<>();
        homes.add(System.getProperty("java.home"));
        homes.add(System.getenv("NEMOTRON_JAVA_HOME"));
        homes.add(System.getenv("JAVA_HOME"));
        for (String h : homes) {
            if (h == null || h.isBlank()) {
                continue;
            }
            Path home = Path.of(h).toAbsolutePath().normalize();
            if (Files.isExecutable(home.resolve("bin/javac")) && Files.isExecutable(home.resolve("bin/java"))) {
                return Optional.of(home);
            }
        }
        return Optional.empty();
    }

    /** {@code s} as one single-quoted POSIX shell word. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
