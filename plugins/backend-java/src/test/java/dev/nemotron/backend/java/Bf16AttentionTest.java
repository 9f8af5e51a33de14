package dev.nemotron.backend.java;

import static dev.nemotron.backend.java.TestData.assertClose;
import static dev.nemotron.backend.java.TestData.uniform;

import dev.nemotron.backend.java.attention.VectorAttentionKernels;
import dev.nemotron.backend.java.reference.ReferenceKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attention over a bfloat16 KV cache: the Java backend's kernel (bf16 widened in registers)
 * against the float32 kernel on the same keys and values widened up front, and against the
 * interface's default (which widens, then calls the float32 reference).
 */
class Bf16AttentionTest {
    private static final Parallel PAR = new Parallel(2);
    private static final VectorAttentionKernels FAST = new VectorAttentionKernels(PAR);
    private static final ReferenceKernels REF = new ReferenceKernels();

    @AfterAll
    static void close() {
        PAR.close();
    }

    private static short bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    @ParameterizedTest
    @CsvSource({"1,1,1,1,1", "1,9,4,2,7", "5,5,4,1,13", "1,40,8,8,128", "3,70,6,3,64", "1,33,2,1,19"})
    void bf16CacheEqualsFloatAttentionOverTheWidenedValues(int queries, int keys, int qHeads, int kvHeads, int hd) {
        SplittableRandom rnd = new SplittableRandom(queries * 1000L + keys * 10L + hd);
        float[] q = uniform(rnd, queries * qHeads * hd, -2, 2);
        float[] k = uniform(rnd, keys * kvHeads * hd, -2, 2);
        float[] v = uniform(rnd, keys * kvHeads * hd, -1, 1);
        short[] kb = new short[k.length + 5]; // longer than needed, as a growing cache is
        short[] vb = new short[v.length + 5];
        float[] kw = new float[k.length];
        float[] vw = new float[v.length];
        for (int i = 0; i < k.length; i++) {
            kb[i] = bf16(k[i]);
            vb[i] = bf16(v[i]);
            kw[i] = Float.intBitsToFloat(kb[i] << 16);
            vw[i] = Float.intBitsToFloat(vb[i] << 16);
        }
        float scale = (float) (1 / Math.sqrt(hd));
        int n = queries * qHeads * hd;
        float[] fast = new float[n];
        float[] widened = new float[n];
        float[] byDefault = new float[n];
        FAST.causalAttentionBf16(queries, keys, qHeads, kvHeads, hd, scale, q, kb, vb, fast);
        FAST.causalAttention(queries, keys, qHeads, kvHeads, hd, scale, q, kw, vw, widened);
        REF.causalAttentionBf16(queries, keys, qHeads, kvHeads, hd, scale, q, kb, vb, byDefault);
        assertClose(fast, widened, n, 1e-6, "bf16 kernel vs float kernel on widened k/v");
        assertClose(fast, byDefault, n, 1e-5, "bf16 kernel vs the default (widen + reference)");
    }
}
