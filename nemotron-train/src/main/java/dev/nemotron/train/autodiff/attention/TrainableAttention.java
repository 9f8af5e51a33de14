package dev.nemotron.train.autodiff.attention;

import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.core.Linear;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.train.autodiff.core.TrainableMixer;

/**
 * Causal grouped-query self-attention without positional embedding (Nemotron-H), float64.
 *
 * <pre>
 * x [L, d] -> out [L, d];  Hq query heads, Hkv KV heads, head dim hd; query head h reads KV head h/(Hq/Hkv)
 * 1. q = q_proj(x) [L, Hq, hd];  k = k_proj(x), v = v_proj(x) [L, Hkv, hd]
 * 2. s[h,i,j] = q[i,h].k[j,kv(h)] / sqrt(hd) for j <= i;  p = softmax_j(s)     P [Hq, L, L]
 * 3. a[i,h] = sum_j p[h,i,j] v[j,kv(h)]                                          [L, Hq, hd]
 * 4. out = o_proj(a)
 * backward (per query head, GQA: the query heads sharing a KV head add into its dk, dv):
 *   dp[j] = da[i].v[j];  dv[j] += p[j] da[i];  ds[j] = p[j] (dp[j] - sum_j' p[j'] dp[j'])
 *   dq[i] += scale sum_j ds[j] k[j];  dk[j] += scale ds[j] q[i]
 * </pre>
 */
public final class TrainableAttention implements TrainableMixer<TrainableAttention.Saved> {
    /** Projection inputs and outputs, the attention probabilities and the attention output. */
    public static final class Saved {
        double[] x;
        double[] q;
        double[] k;
        double[] v;
        double[] p;
        double[] a;
        int rows;
    }

    private final String prefix;
    private final int d;
    private final int qHeads;
    private final int kvHeads;
    private final int hd;
    private final double[] wq;
    private final double[] wk;
    private final double[] wv;
    private final double[] wo;
    private final double[] bq;
    private final double[] bk;
    private final double[] bv;
    private final double[] bo;

    public TrainableAttention(Parameters params, String prefix, int qHeads, int kvHeads, int headDim) {
        this.prefix = prefix;
        this.qHeads = qHeads;
        this.kvHeads = kvHeads;
        this.hd = headDim;
        this.wq = params.get(prefix + "q_proj.weight");
        this.wk = params.get(prefix + "k_proj.weight");
        this.wv = params.get(prefix + "v_proj.weight");
        this.wo = params.get(prefix + "o_proj.weight");
        this.bq = params.getOrNull(prefix + "q_proj.bias");
        this.bk = params.getOrNull(prefix + "k_proj.bias");
        this.bv = params.getOrNull(prefix + "v_proj.bias");
        this.bo = params.getOrNull(prefix + "o_proj.bias");
        this.d = (int) params.shape(prefix + "q_proj.weight")[1];
        if (qHeads % kvHeads != 0 || params.shape(prefix + "q_proj.weight")[0] != (long) qHeads * headDim
                || params.shape(prefix + "k_proj.weight")[0] != (long) kvHeads * headDim) {
            throw new IllegalArgumentException(prefix + ": projections do not match " + qHeads + " query heads, "
                    + kvHeads + " KV heads of " + headDim);
        }
    }

    /** Sizes from the config as nemotron-arch reads them ({@code head_dim} defaults to hidden/heads). */
    public static TrainableAttention of(Parameters params, String prefix, ModelConfigView config) {
        int q = config.getInt("num_attention_heads");
        int kv = config.has("num_key_value_heads") ? config.getInt("num_key_value_heads") : q;
        int hd = config.has("head_dim") ? config.getInt("head_dim") : config.hiddenSize() / q;
        return new TrainableAttention(params, prefix, q, kv, hd);
    }

    @Override
    public Saved newSaved() {
        return new Saved();
    }

    @Override
    public double[] forward(double[] x, int rows, Saved saved) {
        int qRow = qHeads * hd;
        int kvRow = kvHeads * hd;
        int group = qHeads / kvHeads;
        double scale = 1.0 / Math.sqrt(hd);
        // 1. projections
        double[] q = Linear.forward(x, rows, d, wq, bq, qRow);
        double[] k = Linear.forward(x, rows, d, wk, bk, kvRow);
        double[] v = Linear.forward(x, rows, d, wv, bv, kvRow);
        // 2-3. causal softmax attention per query head
        double[] p = new double[qHeads * rows * rows];
        double[] a = new double[rows * qRow];
        for (int h = 0; h < qHeads; h++) {
            int kvh = h / group;
            for (int i = 0; i < rows; i++) {
                int pr = (h * rows + i) * rows;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int e = 0; e < hd; e++) {
                        s += q[(i * qHeads + h) * hd + e] * k[(j * kvHeads + kvh) * hd + e];
                    }
                    p[pr + j] = s * scale;
                    max = Math.max(max, p[pr + j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    p[pr + j] = Math.exp(p[pr + j] - max);
                    sum += p[pr + j];
                }
                for (int j = 0; j <= i; j++) {
                    p[pr + j] /= sum;
                }
                for (int e = 0; e < hd; e++) {
                    double acc = 0;
                    for (int j = 0; j <= i; j++) {
                        acc += p[pr + j] * v[(j * kvHeads + kvh) * hd + e];
                    }
                    a[(i * qHeads + h) * hd + e] = acc;
                }
            }
        }
        if (saved != null) {
            saved.x = x;
            saved.q = q;
            saved.k = k;
            saved.v = v;
            saved.p = p;
            saved.a = a;
            saved.rows = rows;
        }
        // 4. output projection
        return Linear.forward(a, rows, qRow, wo, bo, d);
    }

    @Override
    public double[] backward(double[] dOut, Saved s, Gradients grads) {
        int rows = s.rows;
        int qRow = qHeads * hd;
        int kvRow = kvHeads * hd;
        int group = qHeads / kvHeads;
        double scale = 1.0 / Math.sqrt(hd);
        // 4. o_proj
        double[] da = Linear.backward(dOut, s.a, rows, qRow, wo, d, grads.get(prefix + "o_proj.weight"),
                bias(grads, "o_proj.bias", bo));
        // 3-2. through the weighted sum and the softmax
        double[] dq = new double[rows * qRow];
        double[] dk = new double[rows * kvRow];
        double[] dv = new double[rows * kvRow];
        double[] dp = new double[rows];
        for (int h = 0; h < qHeads; h++) {
            int kvh = h / group;
            for (int i = 0; i < rows; i++) {
                int pr = (h * rows + i) * rows;
                int ai = (i * qHeads + h) * hd;
                double dot = 0;
                for (int j = 0; j <= i; j++) {
                    int vj = (j * kvHeads + kvh) * hd;
                    double g = 0;
                    for (int e = 0; e < hd; e++) {
                        g += da[ai + e] * s.v[vj + e];
                        dv[vj + e] += s.p[pr + j] * da[ai + e];
                    }
                    dp[j] = g;
                    dot += s.p[pr + j] * g;
                }
                for (int j = 0; j <= i; j++) {
                    double ds = s.p[pr + j] * (dp[j] - dot) * scale;
                    int kj = (j * kvHeads + kvh) * hd;
                    for (int e = 0; e < hd; e++) {
                        dq[ai + e] += ds * s.k[kj + e];
                        dk[kj + e] += ds * s.q[ai + e];
                    }
                }
            }
        }
        // 1. projections
        double[] dx = Linear.backward(dq, s.x, rows, d, wq, qRow, grads.get(prefix + "q_proj.weight"),
                bias(grads, "q_proj.bias", bq));
        add(dx, Linear.backward(dk, s.x, rows, d, wk, kvRow, grads.get(prefix + "k_proj.weight"),
                bias(grads, "k_proj.bias", bk)));
        add(dx, Linear.backward(dv, s.x, rows, d, wv, kvRow, grads.get(prefix + "v_proj.weight"),
                bias(grads, "v_proj.bias", bv)));
        return dx;
    }

    private double[] bias(Gradients grads, String name, double[] param) {
        return param == null ? null : grads.get(prefix + name);
    }

    private static void add(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }
}
