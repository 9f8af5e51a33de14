package dev.nemotron.train.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes that a crash never leaves half-done, for checkpoints, the {@code latest} pointer, run
 * records, metrics rewrites and summaries: single files through the SDK's one atomic-write helper
 * ({@link dev.nemotron.api.io.AtomicFiles}: a forced temporary sibling, renamed into place, the
 * parent directory forced), and whole directories filled in a staging sibling, then renamed into
 * place; see docs/robustness.md.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code text} (UTF-8) to {@code file} whole or not at all. */
    public static void writeString(Path file, String text) {
        try {
            dev.nemotron.api.io.AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Renames {@code from} to {@code to}, replacing it; atomically where the file system can. */
    public static void move(Path from, Path to) throws IOException {
        dev.nemotron.api.io.AtomicFiles.move(from, to);
    }

    /** A fresh, empty temporary sibling directory {@code .NAME.tmp} of {@code dir} to fill before {@link #publishDirectory}. */
    public static Path stagingDirectory(Path dir) throws IOException {
        Path tmp = dir.resolveSibling("." + dir.getFileName() + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        return tmp;
    }

    /**
     * Replaces {@code dir} with the filled staging directory {@code tmp}: its files and itself are
     * forced to disk first, the parent directory after the rename.
     */
    public static void publishDirectory(Path tmp, Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    dev.nemotron.api.io.AtomicFiles.force(f);
                } else {
                    dev.nemotron.api.io.AtomicFiles.forceDirectory(f);
                }
            }
        }
        deleteTree(dir);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        dev.nemotron.api.io.AtomicFiles.forceDirectory(dir.toAbsolutePath().getParent());
    }

    /** Deletes {@code p} and everything under it; nothing when it does not exist. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
