package dev.nemotron.arch.safetensors;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Writes a file through a temporary file in the same directory and an atomic rename. */
final class AtomicFile {
    /** The content of a file, written to an open channel. */
    @FunctionalInterface
    interface Content {
        void writeTo(FileChannel ch) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * Writes {@code content} to a temporary file next to {@code target}, forces it to disk and
     * renames it over {@code target}. On any failure the temporary file is deleted and
     * {@code target} is left as it was.
     *
     * @throws SafetensorsException for I/O errors (other exceptions from {@code content} propagate)
     */
    static void write(Path target, Content content) {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (AtomicMoveNotSupportedException e) {
            throw SafetensorsException.of(target, "cannot write: the file system does not support atomic"
                    + " renames in " + abs.getParent(), e);
        } catch (IOException e) {
            throw SafetensorsException.of(target, "cannot write: " + SafetensorsFile.describe(e), e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException suppressed) {
                    // best effort: the temporary file has a hidden, unique name
                }
            }
        }
    }
}
