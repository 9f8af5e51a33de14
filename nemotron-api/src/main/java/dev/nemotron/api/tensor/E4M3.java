package dev.nemotron.api.tensor;

/**
 * The OCP FP8 E4M3 format in the "fn" variant NVIDIA hardware and Transformer Engine use
 * ({@code torch.float8_e4m3fn}): 1 sign bit, 4 exponent bits with bias 7, 3 mantissa bits.
 *
 * <ul>
 *   <li>normal numbers: exponent field 1..15, value {@code (-1)^s · (1 + m/8) · 2^(e-7)};
 *       the largest is {@code 0x7E} = 1.75 · 2^8 = 448;</li>
 *   <li>subnormals: exponent field 0, value {@code (-1)^s · (m/8) · 2^-6}, down to 2^-9;</li>
 *   <li>no infinities; {@code 0x7F} and {@code 0xFF} (exponent and mantissa all ones) are NaN;</li>
 *   <li>two zeros, {@code 0x00} and {@code 0x80}.</li>
 * </ul>
 *
 * <p>Encoding rounds to nearest, ties to even (on the exact value of the input: a {@code float}
 * is widened to {@code double} without loss first, so there is a single rounding), and
 * <b>saturates</b>: every finite value beyond ±448, and ±∞, becomes ±448, as Transformer Engine
 * does when it casts scaled tensors. NaN becomes {@code 0x7F}. The sign of zero is kept.
 */
public final class E4M3 {
    /** The largest finite magnitude, 448. */
    public static final float MAX = 448f;
    /** The smallest positive normal number, 2^-6. */
    public static final float MIN_NORMAL = 0x1p-6f;
    /** The smallest positive subnormal number, 2^-9. */
    public static final float MIN_SUBNORMAL = 0x1p-9f;
    /** The canonical NaN code (positive sign). */
    public static final byte NAN = 0x7F;

    private static final byte MAX_CODE = 0x7E;
    private static final float[] DECODE = new float[256];

    static {
        for (int c = 0; c < 256; c++) {
            DECODE[c] = decodeBits(c);
        }
    }

    private E4M3() {
    }

    private static float decodeBits(int c) {
        int sign = c >>> 7;
        int exp = (c >>> 3) & 0xF;
        int man = c & 0x7;
        float magnitude;
        if (exp == 0xF && man == 0x7) {
            return Float.NaN;
        } else if (exp == 0) {
            magnitude = man * 0x1p-9f;
        } else {
            magnitude = Math.scalb(1f + man / 8f, exp - 7);
        }
        return sign == 0 ? magnitude : -magnitude;
    }

    /** The value of a code; NaN for {@code 0x7F} and {@code 0xFF}. */
    public static float decode(byte code) {
        return DECODE[code & 0xFF];
    }

    /** True for the two NaN codes. */
    public static boolean isNaN(byte code) {
        return (code & 0x7F) == 0x7F;
    }

    /** The nearest E4M3 code to {@code x} (ties to even), saturating at ±448; NaN to {@link #NAN}. */
    public static byte encode(float x) {
        return encode((double) x);
    }

    /** The nearest E4M3 code to {@code x} (ties to even), saturating at ±448; NaN to {@link #NAN}. */
    public static byte encode(double x) {
        if (Double.isNaN(x)) {
            return NAN;
        }
        int sign = (Double.doubleToRawLongBits(x) < 0) ? 0x80 : 0;
        double a = Math.abs(x);
        if (a >= MAX) {
            return (byte) (sign | MAX_CODE);
        }
        if (a == 0) {
            return (byte) sign;
        }
        // The spacing of E4M3 numbers around a: 2^-9 below the first normal binade, else 2^(e-3).
        int e = Math.max(Math.getExponent(a), -6);
        double quantum = Math.scalb(1.0, e - 3);
        double r = Math.rint(a / quantum) * quantum; // a / quantum is exact; rint ties to even
        if (r == 0) {
            return (byte) sign;
        }
        if (r < MIN_NORMAL) {
            return (byte) (sign | (int) (r / 0x1p-9));
        }
        int re = Math.getExponent(r); // r may have moved up one binade (e.g. 1.9375 -> 2)
        int man = (int) (Math.scalb(r, -re) * 8) - 8;
        return (byte) (sign | ((re + 7) << 3) | man);
    }

    /**
     * {@code decode(encode(x))}, the value of {@code x} after a round trip through E4M3, computed
     * directly on the float64 bits (the fast path of fake quantisation; tests hold it equal to the
     * round trip): saturate at ±448; below 2^-6 round to a multiple of 2^-9; otherwise round the
     * significand to 3 bits, ties to even. NaN stays NaN, the sign of zero is kept.
     */
    public static double round(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        double a = Math.abs(x);
        double r;
        if (a >= MAX) {
            r = MAX;
        } else if (a < MIN_NORMAL) {
            r = Math.rint(a * 0x1p9) * 0x1p-9; // both scalings exact; rint ties to even
        } else {
            long bits = Double.doubleToRawLongBits(a);
            long lsb = (bits >>> 49) & 1; // the lowest of the 3 kept significand bits
            r = Double.longBitsToDouble((bits + (1L << 48) - 1 + lsb) & -(1L << 49));
        }
        return Math.copySign(r, x);
    }
}
