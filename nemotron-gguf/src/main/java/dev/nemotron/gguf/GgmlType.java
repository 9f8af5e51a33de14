package dev.nemotron.gguf;

import java.util.Map;
import java.util.Optional;

/**
 * The tensor element types of GGUF this SDK reads and writes ({@code ggml_type} ids of ggml.h):
 * elements come in blocks of {@link #blockSize()} stored in {@link #blockBytes()} bytes.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    /** 32 weights: one F16 scale d, then 32 int8 q; x = d * q. */
    Q8_0(8, 32, 34),
    BF16(30, 1, 2);

    /** Names of the other ggml types, for the error that says which type a file holds. */
    private static final Map<Integer, String> OTHERS = Map.ofEntries(Map.entry(2, "Q4_0"), Map.entry(3, "Q4_1"),
            Map.entry(6, "Q5_0"), Map.entry(7, "Q5_1"), Map.entry(9, "Q8_1"), Map.entry(10, "Q2_K"), Map.entry(11, "Q3_K"),
            Map.entry(12, "Q4_K"), Map.entry(13, "Q5_K"), Map.entry(14, "Q6_K"), Map.entry(15, "Q8_K"), Map.entry(24, "I8"),
            Map.entry(25, "I16"), Map.entry(26, "I32"), Map.entry(27, "I64"), Map.entry(28, "F64"), Map.entry(34, "TQ1_0"),
            Map.entry(35, "TQ2_0"), Map.entry(39, "MXFP4"));

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public int id() {
        return id;
    }

    public int blockSize() {
        return blockSize;
    }

    public int blockBytes() {
        return blockBytes;
    }

    /** Bytes of {@code elements} elements ({@code elements} a multiple of the block size). */
    public long bytes(long elements) {
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    public static Optional<GgmlType> of(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The ggml name of type {@code id} ("Q4_K"), or "type N" for an id unknown here. */
    public static String name(long id) {
        return of(id).map(Enum::name).orElseGet(() -> OTHERS.getOrDefault((int) Math.max(-1, Math.min(id, 1 << 20)), "type " + id));
    }
}
