package dev.nemotron.backend.java.attention;

import dev.nemotron.backend.java.simd.Weights;

/** Argument checks shared by the attention implementations. */
public final class AttentionChecks {
    private AttentionChecks() {
    }

    /** Checks sizes: {@code 1 <= queries <= keys}, kv heads dividing query heads, array lengths. */
    public static void check(int queries, int keys, int qHeads, int kvHeads, int headDim,
                             float[] q, float[] k, float[] v, float[] out) {
        check(queries, keys, qHeads, kvHeads, headDim, q, k, v, out, true);
    }

    /** As above; {@code checkKv} false leaves k and v to the caller (a bf16 cache). */
    public static void check(int queries, int keys, int qHeads, int kvHeads, int headDim,
                             float[] q, float[] k, float[] v, float[] out, boolean checkKv) {
        if (queries < 0 || keys < queries || qHeads <= 0 || kvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("bad attention sizes: queries " + queries + ", keys "
                    + keys + ", heads " + qHeads + "/" + kvHeads + ", headDim " + headDim);
        }
        if (qHeads % kvHeads != 0) {
            throw new IllegalArgumentException(qHeads + " query heads not divisible by " + kvHeads);
        }
        Weights.checkLength(q, (long) queries * qHeads * headDim, "attention q");
        Weights.checkLength(out, (long) queries * qHeads * headDim, "attention out");
        if (checkKv) {
            Weights.checkLength(k, (long) keys * kvHeads * headDim, "attention k");
            Weights.checkLength(v, (long) keys * kvHeads * headDim, "attention v");
        }
    }
}
