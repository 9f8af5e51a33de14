package dev.nemotron.arch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the golden fixtures copied into src/test/resources/fixtures (see NOTICE.md there). */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path dir(String name) {
        Path p = Path.of("src/test/resources/fixtures", name).toAbsolutePath();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("fixture not found: " + p);
        }
        return p;
    }

    /** The repository root (where examples/ lives). */
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
