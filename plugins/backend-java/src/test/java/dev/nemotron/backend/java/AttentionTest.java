package dev.nemotron.backend.java;

import static dev.nemotron.backend.java.TestData.assertClose;
import static dev.nemotron.backend.java.TestData.uniform;

import dev.nemotron.api.backend.AttentionKernels;
import dev.nemotron.backend.java.attention.VectorAttentionKernels;
import dev.nemotron.backend.java.reference.ReferenceKernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttentionTest {
    private static final Parallel PAR = new Parallel(2);
    private static final VectorAttentionKernels FAST = new VectorAttentionKernels(PAR);
    private static final ReferenceKernels REF = new ReferenceKernels();

    @AfterAll
    static void close() {
        PAR.close();
    }

    @ParameterizedTest
    @CsvSource({"1,1,1,1,1", "1,1,4,2,7", "5,5,4,1,13", "3,11,6,3,16", "17,17,8,2,33",
        "1,40,8,8,128", "64,64,4,2,64", "7,300,2,1,19"})
    void matchesReferenceAndExplicitSoftmax(int queries, int keys, int qHeads, int kvHeads, int hd) {
        SplittableRandom rnd = new SplittableRandom(queries * 1000L + keys * 10L + hd);
        float[] q = uniform(rnd, queries * qHeads * hd, -2, 2);
        float[] k = uniform(rnd, keys * kvHeads * hd, -2, 2);
        float[] v = uniform(rnd, keys * kvHeads * hd, -1, 1);
        float scale = (float) (1 / Math.sqrt(hd));
        int n = queries * qHeads * hd;
        float[] fast = new float[n];
        float[] ref = new float[n];
        FAST.causalAttention(queries, keys, qHeads, kvHeads, hd, scale, q, k, v, fast);
        REF.causalAttention(queries, keys, qHeads, kvHeads, hd, scale, q, k, v, ref);
        double[] exact = explicitSoftmax(queries, keys, qHeads, kvHeads, hd, scale, q, k, v);
        assertClose(fast, ref, n, 1e-5, "fast vs reference");
        assertClose(fast, exact, n, 1e-5, "fast vs float64");
        assertClose(ref, exact, n, 1e-5, "reference vs float64");
    }

    @ParameterizedTest
    @CsvSource({"1,20", "3,20", "19,20", "5,9"})
    void queriesAfterACacheEqualTheLastRowsOfPrefill(int queries, int keys) {
        int qHeads = 6;
        int kvHeads = 2;
        int hd = 20;
        SplittableRandom rnd = new SplittableRandom(queries + keys);
        float[] q = uniform(rnd, keys * qHeads * hd, -2, 2);
        float[] k = uniform(rnd, keys * kvHeads * hd, -2, 2);
        float[] v = uniform(rnd, keys * kvHeads * hd, -1, 1);
        float scale = 0.3f;
        for (AttentionKernels a : new AttentionKernels[] {FAST, REF}) {
            float[] full = new float[keys * qHeads * hd];
            a.causalAttention(keys, keys, qHeads, kvHeads, hd, scale, q, k, v, full);
            int from = (keys - queries) * qHeads * hd;
            float[] tail = new float[queries * qHeads * hd];
            a.causalAttention(queries, keys, qHeads, kvHeads, hd, scale,
                    Arrays.copyOfRange(q, from, q.length), k, v, tail);
            assertClose(tail, Arrays.copyOfRange(full, from, full.length), tail.length, 1e-6,
                    a.getClass().getSimpleName());
        }
    }

    /** Full [queries, keys] score matrix with a -inf causal mask, softmax, times V, in float64. */
    private static double[] explicitSoftmax(int queries, int keys, int qHeads, int kvHeads, int hd,
                                            double scale, float[] q, float[] k, float[] v) {
        double[] out = new double[queries * qHeads * hd];
        for (int h = 0; h < qHeads; h++) {
            int kvh = h * kvHeads / qHeads;
            double[][] s = new double[queries][keys];
            for (int i = 0; i < queries; i++) {
                for (int j = 0; j < keys; j++) {
                    if (j > keys - queries + i) {
                        s[i][j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int e = 0; e < hd; e++) {
                        dot += (double) q[(i * qHeads + h) * hd + e] * k[(j * kvHeads + kvh) * hd + e];
                    }
                    s[i][j] = dot * scale;
                }
                double z = 0;
                for (int j = 0; j < keys; j++) {
                    z += Math.exp(s[i][j]);
                }
                for (int e = 0; e < hd; e++) {
                    double acc = 0;
                    for (int j = 0; j < keys; j++) {
                        acc += Math.exp(s[i][j]) / z * v[(j * kvHeads + kvh) * hd + e];
                    }
                    out[(i * qHeads + h) * hd + e] = acc;
                }
            }
        }
        return out;
    }
}
