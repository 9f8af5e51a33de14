package dev.nemotron.train.fp8;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.E4M3;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link E4M3} (dev.nemotron.api.tensor; tested here, where the FP8 training tests share its reference helpers). */
class E4M3Test {
    /** The value of a code computed from its bit fields, independently of E4M3. */
    static double fromBits(int code) {
        int s = (code >> 7) & 1;
        int e = (code >> 3) & 0xF;
        int m = code & 7;
        if (e == 15 && m == 7) {
            return Double.NaN;
        }
        double v = e == 0 ? (m / 8.0) * Math.pow(2, 1 - 7) : (1 + m / 8.0) * Math.pow(2, e - 7);
        return s == 1 ? -v : v;
    }

    private static final double[] VALUES = new double[256];

    static {
        for (int c = 0; c < 256; c++) {
            VALUES[c] = fromBits(c);
        }
    }

    /** Brute force: the code nearest to x among all finite codes, ties to the even code; saturating. */
    static int nearestCode(double x) {
        if (Double.isNaN(x)) {
            return 0x7F;
        }
        if (x >= 448) {
            return 0x7E;
        }
        if (x <= -448) {
            return 0xFE;
        }
        int best = -1;
        double bestDist = Double.POSITIVE_INFINITY;
        boolean negative = Double.doubleToRawLongBits(x) < 0;
        for (int c = 0; c < 256; c++) {
            double v = VALUES[c];
            if (Double.isNaN(v) || (((c >> 7) == 1) != negative)) {
                continue; // keep the sign: -tiny rounds to -0
            }
            double d = Math.abs(v - x);
            if (d < bestDist || (d == bestDist && (c & 1) == 0)) {
                best = c;
                bestDist = d;
            }
        }
        return best;
    }

    @Test
    void everyCodeDecodesToItsBitFieldValue() {
        int nans = 0;
        for (int c = 0; c < 256; c++) {
            double expected = fromBits(c);
            float actual = E4M3.decode((byte) c);
            if (Double.isNaN(expected)) {
                nans++;
                assertThat(actual).as("code 0x%02X", c).isNaN();
                assertThat(E4M3.isNaN((byte) c)).isTrue();
            } else {
                assertThat((double) actual).as("code 0x%02X", c).isEqualTo(expected);
                assertThat(Math.copySign(1f, actual)).as("sign of 0x%02X", c).isEqualTo(c >= 128 ? -1f : 1f);
                assertThat(E4M3.isNaN((byte) c)).isFalse();
            }
        }
        assertThat(nans).isEqualTo(2);
        assertThat(E4M3.decode((byte) 0x7E)).isEqualTo(448f).isEqualTo(E4M3.MAX);
        assertThat(E4M3.decode((byte) 0xFE)).isEqualTo(-448f);
        assertThat(E4M3.decode((byte) 0x01)).isEqualTo(0x1p-9f).isEqualTo(E4M3.MIN_SUBNORMAL);
        assertThat(E4M3.decode((byte) 0x08)).isEqualTo(0x1p-6f).isEqualTo(E4M3.MIN_NORMAL);
        assertThat(E4M3.decode((byte) 0x38)).isEqualTo(1f);
        assertThat(E4M3.decode((byte) 0x77)).isEqualTo(240f); // 0x77 is a number here, not inf (no infinities)
    }

    @Test
    void encodeInvertsDecodeOnEveryNonNaNCodeKeepingTheSignOfZero() {
        for (int c = 0; c < 256; c++) {
            byte code = (byte) c;
            if (E4M3.isNaN(code)) {
                continue;
            }
            float v = E4M3.decode(code);
            assertThat(E4M3.encode(v) & 0xFF).as("float 0x%02X", c).isEqualTo(c);
            assertThat(E4M3.encode((double) v) & 0xFF).as("double 0x%02X", c).isEqualTo(c);
        }
        assertThat(E4M3.encode(0.0f)).isEqualTo((byte) 0x00);
        assertThat(E4M3.encode(-0.0f)).isEqualTo((byte) 0x80);
    }

    @Test
    void midpointsRoundToEven() {
        double[][] cases = {
                // {input, expected value}
                {1.0625, 1.0},           // between 1 (m=0) and 1.125 (m=1)
                {1.1875, 1.25},          // between 1.125 (m=1) and 1.25 (m=2)
                {1.9375, 2.0},           // between 1.875 (m=7) and 2 (next binade, m=0)
                {400, 384},              // between 384 (m=4) and 416 (m=5)
                {432, 448},              // between 416 (m=5) and 448 (m=6)
                {0x1p-10, 0.0},          // between 0 and the smallest subnormal
                {3 * 0x1p-10, 0x1p-8},   // between 2^-9 (m=1) and 2^-8 (m=2)
                {5 * 0x1p-10, 0x1p-8},   // between 2^-8 (m=2) and 3*2^-9 (m=3)
                {7.5 * 0x1p-9, 0x1p-6},  // between the largest subnormal and the smallest normal
                {0.0703125, 0.0703125},  // exact: 1.125 * 2^-4 stays
        };
        for (double[] c : cases) {
            for (int sign : new int[] {1, -1}) {
                double x = sign * c[0];
                double expected = sign * c[1];
                assertThat(E4M3.round(x)).as("%s", x).isEqualTo(expected);
                assertThat((double) E4M3.decode(E4M3.encode((float) x))).as("float %s", x).isEqualTo(expected);
                assertThat(E4M3.encode(x) & 0xFF).isEqualTo(nearestCode(x));
            }
        }
        // a hair off a midpoint goes to the nearer neighbour
        assertThat(E4M3.round(Math.nextUp(1.0625))).isEqualTo(1.125);
        assertThat(E4M3.round(Math.nextDown(1.1875))).isEqualTo(1.125);
        assertThat(E4M3.round(Math.nextUp(0x1p-10))).isEqualTo(0x1p-9);
        // underflow keeps the sign of zero
        assertThat(E4M3.encode(-0x1p-11)).isEqualTo((byte) 0x80);
    }

    @Test
    void fastRoundEqualsTheEncodeDecodeRoundTrip() {
        java.util.List<Double> xs = new java.util.ArrayList<>(java.util.List.of(0.0, -0.0, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 448.0, 464.0, 1e300, Double.MIN_VALUE, 0x1p-6, 0x1p-9));
        // every code's value, the midpoints between neighbours and the doubles next to them
        for (int c = 0; c < 0x7F; c++) {
            double v = E4M3.decode((byte) c);
            double next = c + 1 < 0x7F ? E4M3.decode((byte) (c + 1)) : 480;
            double mid = (v + next) / 2;
            for (double x : new double[] {v, mid, Math.nextUp(mid), Math.nextDown(mid)}) {
                xs.add(x);
                xs.add(-x);
            }
        }
        SplittableRandom rnd = new SplittableRandom(17);
        for (int i = 0; i < 200_000; i++) {
            xs.add((rnd.nextBoolean() ? 1 : -1) * Math.scalb(1 + rnd.nextDouble(), rnd.nextInt(-16, 11)));
        }
        for (double x : xs) {
            assertThat(Double.valueOf(E4M3.round(x))).as("%s", x).isEqualTo(Double.valueOf(E4M3.decode(E4M3.encode(x))));
        }
    }

    @Test
    void encodeMatchesBruteForceNearestOnRandomValues() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 20_000; i++) {
            // magnitudes from 2^-12 to 2^10: underflow, subnormals, normals, saturation
            double x = (rnd.nextBoolean() ? 1 : -1) * Math.pow(2, rnd.nextDouble(-12, 10));
            assertThat(E4M3.encode(x) & 0xFF).as("%s", x).isEqualTo(nearestCode(x));
            float f = (float) x;
            assertThat(E4M3.encode(f) & 0xFF).as("float %s", f).isEqualTo(nearestCode(f));
        }
    }

    @Test
    void saturatesBeyond448() {
        double[] big = {448, 448.5, 463.9, 464, 465, 500, 1e6, Float.MAX_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY};
        for (double x : big) {
            assertThat(E4M3.encode(x)).as("%s", x).isEqualTo((byte) 0x7E);
            assertThat(E4M3.encode(-x)).as("%s", -x).isEqualTo((byte) 0xFE);
        }
        assertThat(E4M3.encode(Float.POSITIVE_INFINITY)).isEqualTo((byte) 0x7E);
        assertThat(E4M3.encode(Float.NEGATIVE_INFINITY)).isEqualTo((byte) 0xFE);
        assertThat(E4M3.encode(447.9)).isEqualTo((byte) 0x7E);
        assertThat(E4M3.encode(431.9)).isEqualTo((byte) 0x7D); // 416
    }

    @Test
    void nanStaysNaN() {
        assertThat(E4M3.isNaN(E4M3.encode(Float.NaN))).isTrue();
        assertThat(E4M3.isNaN(E4M3.encode(Double.NaN))).isTrue();
        assertThat(E4M3.encode(Double.NaN)).isEqualTo(E4M3.NAN);
        assertThat(E4M3.decode((byte) 0x7F)).isNaN();
        assertThat(E4M3.decode((byte) 0xFF)).isNaN();
        assertThat(E4M3.round(Double.NaN)).isNaN();
    }

    /**
     * Bit patterns worked out by hand from the format (sign | exponent + 7 | 3 mantissa bits), the
     * same table the CUDA encoder ({@code __nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E4M3)})
     * gives: normals, subnormals, round-to-nearest-even ties, saturation, zeros and NaN.
     */
    @Test
    void handCheckedBitPatterns() {
        Object[][] table = {
                {1.0f, 0x38},            // 0 0111 000: 2^0
                {-2.0f, 0xC0},           // 1 1000 000
                {0.5f, 0x30},            // 0 0110 000
                {240f, 0x77},            // 0 1110 111: 1.875 * 2^7 (a number, E4M3 has no infinities)
                {256f, 0x78},            // 0 1111 000
                {448f, 0x7E},            // 0 1111 110: the largest finite
                {0.1f, 0x1D},            // 1.6 * 2^-4: mantissa 4.8 -> 5 (0.1015625)
                {3.14159f, 0x45},        // 1.5708 * 2: mantissa 4.57 -> 5 (3.25)
                {17f, 0x58},             // 1.0625 * 16: tie between m=0 and m=1 -> even m=0 (16)
                {18f, 0x59},             // 1.125 * 16 exactly
                {19f, 0x5A},             // 1.1875 * 16: tie between m=1 and m=2 -> even m=2 (20)
                {0x1p-6f, 0x08},         // the smallest normal
                {0x1p-9f, 0x01},         // the smallest subnormal
                {-0x1p-9f, 0x81},
                {3 * 0x1p-9f, 0x03},     // subnormal m=3
                {7 * 0x1p-9f, 0x07},     // the largest subnormal
                {0.0137f, 0x07},         // between 7 * 2^-9 (0.01367) and 2^-6 (0.01563): nearer the first
                {1.5f * 0x1p-10f, 0x01}, // 0.75 of the smallest subnormal rounds up to it
                {0x1p-10f, 0x00},        // half the smallest subnormal: tie -> even (zero)
                {449f, 0x7E},            // saturating
                {464f, 0x7E},
                {1000f, 0x7E},
                {-1000f, 0xFE},
                {Float.POSITIVE_INFINITY, 0x7E},
                {0.0f, 0x00},
                {-0.0f, 0x80},
                {Float.NaN, 0x7F},
        };
        for (Object[] row : table) {
            float x = (Float) row[0];
            assertThat(E4M3.encode(x) & 0xFF).as("encode(%s)", x).isEqualTo((int) (Integer) row[1]);
        }
        Object[][] decode = {
                {0x00, 0.0f}, {0x01, 0x1p-9f}, {0x07, 7 * 0x1p-9f}, {0x08, 0x1p-6f}, {0x38, 1.0f},
                {0x40, 2.0f}, {0x45, 3.25f}, {0x77, 240f}, {0x7E, 448f}, {0xFE, -448f}, {0xC0, -2.0f},
        };
        for (Object[] row : decode) {
            int code = (Integer) row[0];
            assertThat(E4M3.decode((byte) code)).as("decode(0x%02X)", code).isEqualTo((Float) row[1]);
        }
        assertThat(Float.floatToRawIntBits(E4M3.decode((byte) 0x80))).isEqualTo(Float.floatToRawIntBits(-0.0f));
    }
}
