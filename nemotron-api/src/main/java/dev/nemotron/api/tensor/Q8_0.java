package dev.nemotron.api.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The {@link DType#Q8_0} block format (GGML's {@code block_q8_0}): quantizing float32 rows into it
 * and reading elements back.
 *
 * <pre>
 * block b of a tensor (flat, row-major; 32 elements, 34 bytes at byte 34*b):
 *   bytes 0-1   d     IEEE f16, little-endian: the block's scale
 *   bytes 2-33  q[32] signed int8
 *   element j = d * q[j]
 * quantize (as GGML's quantize_row_q8_0_ref):
 *   amax = max |x_j|;  d = amax / 127;  q_j = round(x_j / d) (half away from zero), 0 when d == 0;
 *   the block stores f16(d)
 * </pre>
 *
 * The largest element error is about half a step, {@code d/2} (plus the f16 rounding of d); a GGUF
 * Q8_0 tensor's bytes are this layout, usable in place.
 */
public final class Q8_0 {
    /** Elements per block. */
    public static final int BLOCK = 32;
    /** Bytes per block: the f16 scale and 32 int8. */
    public static final int BLOCK_BYTES = 34;

    private Q8_0() {
    }

    /**
     * {@code values} quantized into a new heap tensor of {@code shape} (its last dimension a
     * multiple of 32).
     *
     * @throws IllegalArgumentException if the shape does not match {@code values} or its last
     *     dimension is not a multiple of 32
     */
    public static Tensor quantize(float[] values, long... shape) {
        if (Tensor.numel(shape) != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + java.util.Arrays.toString(shape));
        }
        MemorySegment out = MemorySegment.ofArray(new byte[Math.toIntExact(DType.Q8_0.storageBytes(values.length))]);
        quantize(values, 0, values.length, out, 0);
        return new Tensor(DType.Q8_0, shape, out);
    }

    /**
     * Quantizes {@code values[from, from + n)} ({@code n} a multiple of 32) into the blocks at
     * {@code out[byteOffset ..]}.
     */
    public static void quantize(float[] values, int from, int n, MemorySegment out, long byteOffset) {
        if (n % BLOCK != 0) {
            throw new IllegalArgumentException(n + " values are not a whole number of " + BLOCK + "-element blocks");
        }
        for (int b = 0; b < n / BLOCK; b++) {
            int base = from + b * BLOCK;
            long at = byteOffset + (long) b * BLOCK_BYTES;
            // 1. the block's scale from its largest magnitude
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(values[base + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            out.set(Tensor.I16_LE, at, Float.floatToFloat16(d));
            // 2. the int8 values, rounded half away from zero (C's roundf)
            for (int j = 0; j < BLOCK; j++) {
                float v = values[base + j] * id;
                int q = (int) (Math.signum(v) * Math.floor(Math.abs(v) + 0.5f));
                out.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) Math.max(-128, Math.min(127, q)));
            }
        }
    }

    /** Element {@code i} (flat) of Q8_0 blocks stored at {@code data}, dequantized. */
    public static float get(MemorySegment data, long i) {
        long at = (i / BLOCK) * BLOCK_BYTES;
        float d = Float.float16ToFloat(data.get(Tensor.I16_LE, at));
        return d * data.get(ValueLayout.JAVA_BYTE, at + 2 + i % BLOCK);
    }

    /** The scale of block {@code block}. */
    public static float scale(MemorySegment data, long block) {
        return Float.float16ToFloat(data.get(Tensor.I16_LE, block * BLOCK_BYTES));
    }
}
