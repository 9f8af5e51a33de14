package dev.nemotron.train.autodiff.mamba;

/**
 * The scalar selective scan {@link SelectiveScan} is tested against: the same three functions
 * (recurrent forward, chunked SSD forward, adjoint backward) written element by element, every
 * sum in a fixed scalar order. Same arguments, layouts and results (see {@link SelectiveScan}).
 *
 * <pre>
 * x [L,H,P]  dt [L,H]  A [H]  B,C [L,G,N]  D [H] or null  ->  y [L,H,P]; boundary [nc+1, H, P, N]
 * starts [L] or null: per position the first position of its segment (a packed row); a term whose
 * decay spans a segment start is 0, as in {@link SelectiveScan}
 * </pre>
 */
public final class ReferenceScan {
    private ReferenceScan() {
    }

    /** The recurrence, token by token; records the state entering each chunk. One segment. */
    public static double[] recurrent(SelectiveScan.Shape s, int len, int chunk, double[] x, double[] dt, double[] a,
                                     double[] b, double[] c, double[] d, double[] boundary) {
        return recurrent(s, len, chunk, x, dt, a, b, c, d, null, boundary);
    }

    /** The recurrence of a packed row: the state is zeroed at every segment start. */
    public static double[] recurrent(SelectiveScan.Shape s, int len, int chunk, double[] x, double[] dt, double[] a,
                                     double[] b, double[] c, double[] d, int[] starts, double[] boundary) {
        int hh = s.heads(), pp = s.headDim(), g = s.groups(), n = s.stateSize();
        int hpn = s.hpn();
        double[] st = new double[hpn];
        double[] y = new double[len * hh * pp];
        for (int t = 0; t < len; t++) {
            if (t % chunk == 0) {
                System.arraycopy(st, 0, boundary, (t / chunk) * hpn, hpn);
            }
            if (starts != null && t > 0 && starts[t] == t) {
                java.util.Arrays.fill(st, 0);
            }
            for (int h = 0; h < hh; h++) {
                int grp = h / (hh / g);
                double dtv = dt[t * hh + h];
                double decay = Math.exp(dtv * a[h]);
                for (int p = 0; p < pp; p++) {
                    double xv = x[(t * hh + h) * pp + p];
                    double sum = 0;
                    for (int k = 0; k < n; k++) {
                        int si = (h * pp + p) * n + k;
                        st[si] = decay * st[si] + dtv * xv * b[(t * g + grp) * n + k];
                        sum += st[si] * c[(t * g + grp) * n + k];
                    }
                    y[(t * hh + h) * pp + p] = sum + (d == null ? 0 : d[h] * xv);
                }
            }
        }
        System.arraycopy(st, 0, boundary, ((len + chunk - 1) / chunk) * hpn, hpn);
        return y;
    }

    /** The chunked SSD form, step by step as nemotron's ReferenceSsd (and ssd_minimal.py). One segment. */
    public static double[] chunked(SelectiveScan.Shape s, int len, int q, double[] x, double[] dt, double[] a,
                                   double[] b, double[] c, double[] d, double[] prev) {
        return chunked(s, len, q, x, dt, a, b, c, d, null, prev);
    }

    /**
     * The chunked form of a packed row, as ssd_minimal.py with seq_idx: the segment sum between
     * positions of different segments is -inf, so exp(segsum) is 0 there (checked per term here).
     */
    public static double[] chunked(SelectiveScan.Shape s, int len, int q, double[] x, double[] dt, double[] a,
                                   double[] b, double[] c, double[] d, int[] starts, double[] prev) {
        int[] seg = segmentIds(starts, len);
        int hh = s.heads(), pp = s.headDim(), gg = s.groups(), nn = s.stateSize();
        int hpg = hh / gg;
        int nc = (len + q - 1) / q;
        int hpn = s.hpn();

        // 1. cumulative sum of dt*A within each chunk: acs [H, nc, Q]
        double[] acs = new double[hh * nc * q];
        for (int h = 0; h < hh; h++) {
            for (int ch = 0; ch < nc; ch++) {
                double run = 0;
                for (int l = 0; l < len(ch, q, len); l++) {
                    run += dt[(ch * q + l) * hh + h] * a[h];
                    acs[(h * nc + ch) * q + l] = run;
                }
            }
        }

        // 2. diagonal blocks: ydiag[i] = sum_{j<=i in chunk} (C_i.B_j) exp(sum_{j<t<=i} dt_t A) dt_j x_j
        double[] y = new double[len * hh * pp];
        for (int h = 0; h < hh; h++) {
            int g = h / hpg;
            for (int ch = 0; ch < nc; ch++) {
                for (int i = 0; i < len(ch, q, len); i++) {
                    int ti = ch * q + i;
                    for (int j = 0; j <= i; j++) {
                        int tj = ch * q + j;
                        if (seg[tj] != seg[ti]) {
                            continue; // exp(segsum) = 0 across samples
                        }
                        double sum = 0;
                        for (int t = j + 1; t <= i; t++) {
                            sum += dt[(ch * q + t) * hh + h] * a[h];
                        }
                        double cb = 0;
                        for (int n = 0; n < nn; n++) {
                            cb += c[(ti * gg + g) * nn + n] * b[(tj * gg + g) * nn + n];
                        }
                        double m = cb * Math.exp(sum) * dt[tj * hh + h];
                        for (int p = 0; p < pp; p++) {
                            y[(ti * hh + h) * pp + p] += m * x[(tj * hh + h) * pp + p];
                        }
                    }
                }
            }
        }

        // 3. chunk states: states[ch,h,p,n] = sum_l B_l[n] exp(acs[last] - acs[l]) dt_l x_l[p]
        double[] states = new double[nc * hpn];
        for (int ch = 0; ch < nc; ch++) {
            int last = len(ch, q, len) - 1;
            for (int h = 0; h < hh; h++) {
                int g = h / hpg;
                double aLast = acs[(h * nc + ch) * q + last];
                for (int l = 0; l <= last; l++) {
                    int t = ch * q + l;
                    if (seg[t] != seg[ch * q + last]) {
                        continue;
                    }
                    double w = Math.exp(aLast - acs[(h * nc + ch) * q + l]) * dt[t * hh + h];
                    for (int p = 0; p < pp; p++) {
                        for (int n = 0; n < nn; n++) {
                            states[((ch * hh + h) * pp + p) * nn + n] +=
                                    b[(t * gg + g) * nn + n] * w * x[(t * hh + h) * pp + p];
                        }
                    }
                }
            }
        }

        // 4. inter-chunk recurrence: prev[0] = 0; prev[ch+1] = exp(acs[ch,last]) prev[ch] + states[ch]
        for (int ch = 0; ch < nc; ch++) {
            int last = len(ch, q, len) - 1;
            boolean carried = ch == 0 || seg[ch * q - 1] == seg[ch * q + last];
            for (int h = 0; h < hh; h++) {
                double decay = carried ? Math.exp(acs[(h * nc + ch) * q + last]) : 0;
                for (int e = 0; e < pp * nn; e++) {
                    int idx = h * pp * nn + e;
                    prev[(ch + 1) * hpn + idx] = decay * prev[ch * hpn + idx] + states[ch * hpn + idx];
                }
            }
        }

        // 5. state -> output: y[t,h,p] += exp(acs[l]) sum_n C_t[n] prev[ch,h,p,n];  6. + D x
        for (int t = 0; t < len; t++) {
            int ch = t / q;
            int l = t % q;
            boolean carried = ch == 0 || seg[ch * q - 1] == seg[t];
            for (int h = 0; h < hh; h++) {
                int g = h / hpg;
                double decay = carried ? Math.exp(acs[(h * nc + ch) * q + l]) : 0;
                for (int p = 0; p < pp; p++) {
                    double sum = 0;
                    for (int n = 0; n < nn; n++) {
                        sum += c[(t * gg + g) * nn + n] * prev[ch * hpn + (h * pp + p) * nn + n];
                    }
                    int o = (t * hh + h) * pp + p;
                    y[o] += decay * sum + (d == null ? 0 : d[h] * x[o]);
                }
            }
        }
        return y;
    }

    /** Segment ids [L] (0, 0, 1, 1, 1, ...) of per-position segment starts, all 0 without. */
    static int[] segmentIds(int[] starts, int len) {
        int[] ids = new int[len];
        for (int t = 1; t < len; t++) {
            ids[t] = ids[t - 1] + (starts != null && starts[t] == t ? 1 : 0);
        }
        return ids;
    }

    /** Backward through the recurrence, one chunk at a time from the last (states recomputed). */
    public static SelectiveScan.Grads backward(double[] dy, SelectiveScan.Saved sv) {
        SelectiveScan.Shape s = sv.s;
        int hh = s.heads(), pp = s.headDim(), gg = s.groups(), nn = s.stateSize();
        int hpg = hh / gg;
        int hpn = s.hpn();
        int len = sv.len, q = sv.chunk;
        int nc = (len + q - 1) / q;
        double[] x = sv.x, dt = sv.dt, a = sv.a, b = sv.b, c = sv.c, d = sv.d;
        int[] starts = sv.starts;
        double[] dx = new double[x.length];
        double[] ddt = new double[dt.length];
        double[] da = new double[hh];
        double[] db = new double[b.length];
        double[] dc = new double[c.length];
        double[] dd = d == null ? null : new double[hh];
        double[] adj = new double[hpn];
        double[] st = new double[(q + 1) * hpn];
        for (int ch = nc - 1; ch >= 0; ch--) {
            int cl = len(ch, q, len);
            // 1. recompute the chunk's states: st[l+1] = S after token ch*Q+l, st[0] = boundary
            System.arraycopy(sv.boundary, ch * hpn, st, 0, hpn);
            for (int l = 0; l < cl; l++) {
                int t = ch * q + l;
                boolean reset = starts != null && t > 0 && starts[t] == t;
                for (int h = 0; h < hh; h++) {
                    int grp = h / hpg;
                    double dtv = dt[t * hh + h];
                    double decay = reset ? 0 : Math.exp(dtv * a[h]);
                    for (int p = 0; p < pp; p++) {
                        double xv = x[(t * hh + h) * pp + p];
                        for (int n = 0; n < nn; n++) {
                            int si = (h * pp + p) * nn + n;
                            st[(l + 1) * hpn + si] = decay * st[l * hpn + si] + dtv * xv * b[(t * gg + grp) * nn + n];
                        }
                    }
                }
            }
            // 2. adjoint steps in reverse
            for (int l = cl - 1; l >= 0; l--) {
                int t = ch * q + l;
                boolean reset = starts != null && t > 0 && starts[t] == t;
                for (int h = 0; h < hh; h++) {
                    int grp = h / hpg;
                    double dtv = dt[t * hh + h];
                    double decay = reset ? 0 : Math.exp(dtv * a[h]);
                    double dDecay = 0;
                    double dDt = 0;
                    int bo = (t * gg + grp) * nn;
                    for (int p = 0; p < pp; p++) {
                        int o = (t * hh + h) * pp + p;
                        double dyv = dy[o];
                        double xv = x[o];
                        if (d != null) {
                            dd[h] += dyv * xv;
                            dx[o] += d[h] * dyv;
                        }
                        double dxAcc = 0;
                        for (int n = 0; n < nn; n++) {
                            int si = (h * pp + p) * nn + n;
                            dc[bo + n] += dyv * st[(l + 1) * hpn + si];
                            double gs = adj[si] + dyv * c[bo + n];
                            dDecay += gs * st[l * hpn + si];
                            dDt += gs * xv * b[bo + n];
                            dxAcc += gs * b[bo + n];
                            db[bo + n] += dtv * gs * xv;
                            adj[si] = decay * gs;
                        }
                        dx[o] += dtv * dxAcc;
                    }
                    ddt[t * hh + h] += dDt + dDecay * decay * a[h];
                    da[h] += dDecay * decay * dtv;
                }
            }
        }
        return new SelectiveScan.Grads(dx, ddt, da, db, dc, dd);
    }

    private static int len(int ch, int q, int l) {
        return Math.min(q, l - ch * q);
    }
}
