package dev.nemotron.backend.java.simd;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/** Converts small weight tensors (norm weights, conv weights, biases) to {@code float[]}. */
public final class Weights {
    private Weights() {
    }

    /**
     * All elements of {@code t} as floats, checking that it holds exactly {@code expected}
     * elements; {@code null} stays {@code null}.
     *
     * @throws IllegalArgumentException on a wrong element count or a non-float type
     */
    public static float[] toFloats(Tensor t, long expected, String what) {
        if (t == null) {
            return null;
        }
        if (t.numel() != expected) {
            throw new IllegalArgumentException(what + ": expected " + expected + " elements, got " + t);
        }
        if (t.dtype() == DType.Q8_0) {
            return t.toFloatArray();
        }
        if (t.dtype() != DType.F32 && t.dtype() != DType.BF16 && t.dtype() != DType.F16) {
            throw new IllegalArgumentException(what + ": unsupported weight type " + t.dtype());
        }
        float[] out = new float[(int) expected];
        if (t.dtype() == DType.F32) {
            MemorySegment.copy(t.data(), Tensor.F32_LE, 0, out, 0, out.length);
        } else if (t.dtype() == DType.BF16) {
            MemorySegment seg = t.data();
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.intBitsToFloat((seg.getAtIndex(Tensor.I16_LE, i) & 0xFFFF) << 16);
            }
        } else {
            MemorySegment seg = t.data();
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.float16ToFloat(seg.getAtIndex(Tensor.I16_LE, i));
            }
        }
        return out;
    }

    /** Throws unless {@code a} holds at least {@code needed} floats. */
    public static void checkLength(float[] a, long needed, String what) {
        if (a == null || a.length < needed) {
            throw new IllegalArgumentException(what + ": needs " + needed + " floats, has "
                    + (a == null ? "null" : a.length));
        }
    }
}
