package dev.nemotron.backend.cuda;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where {@code libnemotron_cuda.so} is looked for, in order:
 * <ol>
 *   <li>the system property {@code nemotron.cuda.library} (a path to the file);</li>
 *   <li>the environment variable {@code NEMOTRON_CUDA_LIBRARY};</li>
 *   <li>the directory of the plugin jar;</li>
 *   <li>each directory of {@code java.library.path}.</li>
 * </ol>
 * An explicit setting (1 or 2) is the only candidate: a wrong path is reported, not silently
 * replaced by another library.
 *
 * @param property    the value of the system property, or null
 * @param env         the value of the environment variable, or null
 * @param jarDir      the directory holding the plugin's classes, or null
 * @param libraryPath {@code java.library.path}, or null
 */
record LibraryLocator(String property, String env, Path jarDir, String libraryPath) {
    static final String FILE_NAME = "libnemotron_cuda.so";
    static final String PROPERTY = "nemotron.cuda.library";
    static final String ENV = "NEMOTRON_CUDA_LIBRARY";

    /** The outcome: the library found (if any) and every place tried, in words. */
    record Result(Optional<Path> library, List<String> tried) {
        Result {
            tried = List.copyOf(tried);
        }
    }

    /** The locator of this JVM: its system property, environment, plugin location and library path. */
    static LibraryLocator ofThisJvm() {
        return new LibraryLocator(System.getProperty(PROPERTY), System.getenv(ENV), pluginDir(),
                System.getProperty("java.library.path"));
    }

    private static Path pluginDir() {
        try {
            var source = LibraryLocator.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            Path p = Path.of(source.getLocation().toURI());
            return Files.isDirectory(p) ? p : p.getParent();
        } catch (Exception e) {
            return null; // not a file location (e.g. a jlink image): skip this candidate
        }
    }

    Result locate() {
        List<String> tried = new ArrayList<>();
        if (property != null && !property.isBlank()) {
            return explicit("-D" + PROPERTY + "=" + property, property, tried);
        }
        if (env != null && !env.isBlank()) {
            return explicit(ENV + "=" + env, env, tried);
        }
        List<Path> dirs = new ArrayList<>();
        if (jarDir != null) {
            dirs.add(jarDir);
        }
        if (libraryPath != null) {
            for (String d : libraryPath.split(File.pathSeparator)) {
                if (!d.isBlank()) {
                    try {
                        dirs.add(Path.of(d));
                    } catch (InvalidPathException e) {
                        tried.add(d + " (not a valid path)");
                    }
                }
            }
        }
        for (Path d : dirs) {
            Path f = d.resolve(FILE_NAME);
            tried.add(f.toString());
            if (Files.isRegularFile(f)) {
                return new Result(Optional.of(f), tried);
            }
        }
        return new Result(Optional.empty(), tried);
    }

    private static Result explicit(String label, String value, List<String> tried) {
        tried.add(label);
        try {
            Path f = Path.of(value);
            if (Files.isDirectory(f)) {
                f = f.resolve(FILE_NAME);
                tried.set(tried.size() - 1, label + " -> " + f);
            }
            return new Result(Files.isRegularFile(f) ? Optional.of(f) : Optional.empty(), tried);
        } catch (InvalidPathException e) {
            return new Result(Optional.empty(), tried);
        }
    }
}
