package dev.nemotron.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (version 2 or 3, little-endian), parsed: metadata, tensor directory, and the data
 * section as a slice of the file's mapping.
 *
 * <p>Layout: magic {@code GGUF}, version u32, tensor count u64, metadata count u64; the metadata
 * (key string, type u32, value); per tensor: name, n_dims u32, ne[n_dims] u64 (innermost first),
 * ggml type u32, offset u64 (from the data section, a multiple of the alignment); padding to
 * {@code general.alignment} (default 32); the data. Strings are u64 length + UTF-8 bytes.
 *
 * <p>Untrusted input: every count and length is checked against the bytes that are left before
 * anything is sized from it, so a hostile file gives one {@link GgufException}, never an
 * OutOfMemoryError.
 */
public final class GgufFile implements AutoCloseable {
    /** {@code "GGUF"} read as a little-endian u32. */
    public static final int MAGIC = 0x46554747;
    public static final int DEFAULT_ALIGNMENT = 32;
    /** GGML_MAX_DIMS. */
    public static final int MAX_DIMS = 4;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    /** One tensor of the directory: ne innermost first (ggml order), offset within the data section. */
    public record TensorInfo(String name, long[] ne, GgmlType type, long offset, long bytes) {
        public long elements() {
            long n = 1;
            for (long d : ne) {
                n *= d;
            }
            return n;
        }

        /** The shape outermost first (the row-major shape of the same bytes). */
        public long[] shape() {
            long[] s = new long[ne.length];
            for (int i = 0; i < ne.length; i++) {
                s[i] = ne[ne.length - 1 - i];
            }
            return s;
        }
    }

    private final String label;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final Map<String, TensorInfo> tensors;
    private final MemorySegment data;
    private final Arena arena;

    private GgufFile(String label, int version, Map<String, GgufValue> metadata, Map<String, TensorInfo> tensors,
            MemorySegment data, Arena arena) {
        this.label = label;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.data = data;
        this.arena = arena;
    }

    /** Maps and parses {@code file}; close the result to unmap it. */
    public static GgufFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GgufException(file + ": no such file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return parse(all, file.toString(), arena);
        } catch (IOException e) {
            arena.close();
            throw new GgufException(file + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses GGUF bytes already in memory (the segment must stay valid while the result is used). */
    public static GgufFile parse(MemorySegment bytes, String label) {
        return parse(bytes, label, null);
    }

    private static GgufFile parse(MemorySegment bytes, String label, Arena arena) {
        Cursor c = new Cursor(bytes, label);
        if (bytes.byteSize() < 24) {
            throw c.error("not a GGUF file (" + bytes.byteSize() + " bytes, shorter than a GGUF header)");
        }
        if (c.u32() != MAGIC) {
            throw c.error("not a GGUF file (the first 4 bytes are not 'GGUF')");
        }
        int version = c.u32();
        if (version != 2 && version != 3) {
            throw c.error("GGUF version " + Integer.toUnsignedString(version) + " is not supported (this SDK reads versions 2 and 3)");
        }
        long tensorCount = c.u64();
        long kvCount = c.u64();
        // each metadata entry takes at least 8 (key length) + 4 (type) + 1 bytes; each tensor 8 + 4 + 4 + 8
        if (kvCount < 0 || kvCount > c.left() / 13) {
            throw c.error("metadata count " + Long.toUnsignedString(kvCount) + " does not fit in the file");
        }
        if (tensorCount < 0 || tensorCount > c.left() / 24) {
            throw c.error("tensor count " + Long.toUnsignedString(tensorCount) + " does not fit in the file");
        }
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = c.string("metadata key");
            int type = c.u32();
            GgufValue v = c.value(type, key, 0);
            if (metadata.put(key, v) != null) {
                throw c.error("metadata key '" + Cursor.printable(key) + "' appears twice");
            }
        }
        int alignment = DEFAULT_ALIGNMENT;
        GgufValue a = metadata.get("general.alignment");
        if (a != null) {
            if (!(a instanceof GgufValue.Int ai) || ai.value() <= 0 || ai.value() > (1 << 30) || Long.bitCount(ai.value()) != 1) {
                throw c.error("general.alignment must be a power of two (got " + a + ")");
            }
            alignment = (int) ai.value();
        }
        List<Object[]> raw = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = c.string("tensor name");
            int nDims = c.u32();
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw c.error("tensor '" + Cursor.printable(name) + "' has " + Integer.toUnsignedString(nDims) + " dimensions (1 to " + MAX_DIMS + " allowed)");
            }
            long[] ne = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                ne[d] = c.u64();
            }
            long type = Integer.toUnsignedLong(c.u32());
            long offset = c.u64();
            raw.add(new Object[] {name, ne, type, offset});
        }
        long dataStart = align(c.pos, alignment);
        if (dataStart > bytes.byteSize()) {
            throw c.error("the file ends before its tensor data begins");
        }
        MemorySegment data = bytes.asSlice(dataStart);
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Object[] r : raw) {
            TensorInfo t = check((String) r[0], (long[]) r[1], (long) r[2], (long) r[3], alignment, data.byteSize(), c);
            if (tensors.put(t.name(), t) != null) {
                throw c.error("tensor '" + Cursor.printable(t.name()) + "' appears twice");
            }
        }
        return new GgufFile(label, version, metadata, tensors, data, arena);
    }

    private static TensorInfo check(String name, long[] ne, long typeId, long offset, int alignment, long dataBytes, Cursor c) {
        String what = "tensor '" + Cursor.printable(name) + "'";
        long elements = 1;
        for (long d : ne) {
            if (d <= 0) {
                throw c.error(what + " has a dimension of " + Long.toUnsignedString(d));
            }
            if (elements > Long.MAX_VALUE / d) {
                throw c.error(what + " has more elements than fit in 63 bits");
            }
            elements *= d;
        }
        GgmlType type = GgmlType.of(typeId).orElseThrow(() -> c.error(what + " is of type " + GgmlType.name(typeId)
                + ", which this SDK does not read (it reads F32, F16, BF16 and Q8_0); write the file with one of those"
                + " (e.g. nemotron export gguf --type q8_0, or llama-quantize ... Q8_0)"));
        if (ne[0] % type.blockSize() != 0) {
            throw c.error(what + ": its first dimension " + ne[0] + " is not a multiple of the " + type + " block of " + type.blockSize());
        }
        if (elements / type.blockSize() > Long.MAX_VALUE / type.blockBytes()) {
            throw c.error(what + " has " + elements + " elements, more bytes than fit in 63 bits");
        }
        long size = type.bytes(elements);
        if (offset < 0 || offset % alignment != 0) {
            throw c.error(what + ": data offset " + Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
        }
        if (offset > dataBytes || size > dataBytes - offset) {
            throw c.error(what + " (" + size + " bytes at offset " + Long.toUnsignedString(offset) + ") ends past the end of the file");
        }
        return new TensorInfo(name, ne, type, offset, size);
    }

    static long align(long pos, long alignment) {
        return (pos + alignment - 1) / alignment * alignment;
    }

    /** Where the file came from (its path), for messages. */
    public String label() {
        return label;
    }

    public int version() {
        return version;
    }

    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** The tensors, in file order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The bytes of tensor {@code t}. */
    public MemorySegment bytes(TensorInfo t) {
        return data.asSlice(t.offset(), t.bytes());
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** String value of {@code key}. */
    public Optional<String> string(String key) {
        return get(key).map(v -> v instanceof GgufValue.Str s ? s.value() : null);
    }

    /** Integer value of {@code key}; an error naming the key when it is missing or not an integer. */
    public long requireInt(String key) {
        GgufValue v = metadata.get(key);
        if (v instanceof GgufValue.Int i) {
            return i.value();
        }
        throw new GgufException(label + ": " + (v == null ? "metadata key '" + key + "' is missing" : "metadata key '" + key + "' is not an integer"));
    }

    public Optional<Long> integer(String key) {
        return get(key).map(v -> v instanceof GgufValue.Int i ? i.value() : null);
    }

    public Optional<Double> real(String key) {
        return get(key).map(v -> v instanceof GgufValue.Real r ? r.value() : v instanceof GgufValue.Int i ? (double) i.value() : null);
    }

    /**
     * {@code key} per layer: an integer array of {@code layers} entries, or one integer for all.
     */
    public long[] perLayer(String key, int layers) {
        GgufValue v = metadata.get(key);
        long[] out = new long[layers];
        if (v instanceof GgufValue.Int i) {
            java.util.Arrays.fill(out, i.value());
            return out;
        }
        if (v instanceof GgufValue.Arr arr && arr.values().size() == layers
                && arr.values().stream().allMatch(x -> x instanceof GgufValue.Int)) {
            for (int l = 0; l < layers; l++) {
                out[l] = ((GgufValue.Int) arr.values().get(l)).value();
            }
            return out;
        }
        throw new GgufException(label + ": metadata key '" + key + "' must be an integer or an array of " + layers + " integers"
                + (v == null ? " (it is missing)" : ""));
    }

    /** {@code s} for a one-line message: control characters escaped, at most 80 characters. */
    static String printable(String s) {
        return Cursor.printable(s);
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }

    /** Reads little-endian values with bounds checks. */
    private static final class Cursor {
        private final MemorySegment bytes;
        private final String label;
        long pos;

        Cursor(MemorySegment bytes, String label) {
            this.bytes = bytes;
            this.label = label;
        }

        long left() {
            return bytes.byteSize() - pos;
        }

        GgufException error(String problem) {
            return new GgufException(label + ": " + problem);
        }

        void need(long n, String what) {
            if (n < 0 || n > left()) {
                throw error("truncated: " + what + " needs " + Long.toUnsignedString(n) + " bytes at offset " + pos + ", "
                        + left() + " left");
            }
        }

        int u32() {
            need(4, "a 4-byte value");
            int v = bytes.get(U32, pos);
            pos += 4;
            return v;
        }

        long u64() {
            need(8, "an 8-byte value");
            long v = bytes.get(U64, pos);
            pos += 8;
            return v;
        }

        String string(String what) {
            long n = u64();
            need(n, what + " of " + Long.toUnsignedString(n) + " bytes");
            if (n > Integer.MAX_VALUE - 8) {
                throw error(what + " of " + n + " bytes is too long");
            }
            byte[] b = bytes.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
            pos += n;
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw error(what + " at offset " + (pos - n) + " is not valid UTF-8");
            }
        }

        GgufValue value(long type, String key, int depth) {
            String k = printable(key);
            switch ((int) Math.max(-1, Math.min(type, 99))) {
                case GgufValue.UINT8 -> {
                    need(1, k);
                    return new GgufValue.Int(GgufValue.UINT8, bytes.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF);
                }
                case GgufValue.INT8 -> {
                    need(1, k);
                    return new GgufValue.Int(GgufValue.INT8, bytes.get(ValueLayout.JAVA_BYTE, pos++));
                }
                case GgufValue.BOOL -> {
                    need(1, k);
                    int b = bytes.get(ValueLayout.JAVA_BYTE, pos++);
                    if (b != 0 && b != 1) {
                        throw error("metadata '" + k + "': a bool must be 0 or 1 (got " + b + ")");
                    }
                    return new GgufValue.Bool(b == 1);
                }
                case GgufValue.UINT16, GgufValue.INT16 -> {
                    need(2, k);
                    short s = bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), pos);
                    pos += 2;
                    return new GgufValue.Int((int) type, type == GgufValue.UINT16 ? s & 0xFFFF : s);
                }
                case GgufValue.UINT32 -> {
                    return new GgufValue.Int(GgufValue.UINT32, Integer.toUnsignedLong(u32()));
                }
                case GgufValue.INT32 -> {
                    return new GgufValue.Int(GgufValue.INT32, u32());
                }
                case GgufValue.FLOAT32 -> {
                    return new GgufValue.Real(GgufValue.FLOAT32, Float.intBitsToFloat(u32()));
                }
                case GgufValue.UINT64, GgufValue.INT64 -> {
                    return new GgufValue.Int((int) type, u64());
                }
                case GgufValue.FLOAT64 -> {
                    return new GgufValue.Real(GgufValue.FLOAT64, Double.longBitsToDouble(u64()));
                }
                case GgufValue.STRING -> {
                    return new GgufValue.Str(string("metadata '" + k + "'"));
                }
                case GgufValue.ARRAY -> {
                    if (depth > 0) {
                        throw error("metadata '" + k + "': arrays of arrays are not supported");
                    }
                    long elementType = Integer.toUnsignedLong(u32());
                    long n = u64();
                    int size = GgufValue.fixedSize(elementType);
                    if (size == 0) {
                        throw error("metadata '" + k + "': unknown array element type " + elementType);
                    }
                    long min = size > 0 ? size : 8;
                    if (n < 0 || n > left() / min) {
                        throw error("metadata '" + k + "': array of " + Long.toUnsignedString(n) + " elements does not fit in the file");
                    }
                    List<GgufValue> values = new ArrayList<>((int) Math.min(n, 1 << 16));
                    for (long i = 0; i < n; i++) {
                        values.add(value(elementType, key, depth + 1));
                    }
                    return new GgufValue.Arr((int) elementType, values);
                }
                default -> throw error("metadata '" + k + "' has unknown value type " + type);
            }
        }

        /** {@code s} for a one-line message: control characters escaped, at most 80 characters. */
        static String printable(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length() && b.length() < 80; i++) {
                char ch = s.charAt(i);
                if (ch < 0x20 || ch == 0x7f || Character.isSurrogate(ch)) {
                    b.append(String.format("\\u%04x", (int) ch));
                } else {
                    b.append(ch);
                }
            }
            return s.length() > 80 ? b + "..." : b.toString();
        }
    }
}
