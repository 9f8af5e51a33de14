package dev.nemotron.train.fp8;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Bf16Test {
    /** Reference: the nearer of the two bfloat16 neighbours, ties to the even one. */
    private static float reference(float x) {
        int bits = Float.floatToRawIntBits(x);
        int lowBits = bits & 0xFFFF0000;
        float lo = Float.intBitsToFloat(lowBits);
        float hi = Float.intBitsToFloat(lowBits + 0x10000); // next bf16 away from zero
        // past the largest bf16 the next step is 2^128 with unbounded exponent, which becomes inf
        double hiValue = Float.isInfinite(hi) ? Math.copySign(0x1p128, hi) : hi;
        double dLo = Math.abs((double) x - lo);
        double dHi = Math.abs((double) x - hiValue);
        if (dLo < dHi) {
            return lo;
        }
        if (dHi < dLo) {
            return hi;
        }
        return ((lowBits >>> 16) & 1) == 0 ? lo : hi;
    }

    @Test
    void roundsToNearestEven() {
        assertThat(Bf16.round(1f)).isEqualTo(1f);
        assertThat(Bf16.round(1f + 0x1p-8f)).isEqualTo(1f);                   // tie, 1.0 is even
        assertThat(Bf16.round(1f + 3 * 0x1p-8f)).isEqualTo(1f + 0x1p-6f);     // tie, up to even
        assertThat(Bf16.round(1f + 0x1p-8f + 0x1p-20f)).isEqualTo(1f + 0x1p-7f);
        assertThat(Bf16.round(-(1f + 0x1p-8f + 0x1p-20f))).isEqualTo(-(1f + 0x1p-7f));
        assertThat(Bf16.round(-0f)).isEqualTo(-0f);
        assertThat(Float.floatToRawIntBits(Bf16.round(-0f))).isEqualTo(0x80000000);
        assertThat(Bf16.round(Float.MAX_VALUE)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Bf16.round(Float.intBitsToFloat(0x7F7F7FFF))).isEqualTo(Float.intBitsToFloat(0x7F7F0000)); // largest bf16
        assertThat(Bf16.round(Float.intBitsToFloat(0xFF7F8000))).isEqualTo(Float.NEGATIVE_INFINITY); // tie, odd: away
        assertThat(Bf16.round(Float.NEGATIVE_INFINITY)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Bf16.round(Float.NaN)).isNaN();
        assertThat(Bf16.round(Float.intBitsToFloat(0x7F800001))).isNaN(); // a NaN whose payload would truncate to inf
        assertThat(Bf16.round(1.0000001)).isEqualTo(1.0);
    }

    @Test
    void matchesReferenceOnRandomFloats() {
        SplittableRandom rnd = new SplittableRandom(16);
        for (int i = 0; i < 200_000; i++) {
            float x = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isNaN(x) || Float.isInfinite(x) || Math.abs(x) > 3.38e38f) {
                continue;
            }
            assertThat(Bf16.round(x)).as("%s", x).isEqualTo(reference(x));
        }
        for (int i = 0; i < 200_000; i++) { // ties: exactly halfway between two bf16 numbers
            int bits = (rnd.nextInt() & 0x7F7F0000) | 0x8000;
            float x = Float.intBitsToFloat(bits);
            assertThat(Bf16.round(x)).as("%s", x).isEqualTo(reference(x));
        }
    }
}
