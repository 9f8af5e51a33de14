package dev.nemotron.backend.java.reference;

import dev.nemotron.api.backend.SsmShape;

/**
 * The Mamba-2 selective scan, twice: {@link #recurrence} (the definition, one token at a time) and
 * {@link #scan}, the chunked (SSD) form written like {@code ssd_minimal.py}: every intermediate is
 * materialised, one numbered step at a time, with plain loops and float32 arithmetic.
 *
 * <pre>
 * x [L,H,P]  dt [L,H]  A [H]  B,C [L,G,N]  D [H] or null  state [H,P,N] or null  y [L,H,P]
 * Q = chunkSize, nc = ceil(L/Q) chunks; the last one may hold fewer than Q tokens (len_c).
 * Acs      [H, nc, Q]        cumsum of dt*A within each chunk
 * Ydiag    [L, H, P]         intra-chunk (quadratic) outputs
 * states   [nc, H, P, N]     state contributed by each chunk alone, at its end
 * prev     [nc+1, H, P, N]   state entering each chunk (prev[nc] = final state)
 * Yoff     [L, H, P]         carried state -> outputs
 * </pre>
 */
final class ReferenceSsd {
    private ReferenceSsd() {
    }

    static void scan(SsmShape s, int L, int Q, float[] x, float[] dt, float[] a, float[] b,
                     float[] c, float[] d, float[] state, float[] y) {
        int H = s.heads(), P = s.headDim(), G = s.groups(), N = s.stateSize();
        int hpg = H / G;
        int nc = (L + Q - 1) / Q;

        // 1. cumulative sum of dt*A within each chunk
        float[] acs = new float[H * nc * Q];
        for (int h = 0; h < H; h++) {
            for (int ch = 0; ch < nc; ch++) {
                float run = 0f;
                for (int l = 0; l < len(ch, Q, L); l++) {
                    run += dt[(ch * Q + l) * H + h] * a[h];
                    acs[(h * nc + ch) * Q + l] = run;
                }
            }
        }

        // 2. diagonal blocks: Ydiag[i] = sum_{j<=i in chunk} (C_i.B_j) * exp(segsum(i,j)) * dt_j * x_j
        //    segsum(i,j) = sum_{j<t<=i} dt_t*A, summed directly (no cumsum difference)
        float[] ydiag = new float[L * H * P];
        for (int h = 0; h < H; h++) {
            int g = h / hpg;
            for (int ch = 0; ch < nc; ch++) {
                for (int i = 0; i < len(ch, Q, L); i++) {
                    int ti = ch * Q + i;
                    for (int j = 0; j <= i; j++) {
                        int tj = ch * Q + j;
                        float seg = 0f;
                        for (int t = j + 1; t <= i; t++) {
                            seg += dt[(ch * Q + t) * H + h] * a[h];
                        }
                        float cb = 0f;
                        for (int n = 0; n < N; n++) {
                            cb += c[(ti * G + g) * N + n] * b[(tj * G + g) * N + n];
                        }
                        float m = cb * (float) Math.exp(seg) * dt[tj * H + h];
                        for (int p = 0; p < P; p++) {
                            ydiag[(ti * H + h) * P + p] += m * x[(tj * H + h) * P + p];
                        }
                    }
                }
            }
        }

        // 3. chunk states: states[ch,h,p,n] = sum_l B_l[n] * exp(Acs[last] - Acs[l]) * dt_l * x_l[p]
        float[] states = new float[nc * H * P * N];
        for (int ch = 0; ch < nc; ch++) {
            int last = len(ch, Q, L) - 1;
            for (int h = 0; h < H; h++) {
                int g = h / hpg;
                float aLast = acs[(h * nc + ch) * Q + last];
                for (int l = 0; l <= last; l++) {
                    int t = ch * Q + l;
                    float w = (float) Math.exp(aLast - acs[(h * nc + ch) * Q + l]) * dt[t * H + h];
                    for (int p = 0; p < P; p++) {
                        for (int n = 0; n < N; n++) {
                            states[((ch * H + h) * P + p) * N + n] +=
                                    b[(t * G + g) * N + n] * w * x[(t * H + h) * P + p];
                        }
                    }
                }
            }
        }

        // 4. inter-chunk recurrence: prev[0] = initial state; prev[ch+1] = exp(Acs[ch,last]) prev[ch] + states[ch]
        int hpn = H * P * N;
        float[] prev = new float[(nc + 1) * hpn];
        if (state != null) {
            System.arraycopy(state, 0, prev, 0, hpn);
        }
        for (int ch = 0; ch < nc; ch++) {
            int last = len(ch, Q, L) - 1;
            for (int h = 0; h < H; h++) {
                float decay = (float) Math.exp(acs[(h * nc + ch) * Q + last]);
                for (int e = 0; e < P * N; e++) {
                    int idx = h * P * N + e;
                    prev[(ch + 1) * hpn + idx] = decay * prev[ch * hpn + idx] + states[ch * hpn + idx];
                }
            }
        }

        // 5. state -> output: Yoff[t,h,p] = exp(Acs[l]) * sum_n C_t[n] * prev[ch,h,p,n]
        for (int t = 0; t < L; t++) {
            int ch = t / Q;
            int l = t % Q;
            for (int h = 0; h < H; h++) {
                int g = h / hpg;
                float decay = (float) Math.exp(acs[(h * nc + ch) * Q + l]);
                for (int p = 0; p < P; p++) {
                    float sum = 0f;
                    for (int n = 0; n < N; n++) {
                        sum += c[(t * G + g) * N + n] * prev[ch * hpn + (h * P + p) * N + n];
                    }
                    // 6. y = Ydiag + Yoff + D*x
                    int o = (t * H + h) * P + p;
                    y[o] = ydiag[o] + decay * sum + (d == null ? 0f : d[h] * x[o]);
                }
            }
        }

        // 7. final state
        if (state != null) {
            System.arraycopy(prev, nc * hpn, state, 0, hpn);
        }
    }

    /**
     * The same scan as {@link #scan}, one token at a time: the definition the chunked form is
     * checked against (and what decode runs).
     *
     * <pre>
     * for t, h (group g = h / (H/G)):  S_t = exp(dt_t*A_h) * S_{t-1} + dt_t * (x_t outer B_t)   [P, N]
     *                                  y_t = S_t . C_t + D_h * x_t                               [P]
     * </pre>
     */
    static void recurrence(SsmShape s, int L, float[] x, float[] dt, float[] a, float[] b,
                           float[] c, float[] d, float[] state, float[] y) {
        int H = s.heads(), P = s.headDim(), G = s.groups(), N = s.stateSize();
        int hpg = H / G;
        float[] st = state != null ? state : new float[s.stateFloats()];
        for (int t = 0; t < L; t++) {
            for (int h = 0; h < H; h++) {
                int g = h / hpg;
                float dtv = dt[t * H + h];
                float decay = (float) Math.exp(dtv * a[h]);
                for (int p = 0; p < P; p++) {
                    float xp = x[(t * H + h) * P + p];
                    float sum = 0f;
                    for (int n = 0; n < N; n++) {
                        int si = (h * P + p) * N + n;
                        st[si] = decay * st[si] + dtv * xp * b[(t * G + g) * N + n];
                        sum += st[si] * c[(t * G + g) * N + n];
                    }
                    y[(t * H + h) * P + p] = sum + (d == null ? 0f : d[h] * xp);
                }
            }
        }
    }

    private static int len(int ch, int q, int l) {
        return Math.min(q, l - ch * q);
    }
}
