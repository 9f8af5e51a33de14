package dev.nemotron.eval.report;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Report files are written whole or not at all: to a temporary file beside them, then moved. */
final class AtomicWrite {
    private AtomicWrite() {
    }

    /** What writes the file's bytes. */
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    static void atomically(Path file, Writer writer) {
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // already failing
            }
            throw new NemotronException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    static void text(Path file, String text) {
        atomically(file, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
