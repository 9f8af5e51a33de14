package dev.nemotron.train.autodiff.attention;

/**
 * The scalar loops {@link CausalAttention} is tested against: same arguments and results, every
 * score, softmax and sum written out per (head, query, key) as in torch's eager attention.
 *
 * <pre>
 * s[h,i,j] = q[i,h].k[j,g] / sqrt(hd) for j <= i;  p = softmax_j(s);  a[i,h] = sum_j p[h,i,j] v[j,g]
 * backward: dp[j] = da[i].v[j];  dv[j] += p[j] da[i];  ds[j] = p[j] (dp[j] - sum_j' p[j'] dp[j'])
 *           dq[i] += scale sum_j ds[j] k[j];  dk[j] += scale ds[j] q[i]
 * packed row: j runs over starts[i] &lt;= j &lt;= i only (i's own segment), p = 0 elsewhere.
 * </pre>
 */
public final class ReferenceAttention {
    private ReferenceAttention() {
    }

    public static CausalAttention.Forward forward(double[] q, double[] k, double[] v, int rows,
                                                  CausalAttention.Shape sh) {
        return forward(q, k, v, rows, sh, null);
    }

    /** @param starts per position the first position of its segment [L], or null (one segment) */
    public static CausalAttention.Forward forward(double[] q, double[] k, double[] v, int rows,
                                                  CausalAttention.Shape sh, int[] starts) {
        int qHeads = sh.qHeads(), kvHeads = sh.kvHeads(), hd = sh.headDim(), group = sh.group();
        double scale = 1.0 / Math.sqrt(hd);
        double[][] p = new double[qHeads][rows * rows];
        double[] a = new double[rows * qHeads * hd];
        for (int h = 0; h < qHeads; h++) {
            int kvh = h / group;
            double[] ph = p[h];
            for (int i = 0; i < rows; i++) {
                int pr = i * rows;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = starts == null ? 0 : starts[i]; j <= i; j++) {
                    double s = 0;
                    for (int e = 0; e < hd; e++) {
                        s += q[(i * qHeads + h) * hd + e] * k[(j * kvHeads + kvh) * hd + e];
                    }
                    ph[pr + j] = s * scale;
                    max = Math.max(max, ph[pr + j]);
                }
                double sum = 0;
                for (int j = starts == null ? 0 : starts[i]; j <= i; j++) {
                    ph[pr + j] = Math.exp(ph[pr + j] - max);
                    sum += ph[pr + j];
                }
                for (int j = starts == null ? 0 : starts[i]; j <= i; j++) {
                    ph[pr + j] /= sum;
                }
                for (int e = 0; e < hd; e++) {
                    double acc = 0;
                    for (int j = starts == null ? 0 : starts[i]; j <= i; j++) {
                        acc += ph[pr + j] * v[(j * kvHeads + kvh) * hd + e];
                    }
                    a[(i * qHeads + h) * hd + e] = acc;
                }
            }
        }
        return new CausalAttention.Forward(a, p);
    }

    public static CausalAttention.Grads backward(double[] da, double[] q, double[] k, double[] v, double[][] p,
                                                 int rows, CausalAttention.Shape sh) {
        return backward(da, q, k, v, p, rows, sh, null);
    }

    /** @param starts as given to forward */
    public static CausalAttention.Grads backward(double[] da, double[] q, double[] k, double[] v, double[][] p,
                                                 int rows, CausalAttention.Shape sh, int[] starts) {
        int qHeads = sh.qHeads(), kvHeads = sh.kvHeads(), hd = sh.headDim(), group = sh.group();
        double scale = 1.0 / Math.sqrt(hd);
        double[] dq = new double[q.length];
        double[] dk = new double[k.length];
        double[] dv = new double[v.length];
        double[] dp = new double[rows];
        for (int h = 0; h < qHeads; h++) {
            int kvh = h / group;
            double[] ph = p[h];
            for (int i = 0; i < rows; i++) {
                int pr = i * rows;
                int ai = (i * qHeads + h) * hd;
                double dot = 0;
                for (int j = starts == null ? 0 : starts[i]; j <= i; j++) {
                    int vj = (j * kvHeads + kvh) * hd;
                    double g = 0;
                    for (int e = 0; e < hd; e++) {
                        g += da[ai + e] * v[vj + e];
                        dv[vj + e] += ph[pr + j] * da[ai + e];
                    }
                    dp[j] = g;
                    dot += ph[pr + j] * g;
                }
                for (int j = starts == null ? 0 : starts[i]; j <= i; j++) {
                    double ds = ph[pr + j] * (dp[j] - dot) * scale;
                    int kj = (j * kvHeads + kvh) * hd;
                    for (int e = 0; e < hd; e++) {
                        dq[ai + e] += ds * k[kj + e];
                        dk[kj + e] += ds * q[ai + e];
                    }
                }
            }
        }
        return new CausalAttention.Grads(dq, dk, dv);
    }
}
