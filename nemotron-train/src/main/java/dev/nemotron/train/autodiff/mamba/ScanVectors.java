package dev.nemotron.train.autodiff.mamba;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Short float64 vector loops of the selective scan (lengths P or N, tens of elements), vectorised
 * with the preferred species and a scalar tail. Deterministic: a fixed order for any input.
 *
 * <pre>
 * dot:    sum_i a[i] b[i]           (lane-wise partial sums, lanes added in order, then the tail)
 * sum:    lanes added in order 0, 1, ...: not reduceLanes(ADD), whose order the Vector API leaves
 *         open (compiled and interpreted code may differ: results would depend on JIT timing)
 * axpy:   y[i] += alpha x[i]        (fused multiply-add)
 * decay:  y[i] = s x[i] + alpha b[i]
 * </pre>
 */
final class ScanVectors {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private ScanVectors() {
    }

    /** The largest multiple of the lane count not above {@code n}. */
    static int bound(int n) {
        return n - n % L;
    }

    /** The lanes of {@code v} added in lane order (deterministic, unlike {@code reduceLanes(ADD)}). */
    static double sum(DoubleVector v) {
        double s = v.lane(0);
        for (int l = 1; l < L; l++) {
            s += v.lane(l);
        }
        return s;
    }

    static double dot(double[] a, int ao, double[] b, int bo, int n) {
        int i = 0;
        double sum = 0;
        int vb = bound(n);
        if (vb > 0) {
            DoubleVector acc = DoubleVector.zero(S);
            for (; i < vb; i += L) {
                acc = DoubleVector.fromArray(S, a, ao + i).fma(DoubleVector.fromArray(S, b, bo + i), acc);
            }
            sum = sum(acc);
        }
        for (; i < n; i++) {
            sum = Math.fma(a[ao + i], b[bo + i], sum);
        }
        return sum;
    }

    /** {@code y[yo + i] += alpha x[xo + i]}. */
    static void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        int i = 0;
        int vb = bound(n);
        if (vb > 0) {
            DoubleVector va = DoubleVector.broadcast(S, alpha);
            for (; i < vb; i += L) {
                va.fma(DoubleVector.fromArray(S, x, xo + i), DoubleVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    /** {@code y[yo + i] = s x[xo + i] + alpha b[bo + i]}: one step of the state recurrence. */
    static void decay(double s, double[] x, int xo, double alpha, double[] b, int bo, double[] y, int yo, int n) {
        int i = 0;
        int vb = bound(n);
        if (vb > 0) {
            DoubleVector vs = DoubleVector.broadcast(S, s);
            DoubleVector va = DoubleVector.broadcast(S, alpha);
            for (; i < vb; i += L) {
                DoubleVector decayed = DoubleVector.fromArray(S, x, xo + i).mul(vs);
                va.fma(DoubleVector.fromArray(S, b, bo + i), decayed).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] = Math.fma(alpha, b[bo + i], s * x[xo + i]);
        }
    }

    /**
     * One adjoint step of one state row ({@code n = 0 .. N-1}, one head and one p) of the scan's
     * backward pass: {@code dc[n] += dy st1[n]}; {@code gs = adj[n] + dy c[n]};
     * {@code db[n] += coef gs}; {@code adj[n] = decay gs}. Adds {@code sum_n gs st0[n]} to
     * {@code sums[0]} and stores {@code sum_n gs b[n]} in {@code sums[1]}.
     *
     * @param st1 the state after the token, at {@code s1o}; {@code st0} the state before it, at {@code s0o}
     */
    static void adjoint(double dy, double decay, double coef, double[] st, int s1o, int s0o, double[] adj, int ao,
                        double[] b, double[] c, int bco, double[] db, double[] dc, int n, double[] sums) {
        int i = 0;
        double sumS0 = 0;
        double sumB = 0;
        int vb = bound(n);
        if (vb > 0) {
            DoubleVector vdy = DoubleVector.broadcast(S, dy);
            DoubleVector vdecay = DoubleVector.broadcast(S, decay);
            DoubleVector vcoef = DoubleVector.broadcast(S, coef);
            DoubleVector accS0 = DoubleVector.zero(S);
            DoubleVector accB = DoubleVector.zero(S);
            for (; i < vb; i += L) {
                DoubleVector s1 = DoubleVector.fromArray(S, st, s1o + i);
                vdy.fma(s1, DoubleVector.fromArray(S, dc, bco + i)).intoArray(dc, bco + i);
                DoubleVector gs = vdy.fma(DoubleVector.fromArray(S, c, bco + i), DoubleVector.fromArray(S, adj, ao + i));
                DoubleVector vb0 = DoubleVector.fromArray(S, b, bco + i);
                accS0 = gs.fma(DoubleVector.fromArray(S, st, s0o + i), accS0);
                accB = gs.fma(vb0, accB);
                vcoef.fma(gs, DoubleVector.fromArray(S, db, bco + i)).intoArray(db, bco + i);
                gs.mul(vdecay).intoArray(adj, ao + i);
            }
            sumS0 = sum(accS0);
            sumB = sum(accB);
        }
        for (; i < n; i++) {
            dc[bco + i] = Math.fma(dy, st[s1o + i], dc[bco + i]);
            double gs = Math.fma(dy, c[bco + i], adj[ao + i]);
            sumS0 = Math.fma(gs, st[s0o + i], sumS0);
            sumB = Math.fma(gs, b[bco + i], sumB);
            db[bco + i] = Math.fma(coef, gs, db[bco + i]);
            adj[ao + i] = decay * gs;
        }
        sums[0] += sumS0;
        sums[1] = sumB;
    }
}
