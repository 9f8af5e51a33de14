// CPU references (double) of the trainer's Mamba-2 selective scan, forward and backward, for
// test/train_selftest.cpp and test/ssd_host_check.cpp:
//   sequential  the recurrence over time (the semantics of kernels/train_scan.cu)
//   chunked     the chunked SSD form, step for step as kernels/train_ssd.cu (same padding, same
//               layouts, same step numbers), so that a GPU mismatch can be traced to one step
// Inputs as nmc::k::train::ScanArgs: xbc [B*L, conv_dim] rows x [H*P] | B [G*N] | C [G*N],
// dt [B*L, H] (final dt), a_log [H] (A = -exp(a_log)), d [H]; dy [B*L, H*P].
// Outputs: y [B*L, H*P]; dxbc [B*L, conv_dim], ddt [B*L, H], da_log [H], dd [H] (written).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace sref {

using Vec = std::vector<float>;
using DVec = std::vector<double>;

struct Shape {
    int B, L, H, P, G, N;
    int conv() const { return H * P + 2 * G * N; }
};

struct Grads {
    Vec dxbc, ddt, da_log, dd;
};

inline Vec to_f(const DVec &v) { return Vec(v.begin(), v.end()); }

// The checks' error: max |got - want| / max |want| (a NaN in got counts as 1e9, never as a pass).
inline double rel_error(const Vec &got, const Vec &want) {
    double norm = 1e-30, worst = 0;
    for (float w : want) norm = std::max(norm, (double)std::fabs(w));
    for (size_t i = 0; i < got.size(); i++) {
        double e = std::fabs((double)got[i] - want[i]) / norm;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    return worst;
}

// ---- sequential: S_t = exp(dt_t A) S_{t-1} + dt_t x_t B_t;  y_t = C_t . S_t + D x_t ----
// init [B, H, P, N] (empty: zeros) is S_{-1}; final (when not null) gets S_{L-1} [B, H, P, N].
inline Vec sequential_scan(const Shape &s, const Vec &xbc, const Vec &dt, const Vec &a_log, const Vec &d,
                           const Vec &init, Vec *final) {
    const int cd = s.conv(), HP = s.H * s.P, hg = s.H / s.G;
    Vec y((size_t)s.B * s.L * HP);
    if (final) final->assign((size_t)s.B * HP * s.N, 0.0f);
    DVec S(s.N);
    for (int b = 0; b < s.B; b++)
        for (int h = 0; h < s.H; h++)
            for (int p = 0; p < s.P; p++) {
                const int g = h / hg;
                const double A = -std::exp((double)a_log[h]);
                const size_t so = (((size_t)b * s.H + h) * s.P + p) * s.N;
                for (int n = 0; n < s.N; n++) S[n] = init.empty() ? 0.0 : init[so + n];
                for (int t = 0; t < s.L; t++) {
                    const size_t r = (size_t)b * s.L + t;
                    const float *row = &xbc[r * cd];
                    const double x = row[h * s.P + p], dtv = dt[r * s.H + h], a = std::exp(dtv * A);
                    double acc = 0;
                    for (int n = 0; n < s.N; n++) {
                        S[n] = a * S[n] + dtv * x * row[HP + g * s.N + n];
                        acc += row[HP + s.G * s.N + g * s.N + n] * S[n];
                    }
                    y[r * HP + h * s.P + p] = (float)(acc + d[h] * x);
                }
                if (final)
                    for (int n = 0; n < s.N; n++) (*final)[so + n] = (float)S[n];
            }
    return y;
}

inline Vec sequential_forward(const Shape &s, const Vec &xbc, const Vec &dt, const Vec &a_log, const Vec &d) {
    return sequential_scan(s, xbc, dt, a_log, d, Vec(), nullptr);
}

// backward by the adjoint recurrence, t = L-1 .. 0, Gs = dLoss/dS_t:
//   Gs = a_{t+1} Gs + dy_t C_t;  dC_t += dy_t S_t;  dB_t += dt x Gs;  dx = dt Gs.B + D dy;
//   ddt += Gs.(x B_t + A a_t S_{t-1});  dA += dt a_t Gs.S_{t-1};  dD += dy x
inline Grads sequential_backward(const Shape &s, const Vec &xbc, const Vec &dt, const Vec &a_log, const Vec &d,
                                 const Vec &dy) {
    const int cd = s.conv(), HP = s.H * s.P, hg = s.H / s.G, N = s.N;
    DVec dxbc((size_t)s.B * s.L * cd, 0.0), ddt((size_t)s.B * s.L * s.H, 0.0), dal(s.H, 0.0), dd(s.H, 0.0);
    std::vector<DVec> S(s.L + 1, DVec(N));
    DVec Gs(N);
    for (int b = 0; b < s.B; b++)
        for (int h = 0; h < s.H; h++)
            for (int p = 0; p < s.P; p++) {
                const int g = h / hg, bo = HP + g * N, co = HP + s.G * N + g * N;
                const double A = -std::exp((double)a_log[h]);
                std::fill(S[0].begin(), S[0].end(), 0.0);  // S[t + 1] = S_t
                for (int t = 0; t < s.L; t++) {
                    const size_t r = (size_t)b * s.L + t;
                    const double x = xbc[r * cd + h * s.P + p], dtv = dt[r * s.H + h], a = std::exp(dtv * A);
                    for (int n = 0; n < N; n++) S[t + 1][n] = a * S[t][n] + dtv * x * xbc[r * cd + bo + n];
                }
                std::fill(Gs.begin(), Gs.end(), 0.0);
                double a_next = 0, dA = 0;
                for (int t = s.L - 1; t >= 0; t--) {
                    const size_t r = (size_t)b * s.L + t;
                    const double x = xbc[r * cd + h * s.P + p], dtv = dt[r * s.H + h], a = std::exp(dtv * A);
                    const double go = dy[r * HP + h * s.P + p];
                    double gb = 0, gdt = 0, gda = 0;
                    for (int n = 0; n < N; n++) {
                        const double Bn = xbc[r * cd + bo + n], Cn = xbc[r * cd + co + n];
                        Gs[n] = a_next * Gs[n] + go * Cn;
                        dxbc[r * cd + co + n] += go * S[t + 1][n];
                        dxbc[r * cd + bo + n] += dtv * x * Gs[n];
                        gb += Gs[n] * Bn;
                        gdt += Gs[n] * (x * Bn + A * a * S[t][n]);
                        gda += Gs[n] * S[t][n];
                    }
                    dxbc[r * cd + h * s.P + p] = dtv * gb + d[h] * go;
                    ddt[r * s.H + h] += gdt;
                    dA += dtv * a * gda;
                    dd[h] += go * x;
                    a_next = a;
                }
                dal[h] += dA * A;
            }
    return Grads{to_f(dxbc), to_f(ddt), to_f(dal), to_f(dd)};
}

// ---- chunked (kernels/train_ssd.cu): see there for the derivation; step numbers match ----
struct Chunked {
    Shape s;
    int Q, nc, Lp, R, cd, HP, hg, GN2;
    DVec xp, dtp, acs, cb, m, xw, st, yo, yd;  // forward state kept for backward
    DVec A;
    Chunked(const Shape &sh, int q) : s(sh), Q(q) {
        nc = (s.L + Q - 1) / Q;
        Lp = nc * Q;
        R = s.B * Lp;
        cd = s.conv();
        HP = s.H * s.P;
        hg = s.H / s.G;
        GN2 = 2 * s.G * s.N;
    }
    size_t row(int b, int c, int l) const { return (size_t)b * Lp + (size_t)c * Q + l; }
    size_t bc(int b, int c) const { return (size_t)b * nc + c; }
    double Bv(size_t r, int g, int n) const { return xp[r * cd + HP + g * s.N + n]; }
    double Cv(size_t r, int g, int n) const { return xp[r * cd + HP + s.G * s.N + g * s.N + n]; }
    double X(size_t r, int h, int p) const { return xp[r * cd + h * s.P + p]; }
    double last(int b, int c, int h) const { return acs[row(b, c, Q - 1) * s.H + h]; }

    Vec forward(const Vec &xbc, const Vec &dt, const Vec &a_log, const Vec &d) {
        const int H = s.H, P = s.P, N = s.N;
        A.resize(H);
        for (int h = 0; h < H; h++) A[h] = -std::exp((double)a_log[h]);
        // F0. pack: zero rows past L
        xp.assign((size_t)R * cd, 0.0);
        dtp.assign((size_t)R * H, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int t = 0; t < s.L; t++) {
                for (int j = 0; j < cd; j++) xp[((size_t)b * Lp + t) * cd + j] = xbc[((size_t)b * s.L + t) * cd + j];
                for (int h = 0; h < H; h++) dtp[((size_t)b * Lp + t) * H + h] = dt[((size_t)b * s.L + t) * H + h];
            }
        // F1. acs = cumsum of dt A within each chunk
        acs.assign((size_t)R * H, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int h = 0; h < H; h++) {
                    double run = 0;
                    for (int l = 0; l < Q; l++) {
                        run += dtp[row(b, c, l) * H + h] * A[h];
                        acs[row(b, c, l) * H + h] = run;
                    }
                }
        // F2. cb[b,c,g] = C B^T
        cb.assign((size_t)s.B * nc * s.G * Q * Q, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int g = 0; g < s.G; g++)
                    for (int l = 0; l < Q; l++)
                        for (int j = 0; j < Q; j++) {
                            double acc = 0;
                            for (int n = 0; n < N; n++) acc += Cv(row(b, c, l), g, n) * Bv(row(b, c, j), g, n);
                            cb[((bc(b, c) * s.G + g) * Q + l) * Q + j] = acc;
                        }
        // F3. m[b,c,h] = cb exp(acs_l - acs_s) dt_s (s <= l)
        m.assign((size_t)s.B * nc * H * Q * Q, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int h = 0; h < H; h++)
                    for (int l = 0; l < Q; l++)
                        for (int j = 0; j <= l; j++) {
                            size_t rl = row(b, c, l), rj = row(b, c, j);
                            m[((bc(b, c) * H + h) * Q + l) * Q + j] = cb[((bc(b, c) * s.G + h / hg) * Q + l) * Q + j] *
                                std::exp(acs[rl * H + h] - acs[rj * H + h]) * dtp[rj * H + h];
                        }
        // F4. xw = x dt exp(acs_last - acs)
        xw.assign((size_t)R * HP, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int l = 0; l < Q; l++)
                    for (int h = 0; h < H; h++) {
                        size_t r = row(b, c, l);
                        double w = dtp[r * H + h] * std::exp(last(b, c, h) - acs[r * H + h]);
                        for (int p = 0; p < P; p++) xw[r * HP + h * P + p] = X(r, h, p) * w;
                    }
        // F5. st[b,c,h] = xw^T B   [P, N]
        st.assign((size_t)s.B * nc * HP * N, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int h = 0; h < H; h++)
                    for (int p = 0; p < P; p++)
                        for (int n = 0; n < N; n++) {
                            double acc = 0;
                            for (int l = 0; l < Q; l++)
                                acc += xw[row(b, c, l) * HP + h * P + p] * Bv(row(b, c, l), h / hg, n);
                            st[((bc(b, c) * H + h) * P + p) * N + n] = acc;
                        }
        // F6. st <- the state entering each chunk (in place)
        for (int b = 0; b < s.B; b++)
            for (int h = 0; h < H; h++)
                for (int e = 0; e < P * N; e++) {
                    double run = 0;
                    for (int c = 0; c < nc; c++) {
                        double &v = st[(bc(b, c) * H + h) * P * N + e];
                        double loc = v;
                        v = run;
                        run = std::exp(last(b, c, h)) * run + loc;
                    }
                }
        // F7. yo = C st^T (scaled by exp(acs) in F9);  F8. yd = m x
        yo.assign((size_t)R * HP, 0.0);
        yd.assign((size_t)R * HP, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int l = 0; l < Q; l++)
                    for (int h = 0; h < H; h++)
                        for (int p = 0; p < P; p++) {
                            size_t r = row(b, c, l);
                            double acc = 0;
                            for (int n = 0; n < N; n++) acc += Cv(r, h / hg, n) * st[((bc(b, c) * H + h) * P + p) * N + n];
                            yo[r * HP + h * P + p] = acc;
                            double ad = 0;
                            for (int j = 0; j < Q; j++) ad += m[((bc(b, c) * H + h) * Q + l) * Q + j] * X(row(b, c, j), h, p);
                            yd[r * HP + h * P + p] = ad;
                        }
        // F9. yo *= exp(acs) (kept for backward); y = yo + yd + D x
        Vec y((size_t)s.B * s.L * HP);
        for (int b = 0; b < s.B; b++)
            for (int t = 0; t < Lp; t++)
                for (int h = 0; h < H; h++)
                    for (int p = 0; p < P; p++) {
                        size_t r = (size_t)b * Lp + t;
                        double &o = yo[r * HP + h * P + p];
                        o *= std::exp(acs[r * H + h]);
                        if (t < s.L) y[((size_t)b * s.L + t) * HP + h * P + p] = (float)(o + yd[r * HP + h * P + p] + d[h] * X(r, h, p));
                    }
        return y;
    }

    // after forward() with the same inputs
    Grads backward(const Vec &d, const Vec &dy) {
        const int H = s.H, P = s.P, N = s.N, G = s.G;
        // B0. dyp = padded dy; dys = dyp exp(acs)
        DVec dyp((size_t)R * HP, 0.0), dys((size_t)R * HP, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int t = 0; t < s.L; t++)
                for (int j = 0; j < HP; j++) {
                    size_t r = (size_t)b * Lp + t;
                    dyp[r * HP + j] = dy[((size_t)b * s.L + t) * HP + j];
                    dys[r * HP + j] = dyp[r * HP + j] * std::exp(acs[r * H + j / P]);
                }
        // B1. dD += sum dy x;  dacs = rowdot(dy, yo)
        DVec dd(H, 0.0), dacs((size_t)R * H, 0.0), dal(H, 0.0);
        for (size_t r = 0; r < (size_t)R; r++)
            for (int h = 0; h < H; h++)
                for (int p = 0; p < P; p++) {
                    dd[h] += dyp[r * HP + h * P + p] * X(r, h, p);
                    dacs[r * H + h] += dyp[r * HP + h * P + p] * yo[r * HP + h * P + p];
                }
        // B2. dC = dys st (sum over the group's heads);  B3. ds = dys^T C
        DVec dbc((size_t)R * GN2, 0.0), ds((size_t)s.B * nc * HP * N, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int h = 0; h < H; h++)
                    for (int p = 0; p < P; p++)
                        for (int n = 0; n < N; n++) {
                            size_t si = ((bc(b, c) * H + h) * P + p) * N + n;
                            for (int l = 0; l < Q; l++) {
                                size_t r = row(b, c, l);
                                dbc[r * GN2 + G * N + (h / hg) * N + n] += dys[r * HP + h * P + p] * st[si];
                                ds[si] += dys[r * HP + h * P + p] * Cv(r, h / hg, n);
                            }
                        }
        // B4. the recurrence backward, in place: ds <- d(local chunk state); dacs_last += e <gs, st>
        for (int b = 0; b < s.B; b++)
            for (int h = 0; h < H; h++)
                for (int e = 0; e < P * N; e++) {
                    double gs = 0;
                    for (int c = nc - 1; c >= 0; c--) {
                        size_t i = (bc(b, c) * H + h) * P * N + e;
                        double ec = std::exp(last(b, c, h)), direct = ds[i];
                        ds[i] = gs;
                        dacs[row(b, c, Q - 1) * H + h] += ec * gs * st[i];
                        gs = direct + ec * gs;
                    }
                }
        // B5. dxw = B ds^T;  B6. dB = xw ds (sum over the group's heads)
        DVec dxw((size_t)R * HP, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int l = 0; l < Q; l++)
                    for (int h = 0; h < H; h++)
                        for (int p = 0; p < P; p++) {
                            size_t r = row(b, c, l);
                            for (int n = 0; n < N; n++) {
                                double dsv = ds[((bc(b, c) * H + h) * P + p) * N + n];
                                dxw[r * HP + h * P + p] += Bv(r, h / hg, n) * dsv;
                                dbc[r * GN2 + (h / hg) * N + n] += xw[r * HP + h * P + p] * dsv;
                            }
                        }
        // B7. xw = x dt dec: dx = dxw dt dec; ddt = rdot dec; dacs -= rdot dt dec; dacs_last += rdot dt dec
        DVec dx((size_t)R * HP, 0.0), ddt((size_t)R * H, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int l = 0; l < Q; l++)
                    for (int h = 0; h < H; h++) {
                        size_t r = row(b, c, l);
                        double dec = std::exp(last(b, c, h) - acs[r * H + h]), dtv = dtp[r * H + h], rd = 0;
                        for (int p = 0; p < P; p++) {
                            rd += dxw[r * HP + h * P + p] * X(r, h, p);
                            dx[r * HP + h * P + p] = dxw[r * HP + h * P + p] * dtv * dec;
                        }
                        ddt[r * H + h] = rd * dec;
                        dacs[r * H + h] -= rd * dtv * dec;
                        dacs[row(b, c, Q - 1) * H + h] += rd * dtv * dec;
                    }
        // B8. dm = dy x^T;  B9. dx += m^T dy
        DVec dm((size_t)s.B * nc * H * Q * Q, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int h = 0; h < H; h++)
                    for (int l = 0; l < Q; l++)
                        for (int j = 0; j < Q; j++) {
                            size_t mi = ((bc(b, c) * H + h) * Q + l) * Q + j;
                            for (int p = 0; p < P; p++) {
                                dm[mi] += dyp[row(b, c, l) * HP + h * P + p] * X(row(b, c, j), h, p);
                                dx[row(b, c, j) * HP + h * P + p] += m[mi] * dyp[row(b, c, l) * HP + h * P + p];
                            }
                        }
        // B10a. w = dm m (s <= l): dacs_l += rowsum w, dacs_s -= colsum w; ddt_s += colsum(dm cb lm)
        // B10b. dcb[b,c,g] = sum over the group's heads of dm lm dt_s (s <= l)
        DVec dcb((size_t)s.B * nc * G * Q * Q, 0.0);
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int h = 0; h < H; h++)
                    for (int l = 0; l < Q; l++)
                        for (int j = 0; j <= l; j++) {
                            size_t mi = ((bc(b, c) * H + h) * Q + l) * Q + j, rl = row(b, c, l), rj = row(b, c, j);
                            size_t ci = ((bc(b, c) * G + h / hg) * Q + l) * Q + j;
                            double lm = std::exp(acs[rl * H + h] - acs[rj * H + h]), w = dm[mi] * m[mi];
                            dacs[rl * H + h] += w;
                            dacs[rj * H + h] -= w;
                            ddt[rj * H + h] += dm[mi] * cb[ci] * lm;
                            dcb[ci] += dm[mi] * lm * dtp[rj * H + h];
                        }
        // B11. dC += dcb B;  dB += dcb^T C
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int g = 0; g < G; g++)
                    for (int l = 0; l < Q; l++)
                        for (int j = 0; j < Q; j++) {
                            double v = dcb[((bc(b, c) * G + g) * Q + l) * Q + j];
                            size_t rl = row(b, c, l), rj = row(b, c, j);
                            for (int n = 0; n < N; n++) {
                                dbc[rl * GN2 + G * N + g * N + n] += v * Bv(rj, g, n);
                                dbc[rj * GN2 + g * N + n] += v * Cv(rl, g, n);
                            }
                        }
        // B12. da_t = reverse cumsum of dacs within the chunk; ddt += A da; dA_log += A sum dt da
        for (int b = 0; b < s.B; b++)
            for (int c = 0; c < nc; c++)
                for (int h = 0; h < H; h++) {
                    double run = 0, dA = 0;
                    for (int l = Q - 1; l >= 0; l--) {
                        size_t r = row(b, c, l);
                        run += dacs[r * H + h];
                        ddt[r * H + h] += A[h] * run;
                        dA += dtp[r * H + h] * run;
                    }
                    dal[h] += A[h] * dA;
                }
        // B13. unpack: dxbc = dx + D dy | dB | dC;  ddt
        Grads gr;
        gr.dxbc.assign((size_t)s.B * s.L * cd, 0.0f);
        gr.ddt.assign((size_t)s.B * s.L * H, 0.0f);
        for (int b = 0; b < s.B; b++)
            for (int t = 0; t < s.L; t++) {
                size_t r = (size_t)b * Lp + t, o = (size_t)b * s.L + t;
                for (int j = 0; j < HP; j++) gr.dxbc[o * cd + j] = (float)(dx[r * HP + j] + d[j / P] * dyp[r * HP + j]);
                for (int j = 0; j < GN2; j++) gr.dxbc[o * cd + HP + j] = (float)dbc[r * GN2 + j];
                for (int h = 0; h < H; h++) gr.ddt[o * H + h] = (float)ddt[r * H + h];
            }
        gr.da_log = to_f(dal);
        gr.dd = to_f(dd);
        return gr;
    }
};

}  // namespace sref
