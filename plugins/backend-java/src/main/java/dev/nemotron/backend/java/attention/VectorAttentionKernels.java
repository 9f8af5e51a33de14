package dev.nemotron.backend.java.attention;

import static dev.nemotron.backend.java.simd.Simd.F;
import static dev.nemotron.backend.java.simd.Simd.LANES;

import dev.nemotron.api.backend.AttentionKernels;
import dev.nemotron.backend.java.Parallel;
import dev.nemotron.backend.java.simd.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Causal GQA with a two-pass float32 softmax (scores, max, exp, weighted sum of V), vectorised
 * over the head dimension; (head, query) pairs are split over cores.
 */
public final class VectorAttentionKernels implements AttentionKernels {
    private static final long WORK_PER_TASK = 1 << 15;
    private final Parallel parallel;

    public VectorAttentionKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void causalAttention(int queries, int keys, int qHeads, int kvHeads, int headDim,
                                float scale, float[] q, float[] k, float[] v, float[] out) {
        AttentionChecks.check(queries, keys, qHeads, kvHeads, headDim, q, k, v, out);
        int grain = (int) Math.max(1, WORK_PER_TASK / Math.max(1L, (long) keys * headDim));
        parallel.forRange(0, qHeads * queries, grain, (r0, r1) -> {
            float[] scores = new float[keys];
            for (int r = r0; r < r1; r++) {
                int h = r / queries;
                int i = r % queries;
                row(h, i, queries, keys, qHeads, kvHeads, headDim, scale, q, k, v, out, scores);
            }
        });
    }

    /** As {@link #causalAttention}, reading a bfloat16 KV cache directly (widened in registers). */
    @Override
    public void causalAttentionBf16(int queries, int keys, int qHeads, int kvHeads, int headDim, float scale,
                                    float[] q, short[] k, short[] v, float[] out) {
        AttentionChecks.check(queries, keys, qHeads, kvHeads, headDim, q, new float[0], new float[0], out, false);
        long kvn = (long) keys * kvHeads * headDim;
        if (k.length < kvn || v.length < kvn) {
            throw new IllegalArgumentException("attention k/v: needs " + kvn + " bf16 values, have " + k.length
                    + " and " + v.length);
        }
        int grain = (int) Math.max(1, WORK_PER_TASK / Math.max(1L, (long) keys * headDim));
        parallel.forRange(0, qHeads * queries, grain, (r0, r1) -> {
            float[] scores = new float[keys];
            for (int r = r0; r < r1; r++) {
                rowBf16(r / queries, r % queries, queries, keys, qHeads, kvHeads, headDim, scale, q, k, v, out, scores);
            }
        });
    }

    private static void rowBf16(int h, int i, int queries, int keys, int qHeads, int kvHeads, int hd,
                                float scale, float[] q, short[] k, short[] v, float[] out, float[] sc) {
        int pos = keys - queries + i;
        int kvh = h / (qHeads / kvHeads);
        int qo = (i * qHeads + h) * hd;
        int kvStride = kvHeads * hd;
        int kvo = kvh * hd;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j <= pos; j++) {
            float s = Bf16Simd.dot(q, qo, k, j * kvStride + kvo, hd) * scale;
            sc[j] = s;
            max = Math.max(max, s);
        }
        float sum = expInPlace(sc, pos + 1, max);
        java.util.Arrays.fill(out, qo, qo + hd, 0f);
        for (int j = 0; j <= pos; j++) {
            Bf16Simd.axpy(sc[j], v, j * kvStride + kvo, out, qo, hd);
        }
        Simd.scale(1f / sum, out, qo, hd);
    }

    private static void row(int h, int i, int queries, int keys, int qHeads, int kvHeads, int hd,
                            float scale, float[] q, float[] k, float[] v, float[] out, float[] sc) {
        int pos = keys - queries + i;
        int kvh = h / (qHeads / kvHeads);
        int qo = (i * qHeads + h) * hd;
        int kvStride = kvHeads * hd;
        int kvo = kvh * hd;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j <= pos; j++) {
            float s = Simd.dot(q, qo, k, j * kvStride + kvo, hd) * scale;
            sc[j] = s;
            max = Math.max(max, s);
        }
        float sum = expInPlace(sc, pos + 1, max);
        java.util.Arrays.fill(out, qo, qo + hd, 0f);
        for (int j = 0; j <= pos; j++) {
            Simd.axpy(sc[j], v, j * kvStride + kvo, out, qo, hd);
        }
        Simd.scale(1f / sum, out, qo, hd);
    }

    /** {@code sc[j] = exp(sc[j] - max)} for {@code j < n}; returns their sum. */
    private static float expInPlace(float[] sc, int n, float max) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += LANES) {
            FloatVector e = FloatVector.fromArray(F, sc, j).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(sc, j);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            sc[j] = (float) Math.exp(sc[j] - max);
            sum += sc[j];
        }
        return sum;
    }
}
