package dev.nemotron.api.tensor;

import java.util.Locale;
import java.util.Optional;

/** Element types of stored tensors, with their safetensors spelling and size in bytes. */
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
    BOOL("BOOL", 1);

    private final String safetensorsName;
    private final int byteSize;

    DType(String safetensorsName, int byteSize) {
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
    }

    /** The name used in safetensors headers, e.g. {@code "BF16"}. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the types the SDK computes with as floating point (F32, F16, BF16, F64). */
    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** The type spelled {@code name} in a safetensors header, if the SDK knows it. */
    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(name)) {
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
