package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.cuda.ffi.NmcLayouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Java arrays and tensors as the native memory the library reads: the library takes host
 * pointers only, never Java heap segments, so heap data is copied into an arena.
 */
final class HostMemory {
    private HostMemory() {
    }

    /** The {@code NMC_*} code of a weight dtype. */
    static int dtypeCode(DType type) {
        return switch (type) {
            case F32 -> NmcLayouts.NMC_F32;
            case BF16 -> NmcLayouts.NMC_BF16;
            case F16 -> NmcLayouts.NMC_F16;
            default -> throw new NemotronException("the CUDA backend reads F32, BF16 or F16 weights, not " + type);
        };
    }

    /** The tensor's bytes in native memory: its own segment when native (a mapped checkpoint), else a copy. */
    static MemorySegment nativeData(Arena arena, Tensor t) {
        MemorySegment data = t.data();
        if (data.isNative()) {
            return data;
        }
        MemorySegment copy = arena.allocate(Math.max(1, data.byteSize()), 8);
        MemorySegment.copy(data, 0, copy, 0, data.byteSize());
        return copy;
    }

    /** The tensor converted to {@code type} (F32, BF16 or F16) in native memory; null for a null tensor. */
    static MemorySegment nativeDataAs(Arena arena, Tensor t, DType type) {
        if (t == null) {
            return MemorySegment.NULL;
        }
        if (t.dtype() == type) {
            return nativeData(arena, t);
        }
        float[] v = t.toFloatArray();
        MemorySegment out = arena.allocate((long) type.byteSize() * Math.max(1, v.length), 8);
        for (int i = 0; i < v.length; i++) {
            switch (type) {
                case F32 -> out.setAtIndex(Tensor.F32_LE, i, v[i]);
                case BF16 -> out.setAtIndex(Tensor.I16_LE, i, bf16(v[i]));
                case F16 -> out.setAtIndex(Tensor.I16_LE, i, Float.floatToFloat16(v[i]));
                default -> throw new NemotronException("cannot convert a tensor to " + type);
            }
        }
        return out;
    }

    /** {@code f} rounded to bfloat16 (nearest, ties to even). */
    static short bf16(float f) {
        if (Float.isNaN(f)) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(f);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The first {@code n} floats of {@code a} in native memory. */
    static MemorySegment floats(Arena arena, float[] a, long n) {
        requireLength(a, n);
        MemorySegment s = arena.allocate(4 * Math.max(1, n), 4);
        MemorySegment.copy(a, 0, s, Tensor.F32_LE, 0, (int) n);
        return s;
    }

    /** As {@link #floats}, or NULL for a null array. */
    static MemorySegment floatsOrNull(Arena arena, float[] a, long n) {
        return a == null ? MemorySegment.NULL : floats(arena, a, n);
    }

    /** Room for {@code n} floats the library writes. */
    static MemorySegment output(Arena arena, float[] a, long n) {
        requireLength(a, n);
        return arena.allocate(4 * Math.max(1, n), 4);
    }

    /** Copies {@code n} floats from {@code s} back into {@code a} (nothing for NULL). */
    static void copyBack(MemorySegment s, float[] a, long n) {
        if (a != null && !s.equals(MemorySegment.NULL)) {
            MemorySegment.copy(s, Tensor.F32_LE, 0, a, 0, (int) n);
        }
    }

    static MemorySegment ints(Arena arena, int[] a) {
        MemorySegment s = arena.allocate(4L * Math.max(1, a.length), 4);
        MemorySegment.copy(a, 0, s, java.lang.foreign.ValueLayout.JAVA_INT, 0, a.length);
        return s;
    }

    private static void requireLength(float[] a, long n) {
        if (a.length < n) {
            throw new IllegalArgumentException("array of " + a.length + " floats, the shape needs " + n);
        }
    }
}
