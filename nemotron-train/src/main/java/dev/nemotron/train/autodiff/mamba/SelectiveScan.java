package dev.nemotron.train.autodiff.mamba;

/**
 * The Mamba-2 selective scan in float64: forward in the chunked (SSD) form or as the plain
 * recurrence, backward as the recurrence run in reverse (adjoint state).
 *
 * <pre>
 * x [L,H,P]  dt [L,H]  A [H]  B,C [L,G,N]  D [H] or null  ->  y [L,H,P]; head h reads group h/(H/G)
 * recurrence: S_0 = 0;  S_t = exp(dt_t A) S_{t-1} + dt_t x_t B_t^T   (S: P x N per head)
 *             y_t = S_t C_t + D x_t
 * Q = chunkSize, nc = ceil(L/Q); both forwards keep the state entering every chunk,
 * boundary [nc+1, H, P, N] (boundary[nc] = final state), so that backward recomputes the states of
 * one chunk at a time: memory O((nc + Q) H P N) instead of O(L H P N).
 * backward, t = L-1 .. 0, with G_t = dL/dS_t (adjoint; G_L = 0), a_t = exp(dt_t A):
 *   G_t   = a_{t+1} G_{t+1} + dy_t C_t^T
 *   dC_t  = S_t^T dy_t           dD += x_t . dy_t       dx_t = D dy_t + dt_t G_t B_t
 *   dB_t  = dt_t G_t^T x_t       ddt_t = x_t^T G_t B_t + A a_t (G_t : S_{t-1})
 *   dA   += dt_t a_t (G_t : S_{t-1})
 * packed row: starts[t] = first position of t's segment (null: one segment). At a segment start
 * t &gt; 0 the decay a_t is 0 (mamba_ssm's seq_idx: the segsum across segments is -inf), so
 * S_t = dt_t x_t B_t^T restarts from zero and G_{t-1} gets nothing from G_t; a_t being a constant
 * there, it adds nothing to ddt_t or dA. The chunked form drops the terms whose decay crosses a start.
 * </pre>
 *
 * The loops over P and N run as short vectors ({@link ScanVectors}); {@link ReferenceScan} is the
 * scalar version the tests check this against. Per-group products C_i.B_j of the chunked form are
 * computed once per group, not once per head.
 */
public final class SelectiveScan {
    /** Sizes of one scan. */
    public record Shape(int heads, int headDim, int groups, int stateSize) {
        public Shape {
            if (heads % groups != 0) {
                throw new IllegalArgumentException(heads + " heads not divisible into " + groups + " groups");
            }
        }

        int hpn() {
            return heads * headDim * stateSize;
        }
    }

    /** Which forward form to run. */
    public enum Mode { CHUNKED, RECURRENT }

    /** The inputs and chunk-boundary states of one forward pass. */
    public static final class Saved {
        Shape s;
        int len;
        int chunk;
        double[] x;
        double[] dt;
        double[] a;
        double[] b;
        double[] c;
        double[] d;
        int[] starts;
        double[] boundary;

        /** The state after the last token [H, P, N] (a copy). */
        public double[] finalState() {
            int hpn = s.hpn();
            int nc = (len + chunk - 1) / chunk;
            return java.util.Arrays.copyOfRange(boundary, nc * hpn, (nc + 1) * hpn);
        }
    }

    /** Gradients of every input; {@code dd} is null when D was. */
    public record Grads(double[] dx, double[] ddt, double[] da, double[] db, double[] dc, double[] dd) {
    }

    private SelectiveScan() {
    }

    /** {@code saved} may be null (nothing kept). One segment. */
    public static double[] forward(Mode mode, Shape s, int len, int chunk, double[] x, double[] dt, double[] a,
                                   double[] b, double[] c, double[] d, Saved saved) {
        return forward(mode, s, len, chunk, x, dt, a, b, c, d, null, saved);
    }

    /**
     * A packed row: the state restarts from zero at every segment start.
     *
     * @param starts per position the first position of its segment [L], or null (one segment)
     */
    public static double[] forward(Mode mode, Shape s, int len, int chunk, double[] x, double[] dt, double[] a,
                                   double[] b, double[] c, double[] d, int[] starts, Saved saved) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunk);
        }
        int nc = (len + chunk - 1) / chunk;
        double[] boundary = new double[(nc + 1) * s.hpn()];
        if (starts != null && starts.length != len) {
            throw new IllegalArgumentException(starts.length + " segment starts for " + len + " positions");
        }
        double[] y = mode == Mode.CHUNKED ? chunked(s, len, chunk, x, dt, a, b, c, d, starts, boundary)
                : recurrent(s, len, chunk, x, dt, a, b, c, d, starts, boundary);
        if (saved != null) {
            saved.s = s;
            saved.len = len;
            saved.chunk = chunk;
            saved.x = x;
            saved.dt = dt;
            saved.a = a;
            saved.b = b;
            saved.c = c;
            saved.d = d;
            saved.starts = starts;
            saved.boundary = boundary;
        }
        return y;
    }

    /** The recurrence, token by token; records the state entering each chunk. */
    static double[] recurrent(Shape s, int len, int chunk, double[] x, double[] dt, double[] a, double[] b,
                              double[] c, double[] d, int[] starts, double[] boundary) {
        int hh = s.heads(), pp = s.headDim(), g = s.groups(), n = s.stateSize();
        int hpn = s.hpn();
        double[] st = new double[hpn];
        double[] y = new double[len * hh * pp];
        for (int t = 0; t < len; t++) {
            if (t % chunk == 0) {
                System.arraycopy(st, 0, boundary, (t / chunk) * hpn, hpn);
            }
            boolean reset = resets(starts, t);
            for (int h = 0; h < hh; h++) {
                int bo = (t * g + h / (hh / g)) * n;
                double dtv = dt[t * hh + h];
                double decay = reset ? 0 : Math.exp(dtv * a[h]);
                for (int p = 0; p < pp; p++) {
                    int o = (t * hh + h) * pp + p;
                    int si = (h * pp + p) * n;
                    // S = decay S + dt x B;  y = S.C + D x
                    ScanVectors.decay(decay, st, si, dtv * x[o], b, bo, st, si, n);
                    y[o] = ScanVectors.dot(st, si, c, bo, n) + (d == null ? 0 : d[h] * x[o]);
                }
            }
        }
        System.arraycopy(st, 0, boundary, ((len + chunk - 1) / chunk) * hpn, hpn);
        return y;
    }

    /** The chunked SSD form, step by step as nemotron's ReferenceSsd (and ssd_minimal.py). */
    static double[] chunked(Shape s, int len, int q, double[] x, double[] dt, double[] a, double[] b,
                            double[] c, double[] d, int[] starts, double[] prev) {
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
        //    (packed: j from i's segment only)
        double[] y = new double[len * hh * pp];
        double[] cb = new double[q * q];
        for (int ch = 0; ch < nc; ch++) {
            int cl = len(ch, q, len);
            for (int g = 0; g < gg; g++) {
                // C_i.B_j of the group, shared by its heads
                for (int i = 0; i < cl; i++) {
                    for (int j = 0; j <= i; j++) {
                        int ci = ((ch * q + i) * gg + g) * nn;
                        int bj = ((ch * q + j) * gg + g) * nn;
                        cb[i * q + j] = ScanVectors.dot(c, ci, b, bj, nn);
                    }
                }
                for (int h = g * hpg; h < (g + 1) * hpg; h++) {
                    for (int i = 0; i < cl; i++) {
                        int ti = ch * q + i;
                        int j0 = Math.max(0, from(starts, ti) - ch * q);
                        double seg = 0; // sum_{j<t<=i} dt_t A, grown as j walks down from i
                        for (int j = i; j >= j0; j--) {
                            if (j < i) {
                                seg += dt[(ch * q + j + 1) * hh + h] * a[h];
                            }
                            int tj = ch * q + j;
                            double m = cb[i * q + j] * Math.exp(seg) * dt[tj * hh + h];
                            ScanVectors.axpy(m, x, (tj * hh + h) * pp, y, (ti * hh + h) * pp, pp);
                        }
                    }
                }
            }
        }

        // 3. chunk states: states[ch,h,p,n] = sum_l B_l[n] exp(acs[last] - acs[l]) dt_l x_l[p]
        //    (packed: l from the last position's segment only)
        double[] states = new double[nc * hpn];
        for (int ch = 0; ch < nc; ch++) {
            int last = len(ch, q, len) - 1;
            int l0 = Math.max(0, from(starts, ch * q + last) - ch * q);
            for (int h = 0; h < hh; h++) {
                int g = h / hpg;
                double aLast = acs[(h * nc + ch) * q + last];
                for (int l = l0; l <= last; l++) {
                    int t = ch * q + l;
                    double w = Math.exp(aLast - acs[(h * nc + ch) * q + l]) * dt[t * hh + h];
                    for (int p = 0; p < pp; p++) {
                        ScanVectors.axpy(w * x[(t * hh + h) * pp + p], b, (t * gg + g) * nn,
                                states, ((ch * hh + h) * pp + p) * nn, nn);
                    }
                }
            }
        }

        // 4. inter-chunk recurrence: prev[0] = 0; prev[ch+1] = exp(acs[ch,last]) prev[ch] + states[ch]
        //    (packed: decay 0 when a segment starts inside the chunk)
        for (int ch = 0; ch < nc; ch++) {
            int last = len(ch, q, len) - 1;
            boolean cut = startsSince(starts, ch * q, ch * q + last);
            for (int h = 0; h < hh; h++) {
                double decay = cut ? 0 : Math.exp(acs[(h * nc + ch) * q + last]);
                int off = h * pp * nn;
                ScanVectors.decay(decay, prev, ch * hpn + off, 1.0, states, ch * hpn + off, prev, (ch + 1) * hpn + off,
                        pp * nn);
            }
        }

        // 5. state -> output: y[t,h,p] += exp(acs[l]) sum_n C_t[n] prev[ch,h,p,n];  6. + D x
        //    (packed: decay 0 when t's segment starts inside the chunk)
        for (int t = 0; t < len; t++) {
            int ch = t / q;
            int l = t % q;
            boolean cut = startsSince(starts, ch * q, t);
            for (int h = 0; h < hh; h++) {
                int g = h / hpg;
                double decay = cut ? 0 : Math.exp(acs[(h * nc + ch) * q + l]);
                for (int p = 0; p < pp; p++) {
                    double sum = ScanVectors.dot(c, (t * gg + g) * nn, prev, ch * hpn + (h * pp + p) * nn, nn);
                    int o = (t * hh + h) * pp + p;
                    y[o] += decay * sum + (d == null ? 0 : d[h] * x[o]);
                }
            }
        }
        return y;
    }

    /** Backward through the recurrence, one chunk at a time from the last (states recomputed). */
    public static Grads backward(double[] dy, Saved sv) {
        Shape s = sv.s;
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
        double[] sums = new double[2];
        for (int ch = nc - 1; ch >= 0; ch--) {
            int cl = len(ch, q, len);
            // 1. recompute the chunk's states: st[l+1] = S after token ch*Q+l, st[0] = boundary
            System.arraycopy(sv.boundary, ch * hpn, st, 0, hpn);
            for (int l = 0; l < cl; l++) {
                int t = ch * q + l;
                boolean reset = resets(starts, t);
                for (int h = 0; h < hh; h++) {
                    int bo = (t * gg + h / hpg) * nn;
                    double dtv = dt[t * hh + h];
                    double decay = reset ? 0 : Math.exp(dtv * a[h]);
                    for (int p = 0; p < pp; p++) {
                        int si = (h * pp + p) * nn;
                        ScanVectors.decay(decay, st, l * hpn + si, dtv * x[(t * hh + h) * pp + p], b, bo,
                                st, (l + 1) * hpn + si, nn);
                    }
                }
            }
            // 2. adjoint steps in reverse
            for (int l = cl - 1; l >= 0; l--) {
                int t = ch * q + l;
                boolean reset = resets(starts, t);
                for (int h = 0; h < hh; h++) {
                    double dtv = dt[t * hh + h];
                    double decay = reset ? 0 : Math.exp(dtv * a[h]);
                    int bo = (t * gg + h / hpg) * nn;
                    double dDt = 0;
                    sums[0] = 0; // dDecay = sum over p, n of G_t : S_{t-1}
                    for (int p = 0; p < pp; p++) {
                        int o = (t * hh + h) * pp + p;
                        double dyv = dy[o];
                        double xv = x[o];
                        if (d != null) {
                            dd[h] += dyv * xv;
                            dx[o] += d[h] * dyv;
                        }
                        int si = (h * pp + p) * nn;
                        ScanVectors.adjoint(dyv, decay, dtv * xv, st, (l + 1) * hpn + si, l * hpn + si, adj, si,
                                b, c, bo, db, dc, nn, sums);
                        double gb = sums[1]; // sum_n G_t[p, n] B_t[n]
                        dDt += xv * gb;
                        dx[o] += dtv * gb;
                    }
                    double dDecay = sums[0];
                    ddt[t * hh + h] += dDt + dDecay * decay * a[h];
                    da[h] += dDecay * decay * dtv;
                }
            }
        }
        return new Grads(dx, ddt, da, db, dc, dd);
    }

    /** Whether a segment starts at position {@code t > 0} (its state restarts from zero). */
    static boolean resets(int[] starts, int t) {
        return starts != null && t > 0 && starts[t] == t;
    }

    /** The first position of {@code t}'s segment (0 without segments). */
    static int from(int[] starts, int t) {
        return starts == null ? 0 : starts[t];
    }

    /** Whether a segment starts at a position in [lo, t], other than 0: no decay reaches t from before lo. */
    static boolean startsSince(int[] starts, int lo, int t) {
        int f = from(starts, t);
        return f > 0 && f >= lo;
    }

    private static int len(int ch, int q, int l) {
        return Math.min(q, l - ch * q);
    }
}
