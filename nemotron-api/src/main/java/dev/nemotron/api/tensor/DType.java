package dev.nemotron.api.tensor;

import java.util.Locale;
import java.util.Optional;

/**
 * Element types of stored tensors, with their safetensors spelling and size in bytes.
 *
 * <p>Most types store one element in {@link #byteSize()} bytes. {@link #Q8_0} is a block type:
 * {@link #blockElements()} elements share one block of {@link #blockBytes()} bytes; use
 * {@link #storageBytes(long)} for the bytes of {@code n} elements, which works for every type.
 */
public enum DType {
    F64("F64", 8),
    F32("F32", 4),
    F16("F16", 2),
    BF16("BF16", 2),
    F8_E4M3("F8_E4M3", 1),
    I64("I64", 8),
    I32("I32", 4),
    I16("I16", 2),
    I8("I8", 1),
    U8("U8", 1),
    BOOL("BOOL", 1),
    /**
     * GGML's Q8_0, bit for bit (so a GGUF Q8_0 tensor is used as it is stored): blocks of 32
     * consecutive elements (row-major, flat), each 34 bytes, an IEEE f16 scale {@code d}
     * (little-endian) then 32 signed int8 {@code q}; element {@code j} of a block is
     * {@code d * q[j]}. A row must hold a multiple of 32 elements, so rows start on block
     * boundaries. Not a safetensors type. See {@link Q8_0}.
     */
    Q8_0("Q8_0", 34, 32);

    private final String safetensorsName;
    private final int byteSize;
    private final int blockElements;

    DType(String safetensorsName, int byteSize) {
        this(safetensorsName, byteSize, 1);
    }

    DType(String safetensorsName, int blockBytes, int blockElements) {
        this.safetensorsName = safetensorsName;
        this.byteSize = blockBytes;
        this.blockElements = blockElements;
    }

    /** Elements per storage block: 1, or 32 for {@link #Q8_0}. */
    public int blockElements() {
        return blockElements;
    }

    /** Bytes per storage block: {@link #byteSize()}, or 34 for {@link #Q8_0}. */
    public int blockBytes() {
        return byteSize;
    }

    /** True for types that store elements in blocks of more than one ({@link #Q8_0}). */
    public boolean isBlockQuantized() {
        return blockElements > 1;
    }

    /**
     * Bytes of {@code numel} elements of this type.
     *
     * @throws IllegalArgumentException if {@code numel} is negative or not a whole number of blocks
     * @throws ArithmeticException on overflow
     */
    public long storageBytes(long numel) {
        if (numel < 0 || numel % blockElements != 0) {
            throw new IllegalArgumentException(numel + " elements of " + this + " are not a whole number of "
                    + blockElements + "-element blocks");
        }
        return Math.multiplyExact(numel / blockElements, (long) byteSize);
    }

    /** The name used in safetensors headers, e.g. {@code "BF16"}. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /**
     * Bytes per element.
     *
     * @throws UnsupportedOperationException for a block type ({@link #Q8_0}): use
     *     {@link #storageBytes(long)}
     */
    public int byteSize() {
        if (blockElements > 1) {
            throw new UnsupportedOperationException(this + " stores " + blockElements + " elements in " + byteSize
                    + "-byte blocks: use storageBytes(numel)");
        }
        return byteSize;
    }

    /** True for the types the SDK computes with as floating point (F32, F16, BF16, F64). */
    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** The type spelled {@code name} in a safetensors header, if the SDK knows it (never a block type). */
    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType t : values()) {
            if (!t.isBlockQuantized() && t.safetensorsName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The type of a HF {@code torch_dtype}/{@code dtype} string such as {@code "bfloat16"} or
     * {@code "float32"}.
     */
    public static Optional<DType> fromTorchName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "float32", "float", "fp32" -> Optional.of(F32);
            case "bfloat16", "bf16" -> Optional.of(BF16);
            case "float16", "half", "fp16" -> Optional.of(F16);
            case "float64", "double" -> Optional.of(F64);
            default -> Optional.empty();
        };
    }
}
