package dev.nemotron.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test fixtures: {@code nemotron-testing/src/main/resources/fixtures/NAME} of the
 * checkout the tests run in (see NOTICE.md there), found from the repository root.
 */
public final class Fixtures {
    /** The fixtures folder, relative to the repository root. */
    public static final String FOLDER = "nemotron-testing/src/main/resources/fixtures";

    private Fixtures() {
    }

    /** The fixture {@code name} (a directory or a file); fails when it is missing. */
    public static Path dir(String name) {
        Path p = root().resolve(name);
        if (!Files.exists(p)) {
            throw new IllegalStateException("fixture not found: " + p);
        }
        return p;
    }

    /** The fixtures folder. */
    public static Path root() {
        return repoRoot().resolve(FOLDER);
    }

    /** The repository root (the nearest directory at or above the working directory holding {@code mvnw}). */
    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Copies a model directory to {@code target}, replacing config.json by {@code configJson}. */
    public static Path withConfig(Path modelDir, Path target, String configJson) {
        try {
            Files.createDirectories(target);
            try (var files = Files.list(modelDir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (!f.getFileName().toString().equals("config.json")) {
                        Files.copy(f, target.resolve(f.getFileName()));
                    }
                }
            }
            Files.writeString(target.resolve("config.json"), configJson);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
