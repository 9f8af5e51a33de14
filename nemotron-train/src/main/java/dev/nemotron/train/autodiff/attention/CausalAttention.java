package dev.nemotron.train.autodiff.attention;

import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.gemm.Gemm;
import java.util.Arrays;

/**
 * The core of causal grouped-query attention (between the projections), per head through the
 * vectorised {@link Gemm}; {@link ReferenceAttention} is the scalar version it is tested against.
 *
 * <pre>
 * q [L, Hq, hd]  k, v [L, Hkv, hd]; query head h reads KV head g = h / (Hq/Hkv); scale = 1/sqrt(hd)
 * forward, per query head h (qh, kg, vg: the head's [L, hd] slices, gathered):
 * 1. s = qh kg^T                                  Gemm.nt(L, L, hd)     [L, L]
 * 2. p[i, j] = softmax_{j <= i}(s[i, j] scale), 0 for j > i (max subtracted)
 * 3. a_h = p vg                                   Gemm.nn(L, hd, L)     scattered into a [L, Hq, hd]
 * backward, per query head h (the heads of a group continue the same dk_g, dv_g chains, h ascending):
 * 1. dp = da_h vg^T                               Gemm.nt(L, L, hd)
 * 2. dv_g += p^T da_h                             Gemm.tn(L, hd, L)
 * 3. ds[i, j] = p[i, j] (dp[i, j] - sum_{j' <= i} p[i, j'] dp[i, j']) scale, j <= i; 0 above
 * 4. dq_h = ds kg                                 Gemm.nn(L, hd, L)
 * 5. dk_g += ds^T qh                              Gemm.tn(L, hd, L)
 * packed row (segments): each segment is attended on its own rows (block-diagonal causal
 * attention): the steps above per segment, on its contiguous slices of q, k, v and da, outputs and
 * gradients written back in place; cost sum_i n_i^2 instead of L^2. {@link ReferenceAttention}
 * masks the full L x L scores instead (j from the first position of i's segment).
 * </pre>
 * The products above the diagonal are computed and discarded: at these sizes a full GEMM is far
 * faster than a triangular scalar loop.
 */
public final class CausalAttention {
    /** Sizes: query heads, KV heads, head dim. */
    public record Shape(int qHeads, int kvHeads, int headDim) {
        public Shape {
            if (qHeads < 1 || kvHeads < 1 || qHeads % kvHeads != 0) {
                throw new IllegalArgumentException(qHeads + " query heads do not group over " + kvHeads + " KV heads");
            }
        }

        int group() {
            return qHeads / kvHeads;
        }
    }

    /** The attention output {@code a [L, Hq, hd]} and each query head's probabilities {@code p[h] [L, L]}. */
    public record Forward(double[] a, double[][] p) {
    }

    /** A packed row's attention output {@code a [L, Hq, hd]} and each segment's {@link Forward} over its rows. */
    public record SegmentedForward(double[] a, Forward[] segments) {
    }

    /** Gradients of q, k, v. */
    public record Grads(double[] dq, double[] dk, double[] dv) {
    }

    private CausalAttention() {
    }

    public static Forward forward(double[] q, double[] k, double[] v, int rows, Shape s) {
        int hd = s.headDim();
        double scale = 1.0 / Math.sqrt(hd);
        double[] a = new double[rows * s.qHeads() * hd];
        double[][] p = new double[s.qHeads()][];
        for (int g = 0; g < s.kvHeads(); g++) {
            double[] kg = gather(k, rows, s.kvHeads(), g, hd);
            double[] vg = gather(v, rows, s.kvHeads(), g, hd);
            for (int h = g * s.group(); h < (g + 1) * s.group(); h++) {
                double[] qh = gather(q, rows, s.qHeads(), h, hd);
                // 1. scores
                double[] ph = Gemm.nt(rows, rows, hd, qh, kg, null);
                // 2. causal softmax
                for (int i = 0; i < rows; i++) {
                    int r = i * rows;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        ph[r + j] *= scale;
                        max = Math.max(max, ph[r + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) {
                        ph[r + j] = Math.exp(ph[r + j] - max);
                        sum += ph[r + j];
                    }
                    for (int j = 0; j <= i; j++) {
                        ph[r + j] /= sum;
                    }
                    for (int j = i + 1; j < rows; j++) {
                        ph[r + j] = 0;
                    }
                }
                p[h] = ph;
                // 3. weighted sum of the values
                double[] ah = new double[rows * hd];
                Gemm.nn(rows, hd, rows, ph, vg, ah, false);
                scatter(ah, a, rows, s.qHeads(), h, hd);
            }
        }
        return new Forward(a, p);
    }

    public static Grads backward(double[] da, double[] q, double[] k, double[] v, double[][] p, int rows, Shape s) {
        int hd = s.headDim();
        double scale = 1.0 / Math.sqrt(hd);
        double[] dq = new double[q.length];
        double[] dk = new double[k.length];
        double[] dv = new double[v.length];
        double[] dsBuf = new double[rows * rows];
        for (int g = 0; g < s.kvHeads(); g++) {
            double[] kg = gather(k, rows, s.kvHeads(), g, hd);
            double[] vg = gather(v, rows, s.kvHeads(), g, hd);
            double[] dkg = new double[rows * hd];
            double[] dvg = new double[rows * hd];
            for (int h = g * s.group(); h < (g + 1) * s.group(); h++) {
                boolean more = h > g * s.group();
                double[] qh = gather(q, rows, s.qHeads(), h, hd);
                double[] dah = gather(da, rows, s.qHeads(), h, hd);
                double[] ph = p[h];
                // 1-2. through the weighted sum
                Gemm.nt(rows, rows, hd, dah, vg, null, dsBuf, false);
                Gemm.tn(rows, hd, rows, ph, dah, dvg, more);
                // 3. through the softmax (dsBuf: dp in, ds out)
                for (int i = 0; i < rows; i++) {
                    int r = i * rows;
                    double dot = 0;
                    for (int j = 0; j <= i; j++) {
                        dot += ph[r + j] * dsBuf[r + j];
                    }
                    for (int j = 0; j <= i; j++) {
                        dsBuf[r + j] = ph[r + j] * (dsBuf[r + j] - dot) * scale;
                    }
                    for (int j = i + 1; j < rows; j++) {
                        dsBuf[r + j] = 0;
                    }
                }
                // 4-5. through the scores
                double[] dqh = new double[rows * hd];
                Gemm.nn(rows, hd, rows, dsBuf, kg, dqh, false);
                scatter(dqh, dq, rows, s.qHeads(), h, hd);
                Gemm.tn(rows, hd, rows, dsBuf, qh, dkg, more);
            }
            scatter(dkg, dk, rows, s.kvHeads(), g, hd);
            scatter(dvg, dv, rows, s.kvHeads(), g, hd);
        }
        return new Grads(dq, dk, dv);
    }

    /** Block-diagonal causal attention of a packed row: each segment attends to itself only. */
    public static SegmentedForward forward(double[] q, double[] k, double[] v, Shape s, Segments seg) {
        int qw = s.qHeads() * s.headDim(), kw = s.kvHeads() * s.headDim();
        double[] a = new double[seg.length() * qw];
        Forward[] parts = new Forward[seg.count()];
        for (int i = 0; i < parts.length; i++) {
            int from = seg.start(i), n = seg.length(i);
            parts[i] = forward(slice(q, from, n, qw), slice(k, from, n, kw), slice(v, from, n, kw), n, s);
            System.arraycopy(parts[i].a(), 0, a, from * qw, n * qw);
        }
        return new SegmentedForward(a, parts);
    }

    /** The backward pass of {@link #forward(double[], double[], double[], Shape, Segments)}, segment by segment. */
    public static Grads backward(double[] da, double[] q, double[] k, double[] v, SegmentedForward f, Shape s,
                                 Segments seg) {
        int qw = s.qHeads() * s.headDim(), kw = s.kvHeads() * s.headDim();
        double[] dq = new double[q.length];
        double[] dk = new double[k.length];
        double[] dv = new double[v.length];
        for (int i = 0; i < seg.count(); i++) {
            int from = seg.start(i), n = seg.length(i);
            Grads g = backward(slice(da, from, n, qw), slice(q, from, n, qw), slice(k, from, n, kw),
                    slice(v, from, n, kw), f.segments()[i].p(), n, s);
            System.arraycopy(g.dq(), 0, dq, from * qw, n * qw);
            System.arraycopy(g.dk(), 0, dk, from * kw, n * kw);
            System.arraycopy(g.dv(), 0, dv, from * kw, n * kw);
        }
        return new Grads(dq, dk, dv);
    }

    /** Rows [from, from + n) of {@code x [L, width]}. */
    private static double[] slice(double[] x, int from, int n, int width) {
        return Arrays.copyOfRange(x, from * width, (from + n) * width);
    }

    /** Head {@code h}'s slice {@code [L, hd]} of {@code x [L, heads, hd]}. */
    static double[] gather(double[] x, int rows, int heads, int h, int hd) {
        double[] out = new double[rows * hd];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, (i * heads + h) * hd, out, i * hd, hd);
        }
        return out;
    }

    /** Writes {@code src [L, hd]} into head {@code h} of {@code x [L, heads, hd]}. */
    static void scatter(double[] src, double[] x, int rows, int heads, int h, int hd) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, i * hd, x, (i * heads + h) * hd, hd);
        }
    }
}
