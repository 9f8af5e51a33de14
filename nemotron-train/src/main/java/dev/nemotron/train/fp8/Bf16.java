package dev.nemotron.train.fp8;

/**
 * bfloat16 rounding: the fake quantisation of the layers that stay in BF16. A float keeps its
 * sign, its 8 exponent bits and the top 7 of its 23 mantissa bits, rounded to nearest, ties to
 * even (as {@code torch.Tensor.to(torch.bfloat16)}). Values that round beyond the largest BF16
 * number become ±∞, as in torch; NaN stays NaN (quiet).
 */
public final class Bf16 {
    private Bf16() {
    }

    /** The bfloat16 bits (in the low 16 bits) of the value nearest to {@code x}. */
    public static short encode(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (short) ((bits >>> 16) | 0x0040); // keep the sign, force a quiet NaN
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** The float value of bfloat16 bits. */
    public static float decode(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /** {@code x} rounded to the nearest bfloat16 (ties to even), as a float. */
    public static float round(float x) {
        return decode(encode(x));
    }

    /** {@code x} rounded first to float (nearest) and then to bfloat16. */
    public static double round(double x) {
        return round((float) x);
    }

    /** A copy of {@code values} with every element rounded to bfloat16. */
    public static float[] round(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = round(values[i]);
        }
        return out;
    }

    /** A copy of {@code values} with every element rounded to bfloat16 (through float). */
    public static double[] round(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = round(values[i]);
        }
        return out;
    }
}
