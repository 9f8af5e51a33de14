package dev.nemotron.arch.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers: hand-made safetensors files (and the copied HF fixtures, via {@code testing.Fixtures}). */
final class TestFiles {
    private TestFiles() {
    }

    /** The shared fixture {@code <name>} (nemotron-testing, see dev.nemotron.testing.Fixtures). */
    static Path fixture(String name) {
        return dev.nemotron.testing.Fixtures.dir(name);
    }

    /** A file of an 8-byte LE {@code headerLength}, then {@code header} (UTF-8), then {@code data}. */
    static Path file(Path dir, String name, long headerLength, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(header).put(data);
        Path p = dir.resolve(name);
        try {
            Files.write(p, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** A well-formed file layout with {@code json} as header and {@code dataBytes} zero bytes of data. */
    static Path file(Path dir, String name, String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return file(dir, name, h.length, h, new byte[dataBytes]);
    }

    /** The 8-byte little-endian header length at the start of {@code file}. */
    static long headerLength(Path file) throws IOException {
        byte[] first = new byte[8];
        try (var in = Files.newInputStream(file)) {
            if (in.readNBytes(first, 0, 8) != 8) {
                throw new IOException("short file " + file);
            }
        }
        return ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
