package dev.nemotron.pipeline;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Preparing a stage's work directory: created, or emptied, but only when the runner made it. */
final class WorkDirs {
    private WorkDirs() {
    }

    /**
     * Makes {@code dir} exist and, unless {@code keep}, be empty.
     *
     * @throws NemotronException when {@code dir} holds files but no {@code stage.json} or
     *     {@code attempt.json}: the runner did not make it, so it deletes nothing there
     */
    static void prepare(Path dir, boolean keep) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                return;
            }
            if (keep) {
                return;
            }
            List<Path> children;
            try (Stream<Path> s = Files.list(dir)) {
                children = s.toList();
            }
            if (children.isEmpty()) {
                return;
            }
            if (!Files.exists(dir.resolve(StageRecord.FILE)) && !Files.exists(dir.resolve(Attempt.FILE))) {
                throw new NemotronException(dir + ": exists and holds files the pipeline runner did not write (no "
                        + StageRecord.FILE + " or " + Attempt.FILE + "); move it away or choose another 'out'");
            }
            for (Path child : children) {
                deleteTree(child);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        } else {
            Files.delete(root);
        }
    }
}
