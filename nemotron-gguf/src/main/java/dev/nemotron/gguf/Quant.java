package dev.nemotron.gguf;

import dev.nemotron.arch.init.RandomWeights;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Element conversions of GGUF tensors, as gguf-py and ggml's reference code do them: F32 to
 * F16 and BF16 with round-to-nearest-even (BF16: {@link RandomWeights#toBf16}), and Q8_0 blocks.
 *
 * <p>Q8_0, per block of 32 values x: {@code d = max|x| / 127}; {@code q = round(x / d)} (half away
 * from zero; 0 when d = 0), stored as F16 d then 32 int8 q; decoded {@code x' = f16(d) * q}. The
 * error is at most {@code d/2} from the rounding of q plus {@code 127 * |d - f16(d)| <= 127 * d * 2^-11}
 * from storing d in F16: {@code |x - x'| <= 0.5625 * max|x| / 127} per block ({@link #Q8_0_ERROR}).
 */
public final class Quant {
    /** The Q8_0 error bound as a fraction of a block's max|x| / 127. */
    public static final double Q8_0_ERROR = 0.5 + 127.0 / 2048;

    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Quant() {
    }

    public static float fromBf16(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** Encodes {@code n} floats of {@code x} (from {@code from}) as {@code type} into {@code out} at byte {@code at}. */
    public static void encode(GgmlType type, float[] x, int from, int n, MemorySegment out, long at) {
        switch (type) {
            case F32 -> MemorySegment.copy(x, from, out, F32, at, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out.set(I16, at + 2L * i, Float.floatToFloat16(x[from + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out.set(I16, at + 2L * i, RandomWeights.toBf16(x[from + i]));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    q8Block(x, from + 32 * b, out, at + 34L * b);
                }
            }
        }
    }

    /** Decodes {@code n} elements of {@code type} from {@code in} at byte {@code at} into {@code x} from {@code from}. */
    public static void decode(GgmlType type, MemorySegment in, long at, float[] x, int from, int n) {
        switch (type) {
            case F32 -> MemorySegment.copy(in, F32, at, x, from, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    x[from + i] = Float.float16ToFloat(in.get(I16, at + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    x[from + i] = fromBf16(in.get(I16, at + 2L * i));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    long base = at + 34L * b;
                    float d = Float.float16ToFloat(in.get(I16, base));
                    for (int j = 0; j < 32; j++) {
                        x[from + 32 * b + j] = d * in.get(ValueLayout.JAVA_BYTE, base + 2 + j);
                    }
                }
            }
        }
    }

    private static void q8Block(float[] x, int from, MemorySegment out, long at) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[from + j]));
        }
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        out.set(I16, at, Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            float v = x[from + j] * id;
            float r = (float) Math.copySign(Math.floor(Math.abs(v) + 0.5), v);
            out.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) r);
        }
    }
}
