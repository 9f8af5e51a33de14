package dev.nemotron.eval.data;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the files a task names (its data set, few-shot file) are found: beside a task file on
 * disk, or beside a built-in task among this module's resources.
 */
public sealed interface TaskLocation {
    /**
     * Opens {@code relative}.
     *
     * @throws NemotronException naming the file when it is missing or unreadable
     */
    InputStream open(String relative);

    /** How {@code relative} is shown in messages and reports. */
    String describe(String relative);

    /** Relative to a directory on disk (the task file's). */
    static TaskLocation directory(Path dir) {
        return new Directory(dir.toAbsolutePath().normalize());
    }

    /** Relative to a resource folder of the module that holds {@code anchor} (e.g. {@code "builtin/"}). */
    static TaskLocation resources(Class<?> anchor, String folder) {
        return new Resources(anchor, folder.endsWith("/") ? folder : folder + "/");
    }

    /** Files in a directory. */
    record Directory(Path dir) implements TaskLocation {
        public Directory {
            Objects.requireNonNull(dir, "dir");
        }

        @Override
        public InputStream open(String relative) {
            Path file = dir.resolve(relative).normalize();
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new NemotronException(file + ": not a regular file");
            }
            try {
                return Files.newInputStream(file);
            } catch (NoSuchFileException e) {
                throw new NemotronException(file + ": no such file");
            } catch (IOException e) {
                throw new NemotronException(file + ": cannot read: " + e.getMessage(), e);
            }
        }

        @Override
        public String describe(String relative) {
            return dir.resolve(relative).normalize().toString();
        }
    }

    /** Resources next to a class (readable by that class's module). */
    record Resources(Class<?> anchor, String folder) implements TaskLocation {
        @Override
        public InputStream open(String relative) {
            InputStream in = anchor.getResourceAsStream(folder + relative);
            if (in == null) {
                throw new NemotronException(describe(relative) + ": no such built-in resource");
            }
            return in;
        }

        @Override
        public String describe(String relative) {
            return "builtin:" + relative;
        }
    }
}
