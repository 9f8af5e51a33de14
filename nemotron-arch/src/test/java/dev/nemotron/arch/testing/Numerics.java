package dev.nemotron.arch.testing;

/** Error measures for comparing against golden data. */
public final class Numerics {
    private Numerics() {
    }

    /** ‖out − ref‖ / ‖ref‖ in float64, as the fixtures' README defines it. */
    public static double relativeError(float[] out, float[] ref) {
        if (out.length != ref.length) {
            throw new AssertionError("length " + out.length + " != " + ref.length);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = (double) out[i] - ref[i];
            num += d * d;
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num) / Math.sqrt(den);
    }
}
