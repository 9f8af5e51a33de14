package dev.nemotron.backend.cuda;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test fixtures (nemotron-testing/src/main/resources/fixtures, see its NOTICE.md) as
 * directories, found on disk from the repository root (the directory holding {@code mvnw}), or
 * below {@code $NEMOTRON_FIXTURES} where the tests run from the device bundle.
 */
public final class Fixtures {
    private static final String FOLDER = "nemotron-testing/src/main/resources/fixtures";

    private Fixtures() {
    }

    public static Path dir(String name) {
        String env = System.getenv("NEMOTRON_FIXTURES");
        Path root = env != null ? Path.of(env) : repoRoot().resolve(FOLDER);
        Path dir = root.resolve(name);
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalStateException("fixture " + name + " not found at " + dir);
        }
        return dir;
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root (with mvnw) not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
