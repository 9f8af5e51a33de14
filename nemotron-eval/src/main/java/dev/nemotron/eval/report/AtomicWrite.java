package dev.nemotron.eval.report;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Report files are written whole or not at all ({@link AtomicFiles}), their directory created first. */
final class AtomicWrite {
    private AtomicWrite() {
    }

    /** What writes the file's bytes. */
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    static void atomically(Path file, Writer writer) {
        Path abs = file.toAbsolutePath();
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            AtomicFiles.writeStream(abs, writer::write);
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    static void text(Path file, String text) {
        atomically(file, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
