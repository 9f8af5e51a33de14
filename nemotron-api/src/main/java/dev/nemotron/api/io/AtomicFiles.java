package dev.nemotron.api.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files written whole or not at all, for checkpoints, records, reports and safetensors: the
 * content goes to a hidden temporary file with a unique name in the target's directory, is
 * forced to disk, is renamed over the target (atomically where the file system can; a plain
 * replace where it cannot), and the directory is forced so the rename survives a crash. A reader
 * sees the old file or the new one, never a part; on failure the temporary file is deleted and
 * the target is left as it was.
 */
public final class AtomicFiles {
    /** Writes a file's content to an open channel. */
    @FunctionalInterface
    public interface ChannelContent {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Writes a file's content to a stream (buffered; closing it is allowed and only flushes). */
    @FunctionalInterface
    public interface StreamContent {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code target} through a channel; see the class comment. */
    public static void write(Path target, ChannelContent content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                ch.force(true);
            }
            move(tmp, abs);
            moved = true;
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

    /** Writes what {@code content} writes to a stream to {@code target}; see the class comment. */
    public static void writeStream(Path target, StreamContent content) throws IOException {
        write(target, ch -> {
            // buffered; closing it only flushes, so the file can still be forced to disk
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch)) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            content.writeTo(out);
            out.flush();
        });
    }

    /** Writes {@code text} (UTF-8) to {@code target}; see the class comment. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        writeStream(target, out -> out.write(bytes));
    }

    /**
     * Renames {@code from} to {@code to}, replacing it, atomically where the file system can,
     * then forces {@code to}'s directory so the rename is durable.
     */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(to.toAbsolutePath().getParent());
    }

    /** Forces a file's content to disk (for files written in place, e.g. into a staging directory). */
    public static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Forces a directory's entries to disk where the platform allows it (not on Windows: ignored). */
    public static void forceDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms cannot open or sync a directory; the rename itself is done
        }
    }
}
