package dev.nemotron.gguf;

import dev.nemotron.api.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file atomically ({@link AtomicFiles}): header, metadata, tensor directory,
 * padding to {@link GgufFile#DEFAULT_ALIGNMENT}, then each tensor's data at an aligned offset
 * (zero padding between). Tensor bytes are produced on demand, one tensor at a time.
 */
public final class GgufWriter {
    /** One tensor to write: ne innermost first; {@code data} writes exactly {@code type.bytes(elements)} bytes. */
    public record Entry(String name, long[] ne, GgmlType type, TensorData data) {
        long elements() {
            long n = 1;
            for (long d : ne) {
                n *= d;
            }
            return n;
        }
    }

    /** Produces a tensor's encoded bytes into a channel. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(FileChannel out) throws IOException;
    }

    private GgufWriter() {
    }

    public static void write(Path file, Map<String, GgufValue> metadata, List<Entry> tensors) throws IOException {
        int alignment = GgufFile.DEFAULT_ALIGNMENT;
        Out h = new Out();
        h.u32(GgufFile.MAGIC);
        h.u32(3);
        h.u64(tensors.size());
        h.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            h.string(e.getKey());
            h.u32(e.getValue().type());
            h.value(e.getValue());
        }
        long offset = 0;
        long[] offsets = new long[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            Entry t = tensors.get(i);
            h.string(t.name());
            h.u32(t.ne().length);
            for (long d : t.ne()) {
                h.u64(d);
            }
            h.u32(t.type().id());
            offsets[i] = offset;
            h.u64(offset);
            offset = GgufFile.align(offset + t.type().bytes(t.elements()), alignment);
        }
        h.pad(alignment);
        byte[] header = h.toByteArray();
        AtomicFiles.write(file, ch -> {
            writeFully(ch, ByteBuffer.wrap(header));
            long dataStart = header.length;
            for (int i = 0; i < tensors.size(); i++) {
                Entry t = tensors.get(i);
                long at = dataStart + offsets[i];
                if (ch.position() < at) {
                    writeFully(ch, ByteBuffer.allocate((int) (at - ch.position())));
                }
                t.data().writeTo(ch);
                long expected = at + t.type().bytes(t.elements());
                if (ch.position() != expected) {
                    throw new IllegalStateException("tensor " + t.name() + " wrote " + (ch.position() - at) + " bytes, expected "
                            + (expected - at));
                }
            }
        });
    }

    static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** A little-endian byte builder. */
    private static final class Out extends ByteArrayOutputStream {
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void u32(long v) {
            scratch.clear();
            scratch.putInt((int) v);
            write(scratch.array(), 0, 4);
        }

        void u64(long v) {
            scratch.clear();
            scratch.putLong(v);
            write(scratch.array(), 0, 8);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            write(b, 0, b.length);
        }

        void pad(int alignment) {
            while (count % alignment != 0) {
                write(0);
            }
        }

        void value(GgufValue v) {
            switch (v) {
                case GgufValue.Int i -> {
                    switch (GgufValue.fixedSize(i.type())) {
                        case 1 -> write((int) i.value());
                        case 2 -> {
                            write((int) i.value());
                            write((int) (i.value() >> 8));
                        }
                        case 4 -> u32(i.value());
                        default -> u64(i.value());
                    }
                }
                case GgufValue.Real r -> {
                    if (r.type() == GgufValue.FLOAT32) {
                        u32(Float.floatToRawIntBits((float) r.value()));
                    } else {
                        u64(Double.doubleToRawLongBits(r.value()));
                    }
                }
                case GgufValue.Bool b -> write(b.value() ? 1 : 0);
                case GgufValue.Str s -> string(s.value());
                case GgufValue.Arr a -> {
                    u32(a.elementType());
                    u64(a.values().size());
                    for (GgufValue x : a.values()) {
                        value(x);
                    }
                }
            }
        }
    }
}
