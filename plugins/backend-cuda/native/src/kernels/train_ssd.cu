// The Mamba-2 selective scan for training in chunked matrix form (SSD, the Mamba-2 paper's
// ssd_minimal), forward and backward, with the contractions as cuBLAS batched GEMMs (pedantic fp32,
// or BF16 inputs with fp32 accumulation when ScanArgs::dtype is NMC_BF16 — the self-test's
// choice; the trainer always passes NMC_F32, faster at these small shapes, see train.cu) and the element-wise, mask, decay and inter-chunk parts as kernels here. Same
// semantics as the sequential scan (train_scan.cu, the reference path; NMC_TRAIN_SCAN=sequential
// selects it in the trainer): y = scan + D x; backward dxbc (x | B | C, written), ddt (written),
// dA_log (+=), dD (+=). The host mirror, step for step, is test/ssd_reference.h (checked against
// the sequential recurrence by test/ssd_host_check.cpp); `sh test/emu/run.sh` runs this very file
// on the CPU (CUDA and cuBLAS emulated) against it; nmc_train_selftest on the GPU.
//
// Shapes: Q = 64 tokens a chunk, nc = ceil(L/Q) chunks, Lp = nc Q, rows r = b Lp + c Q + l (the
// sequence padded to Lp with zero x, B, C and dt: dt = 0 decays nothing and adds nothing), heads h
// of group g = h / (H/G), a = -exp(A_log[h]), bc = b nc + c.
//   xp   [B Lp, conv_dim]  x | B | C padded           dtp, acs  [B Lp, H]
//   cb   [B nc, G, Q, Q]   m, dm  [B nc, H, Q, Q]      st, ds    [B nc, H, P, N]
//   xw, yo, dyp, dxw  [B Lp, H P]                     dbc  [B Lp, 2 G N]  (dB | dC)
//   xh, yd, dyh, dx   [B nc, H, Q, P]  (head-major: the per-head GEMMs F8, B8, B9 are one batch)
// forward:
//   F0. xp, dtp = pad(xbc, dt);  xh = heads(x)
//   F1. acs_l = sum_{t <= l} dt_t a                  (within the chunk)
//   F2. cb[l, s] = C_l . B_s                          GEMM per (bc, g), k = N
//   F3. m[l, s] = cb[l, s] exp(acs_l - acs_s) dt_s    (s <= l, else 0)
//   F4. xw[s, p] = x[s, p] dt_s exp(acs_{Q-1} - acs_s)
//   F5. st = xw^T B                                   GEMM per (bc, g): the group's heads stacked,
//                                                     [hg P, N], k = Q
//   F6. st[c] <- the state entering chunk c: S_0 = 0, S_{c+1} = exp(acs_{Q-1}[c]) S_c + st[c]
//   F7. yo = C st^T                                   GEMM per (bc, g), [Q, hg P], k = N
//   F8. yd = m x                                      GEMM per (bc, h), [Q, P], k = Q
//   F9. yo *= exp(acs_l);  y = yo + yd + D x          (unpadded rows)
// backward (dy [B L, H P]; reads the forward's xp, dtp, acs, cb, m, xw, st, yo of the same args):
//   B0. dyp = pad(dy);  dyh = heads(dyp);  dys = dyp exp(acs_l)
//   B1. dD += sum dy x;  dacs_l = sum_p dy yo        (d yo / d acs_l = yo)
//   B2. dC = dys st      (sum over the group's heads: k = hg P)       GEMM per (bc, g)
//   B3. ds = dys^T C     (d of the entering states)                 GEMM per (bc, g)
//   B4. reverse over c with gs = dLoss/dS_{c+1} (0 past the end): ds[c] <- gs (d of st[c]'s
//       local part); dacs_{Q-1}[c] += e_c <gs, S_c>;  gs <- ds_direct[c] + e_c gs,  e_c = exp(acs_{Q-1})
//   B5. dxw = B ds^T                                                GEMM per (bc, g)
//   B6. dB = xw ds       (sum over the group's heads)               GEMM per (bc, g)
//   B7. rd_s = sum_p dxw x, dec_s = exp(acs_{Q-1} - acs_s): dx = dxw dt dec; ddt = rd dec;
//       dacs_s -= rd dt dec; dacs_{Q-1} += rd dt dec
//   B8. dm = dy x^T                                                 GEMM per (bc, h), k = P
//   B9. dx += m^T dy                                                GEMM per (bc, h), k = Q
//   B10. w = dm m (s <= l): dacs_l += sum_s w, dacs_s -= sum_l w; ddt_s += sum_l dm cb exp(acs_l - acs_s);
//        dcb = sum over the group's heads of dm exp(acs_l - acs_s) dt_s
//        (ssd_backward_tc: B8 - B10 in one tensor-core kernel instead, ssd_tc_bwd.cu; the derivation
//        in docs/ssd-backward.md)
//   B11. dC += dcb B;  dB += dcb^T C                                GEMMs per (bc, g), k = Q
//   B12. da_t = sum_{l >= t} dacs_l (within the chunk): ddt += a da;  dA_log += a sum dt da
//   B13. dxbc = (dx + D dy | dB | dC), ddt unpadded
// Memory (ssd_work_floats): all of the above live in the one work buffer the trainer keeps for
// the scan (nmc_trainer.ckpt, shared by the layers: the trainer recomputes each layer's forward
// right before its backward, so only h_in is kept between forward and backward): about
// B Lp (conv_dim + 9 H P + 6 H + 2 G N) + B nc (2 H Q Q + 2 H P N + 2 G Q Q) floats, plus two BF16
// staging copies of the largest GEMM operand in BF16 mode. The forward's regions (xp .. yd) come
// first: ssd_forward_save writes them (y in yd's place) to a buffer of their own, which
// ssd_backward_saved reads instead of a recompute (the trainer's NMC_TRAIN_SCAN_SAVE=1).
// NMC_SCAN_STEPS=1 times the step groups (Steps below).
// NMC_SCAN_ELEM=rows (the default; "old": the flat kernels below, one thread an element of the
// whole tensor): the element-wise steps F0-F1 + F4, F3, F9, B0-B1, B7, B12-B13 as the row and tile
// kernels of train_ssd_rows.cuh (fused passes, no 64-bit index divisions, 16-byte loads; its header
// lists them with their bytes a pass). Same operations in the same order per output element (y and
// dxbc bit for bit); only sums that were atomics already (dD, dacs_{Q-1} in B7) are ordered
// differently. It does not write dyp (B13 reads dy) and computes F4 with F0 (so the F0-F1 step
// group holds F4's work).
#include "../gemm.h"
#include "device_math.cuh"
#include "kernels.h"
#include "train_kernels.h"
#include "../env_switch.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace nmc::k::train {
namespace {

constexpr int Q = 64;
constexpr int QQ = Q * Q;
constexpr int T = 256;

int blocks(int64_t n) { return (int)std::min<int64_t>((n + T - 1) / T, 65535LL * 16); }

#define GRID_LOOP(i, n) for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < (n); i += (int64_t)gridDim.x * blockDim.x)

// The chunked layout: sizes and the offsets (floats) of every region of the work buffer.
struct Lay {
    int B, L, H, P, G, N, nc, Lp, cd, HP, hg, GN2;
    int64_t R, nbc;
    int64_t xp, xh, dtp, acs, cb, m, xw, st, yo, yd, dyp, dyh, dacs, ddt, dbc, ds, dxw, dx, dm, dcb, bfa, bfb, total;
    explicit Lay(const ScanArgs &s) {
        B = s.batch, L = s.seq_len, H = s.heads, P = s.head_dim, G = s.groups, N = s.state;
        nc = (L + Q - 1) / Q, Lp = nc * Q, cd = s.conv_dim, HP = H * P, hg = H / G, GN2 = 2 * G * N;
        R = (int64_t)B * Lp, nbc = (int64_t)B * nc;
        int64_t at = 0;
        auto take = [&](int64_t n) { int64_t o = at; at += (n + 63) / 64 * 64; return o; };
        xp = take(R * cd), xh = take(R * HP), dtp = take(R * H), acs = take(R * H), cb = take(nbc * G * QQ), m = take(nbc * H * QQ);
        xw = take(R * HP), st = take(nbc * HP * N), yo = take(R * HP), yd = take(R * HP);
        dyp = take(R * HP), dyh = take(R * HP), dacs = take(R * H), ddt = take(R * H), dbc = take(R * GN2), ds = take(nbc * HP * N);
        dxw = take(R * HP), dx = take(R * HP), dm = take(nbc * H * QQ), dcb = take(nbc * G * QQ);
        int64_t big = std::max({R * cd, nbc * HP * N, nbc * H * QQ, R * HP});  // largest GEMM operand
        bfa = take(s.dtype == NMC_BF16 ? (big + 1) / 2 : 0);
        bfb = take(s.dtype == NMC_BF16 ? (big + 1) / 2 : 0);
        total = at;
    }
};

// A GEMM operand: element (i, j) of the two batch levels starts at off + i si + j sj of base
// (size floats, converted whole to BF16 in BF16 mode), row stride ld.
struct Op {
    const float *base;
    int64_t size, off, si, sj;
    int ld;
};

// C(i, j) [m, n] = op(A(i, j)) op(B(i, j)) + beta C(i, j) for i < ni, j < nj: strided batched
// GEMMs over the larger level, one call per index of the smaller.
int gemm2(const ScanArgs &s, const Lay &w, float *work, bool ta, bool tb, int m, int n, int k, Op a, Op b,
          float beta, float *c, int64_t csi, int64_t csj, int ldc, int ni, int nj, cudaStream_t st) {
    const bool bf = s.dtype == NMC_BF16;
    const int el = bf ? 2 : 4;
    const char *pa = reinterpret_cast<const char *>(a.base), *pb = reinterpret_cast<const char *>(b.base);
    if (bf) {
        NMC_TRY(k::convert(work + w.bfa, NMC_BF16, a.base, NMC_F32, a.size, st));
        NMC_TRY(k::convert(work + w.bfb, NMC_BF16, b.base, NMC_F32, b.size, st));
        pa = reinterpret_cast<const char *>(work + w.bfa);
        pb = reinterpret_cast<const char *>(work + w.bfb);
    }
    const int dt = bf ? NMC_BF16 : s.dtype == GEMM_TF32 ? GEMM_TF32 : NMC_F32;
    if (a.si == nj * a.sj && b.si == nj * b.sj && csi == nj * csj)  // uniform over (i, j): one batch
        return gemm_rm(*s.gemm, dt, ta, tb, m, n, k, 1.0f, pa + a.off * el, a.ld, a.sj, pb + b.off * el, b.ld, b.sj, beta,
                       c, ldc, csj, ni * nj);
    if (ni <= nj) {
        for (int i = 0; i < ni; i++)
            NMC_TRY(gemm_rm(*s.gemm, dt, ta, tb, m, n, k, 1.0f, pa + (a.off + i * a.si) * el, a.ld, a.sj,
                            pb + (b.off + i * b.si) * el, b.ld, b.sj, beta, c + i * csi, ldc, csj, nj));
    } else {
        for (int j = 0; j < nj; j++)
            NMC_TRY(gemm_rm(*s.gemm, dt, ta, tb, m, n, k, 1.0f, pa + (a.off + j * a.sj) * el, a.ld, a.si,
                            pb + (b.off + j * b.sj) * el, b.ld, b.si, beta, c + j * csj, ldc, csi, ni));
    }
    return NMC_OK;
}

#include "train_ssd_flat.cuh"

// NMC_SCAN_STEPS=1 (diagnostics; the self-test's timing line sets it for one call): an event after
// each step group of ssd_forward / ssd_backward and, at the end of the call (which then waits for
// the stream), one stderr line of the groups' times: "ssd backward steps (ms): B0-B1 0.21, ...".
struct Steps {
    bool on = false;
    cudaStream_t st;
    std::vector<std::pair<const char *, cudaEvent_t>> ev;
    explicit Steps(cudaStream_t stream) : st(stream) {
        int c = -1;
        on = nmc::env_choice("NMC_SCAN_STEPS", {"0", "1"}, &c) == NMC_OK && c == 1;
        mark("start");
    }
    void mark(const char *name) {
        cudaEvent_t e;
        if (!on || cudaEventCreate(&e) != cudaSuccess) return;
        cudaEventRecord(e, st);
        ev.emplace_back(name, e);
    }
    void print(const char *what) {
        if (!on || ev.empty()) return;
        cudaEventSynchronize(ev.back().second);
        std::string line = std::string(what) + " steps (ms):";
        float total = 0.0f;
        for (size_t i = 1; i < ev.size(); i++) {
            float ms = 0.0f;
            cudaEventElapsedTime(&ms, ev[i - 1].second, ev[i].second);
            total += ms;
            char buf[64];
            snprintf(buf, sizeof buf, "%s %s %.3f", i > 1 ? "," : "", ev[i].first, ms);
            line += buf;
        }
        fprintf(stderr, "%s; total %.3f\n", line.c_str(), total);
    }
    ~Steps() {
        for (auto &e : ev) cudaEventDestroy(e.second);
    }
};

int check(const ScanArgs &s) {
    if (s.gemm == nullptr) return nmc::fail("chunked scan: no GEMM handle");
    if (s.groups <= 0 || s.heads % s.groups) return nmc::fail("chunked scan: heads must be a multiple of groups");
    if (s.conv_dim != s.heads * s.head_dim + 2 * s.groups * s.state) return nmc::fail("chunked scan: bad conv_dim");
    if ((int64_t)s.batch * s.heads > 65535) return nmc::fail("chunked scan: batch * heads above 65535");
    return NMC_OK;
}

int warps_grid(int64_t warps) { return (int)((warps * 32 + T - 1) / T); }

#include "train_ssd_rows.cuh"
#include "train_ssd_states.cuh"

// NMC_TRAIN_SCAN_STATES=fused: F5 + F6 and B3 + B4 as the state-pass kernels of train_ssd_states.cuh
// where state_pass_supported (else, and unset or "gemm": the GEMM and the separate pass)
int states_fused(const ScanArgs &s, bool *fused) {
    int c = -1;
    NMC_TRY(nmc::env_choice("NMC_TRAIN_SCAN_STATES", {"gemm", "fused"}, &c));
    *fused = c == 1 && state_pass_supported(s.head_dim, s.state, s.conv_dim);
    return NMC_OK;
}

// NMC_SCAN_ELEM: the element-wise steps as the row and tile kernels of train_ssd_rows.cuh (unset or
// "rows": the default since 2026-12-07, hybrid1b BF16 step 119.0 -> 108.5 ms on an H100) or the flat
// kernels above ("old")
int elem_rows(bool *rows) {
    int c = -1;
    NMC_TRY(nmc::env_choice("NMC_SCAN_ELEM", {"old", "rows"}, &c));
    *rows = c != 0;
    return NMC_OK;
}

}  // namespace

bool ssd_selected() {
    int mode = -1;  // an unknown value is refused when the trainer sizes its buffers (scan_mode_choice)
    return scan_mode_choice(&mode) != NMC_OK || mode != 3;
}

int scan_mode_choice(int *mode) {
    return nmc::env_choice("NMC_TRAIN_SCAN", {"fused", "fused-bwd", "chunked", "sequential", "tc-bwd"}, mode);
}

int64_t ssd_work_floats(const ScanArgs &s) { return Lay(s).total; }

int ssd_save_selected(bool *save) {
    int choice = -1;
    NMC_TRY(nmc::env_choice("NMC_TRAIN_SCAN_SAVE", {"0", "1"}, &choice));
    *save = choice != 0;  // unset: saved where it fits (hybrid1b step 192.8 -> 178.2 ms on an H100)
    return NMC_OK;
}

namespace {

// The forward with its regions (xp .. yd, the first ssd_saved_floats of the layout) at fw and the
// BF16 GEMM staging in work (the two may be the same buffer).
int forward_at(const ScanArgs &s, float *y, float *fw, float *work, cudaStream_t st) {
    NMC_TRY(check(s));
    const Lay w(s);
    const int H = w.H, P = w.P, N = w.N, G = w.G, hg = w.hg, cd = w.cd, HP = w.HP, nbc = (int)w.nbc;
    float *xp = fw + w.xp, *dtp = fw + w.dtp, *acs = fw + w.acs, *cb = fw + w.cb, *m = fw + w.m;
    float *xw = fw + w.xw, *sta = fw + w.st, *yo = fw + w.yo, *yd = fw + w.yd, *xh = fw + w.xh;
    const int64_t nx = w.R * cd, nS = w.nbc * HP * N;
    bool rows = false;
    NMC_TRY(elem_rows(&rows));
    const dim3 tiles((unsigned)w.nbc, (unsigned)((H + HT - 1) / HT));
    Steps steps(st);
    if (rows) {  // F0 (dt) + F1, then F0 (x | B | C) + F4 (the group F0-F1 holds F4's work here)
        dt_cumsum_tile<<<tiles, T, 0, st>>>(s.dt, s.a_log, w.L, w.nc, H, dtp, acs);
        if (rows_v4({cd, HP, P}, {s.xbc, xp, xh, xw}))
            pad_x_rows<4><<<(unsigned)w.R, T, 0, st>>>(s.xbc, dtp, acs, w.L, w.Lp, cd, H, P, xp, xh, xw);
        else
            pad_x_rows<1><<<(unsigned)w.R, T, 0, st>>>(s.xbc, dtp, acs, w.L, w.Lp, cd, H, P, xp, xh, xw);
    } else {
        pad_rows<<<blocks(nx), T, 0, st>>>(s.xbc, w.L, w.Lp, cd, nx, xp);                                 // F0.
        pad_rows<<<blocks(w.R * H), T, 0, st>>>(s.dt, w.L, w.Lp, H, w.R * H, dtp);
        to_heads<<<blocks(w.R * HP), T, 0, st>>>(xp, cd, H, P, w.R * HP, xh);
        chunk_cumsum<<<blocks(w.nbc * H), T, 0, st>>>(dtp, s.a_log, H, w.nbc * H, acs);                   // F1.
    }
    NMC_LAUNCHED("ssd_forward pad/cumsum");
    steps.mark("F0-F1");
    NMC_TRY(gemm2(s, w, work, false, true, Q, Q, N, Op{xp, nx, HP + (int64_t)G * N, (int64_t)Q * cd, N, cd},  // F2.
                  Op{xp, nx, HP, (int64_t)Q * cd, N, cd}, 0.0f, cb, (int64_t)G * QQ, QQ, Q, nbc, G, st));
    if (rows && rows_v4({}, {cb, m})) {
        mask_m_tile<4><<<(unsigned)(w.nbc * H), T, 0, st>>>(cb, acs, dtp, H, G, hg, m);                 // F3.
    } else if (rows) {
        mask_m_tile<1><<<(unsigned)(w.nbc * H), T, 0, st>>>(cb, acs, dtp, H, G, hg, m);
    } else {
        mask_m<<<blocks(w.nbc * H * QQ), T, 0, st>>>(cb, acs, dtp, H, G, hg, w.nbc * H * QQ, m);        // F3.
        weigh_x<<<blocks(w.R * HP), T, 0, st>>>(xp, cd, dtp, acs, H, P, w.R * HP, xw);                  // F4.
    }
    NMC_LAUNCHED("ssd_forward mask/weigh");
    steps.mark("F2-F4");
    bool fused_states = false;
    NMC_TRY(states_fused(s, &fused_states));
    if (fused_states) {  // F5 + F6.
        launch_state_pass<false>(xw, xp, cd, HP, acs, nullptr, w.B, w.nc, H, P, hg, N, sta, nullptr, st);
    } else {
        NMC_TRY(gemm2(s, w, work, true, false, hg * P, N, Q, Op{xw, w.R * HP, 0, (int64_t)Q * HP, hg * P, HP},  // F5.
                      Op{xp, nx, HP, (int64_t)Q * cd, N, cd}, 0.0f, sta, (int64_t)HP * N, (int64_t)hg * P * N, N, nbc, G, st));
        chunk_states<<<blocks((int64_t)w.B * H * P * N), T, 0, st>>>(acs, w.nc, H, (int64_t)P * N,      // F6.
                                                                     (int64_t)w.B * H * P * N, sta);
    }
    NMC_LAUNCHED("ssd_forward states");
    steps.mark("F5-F6");
    NMC_TRY(gemm2(s, w, work, false, true, Q, hg * P, N, Op{xp, nx, HP + (int64_t)G * N, (int64_t)Q * cd, N, cd},  // F7.
                  Op{sta, nS, 0, (int64_t)HP * N, (int64_t)hg * P * N, N}, 0.0f, yo, (int64_t)Q * HP, hg * P, HP, nbc,
                  G, st));
    NMC_TRY(gemm2(s, w, work, false, false, Q, P, Q, Op{m, w.nbc * H * QQ, 0, (int64_t)H * QQ, QQ, Q},         // F8.
                  Op{xh, w.R * HP, 0, (int64_t)Q * HP, (int64_t)Q * P, P}, 0.0f, yd, (int64_t)Q * HP, (int64_t)Q * P, P,
                  nbc, H, st));
    steps.mark("F7-F8");
    int64_t ny = (int64_t)w.B * w.L * HP;
    if (rows && rows_v4({cd, HP, P}, {yo, yd, xp, y}))                                                   // F9.
        finalize_y_rows<4><<<(unsigned)(w.B * w.L), T, 0, st>>>(yo, yd, xp, cd, acs, s.d, w.L, w.Lp, H, P, y);
    else if (rows)
        finalize_y_rows<1><<<(unsigned)(w.B * w.L), T, 0, st>>>(yo, yd, xp, cd, acs, s.d, w.L, w.Lp, H, P, y);
    else
        finalize_y<<<blocks(ny), T, 0, st>>>(yo, yd, xp, cd, acs, s.d, w.L, w.Lp, H, P, ny, y);
    NMC_LAUNCHED("ssd_forward finalize");
    steps.mark("F9");
    steps.print("ssd forward");
    return NMC_OK;
}

// The backward reading the forward's regions at fw (read only) and writing its own (dys in yd's
// place, dyp .. dcb, the BF16 staging) in work (the two may be the same buffer).
// tc: B8 - B10 in the tensor-core kernel (ssd_tc_bwd.cu) instead of cuBLAS and the mask kernels,
// and the other GEMMs, fp32 ones, through TF32 tensor cores (GEMM_TF32) instead of pedantic fp32.
int backward_at(const ScanArgs &sa, const float *fw, float *work, const float *dy, float *dxbc, float *ddt, float *da_log,
                float *dd, bool tc, cudaStream_t st) {
    NMC_TRY(check(sa));
    const Lay w(sa);
    ScanArgs s = sa;  // tc: the fp32 GEMMs (B2 - B6, B11) on TF32 tensor cores; the layout stays sa's
    if (tc && s.dtype == NMC_F32) s.dtype = GEMM_TF32;
    const int H = w.H, P = w.P, N = w.N, G = w.G, hg = w.hg, cd = w.cd, HP = w.HP, GN2 = w.GN2, nbc = (int)w.nbc;
    const float *xp = fw + w.xp, *dtp = fw + w.dtp, *acs = fw + w.acs, *cb = fw + w.cb, *m = fw + w.m;
    const float *xw = fw + w.xw, *sta = fw + w.st, *yo = fw + w.yo, *xh = fw + w.xh;
    float *dys = work + w.yd, *dyp = work + w.dyp, *dyh = work + w.dyh, *dacs = work + w.dacs, *ddtp = work + w.ddt, *dbc = work + w.dbc;
    float *ds = work + w.ds, *dxw = work + w.dxw, *dx = work + w.dx, *dm = work + w.dm, *dcb = work + w.dcb;
    const int64_t nx = w.R * cd, nS = w.nbc * HP * N, nY = w.R * HP, nM = w.nbc * H * QQ, nCB = w.nbc * G * QQ;
    const int64_t gq = (int64_t)hg * P, gS = gq * N;
    bool rows = false;
    NMC_TRY(elem_rows(&rows));
    const dim3 tiles((unsigned)w.nbc, (unsigned)((H + HT - 1) / HT)), chunk_heads((unsigned)w.nbc, (unsigned)H);
    Steps steps(st);
    if (rows) {  // B0 + B1 (dyp not written: B13 reads dy)
        dy_rows<<<chunk_heads, T, 0, st>>>(dy, yo, xp, cd, acs, w.L, w.nc, H, P, dyh, dys, dacs, dd);
    } else {
        pad_rows<<<blocks(nY), T, 0, st>>>(dy, w.L, w.Lp, HP, nY, dyp);                                   // B0.
        to_heads<<<blocks(nY), T, 0, st>>>(dyp, HP, H, P, nY, dyh);
        scale_dy<<<blocks(nY), T, 0, st>>>(dyp, acs, H, P, nY, dys);
        dy_dots<<<warps_grid(w.R * H), T, 0, st>>>(dyp, yo, xp, cd, H, P, w.R, dacs, dd);                  // B1.
    }
    NMC_LAUNCHED("ssd_backward dy");
    steps.mark("B0-B1");
    NMC_TRY(gemm2(s, w, work, false, false, Q, N, hg * P, Op{dys, nY, 0, (int64_t)Q * HP, gq, HP},            // B2.
                  Op{sta, nS, 0, (int64_t)HP * N, gS, N}, 0.0f, dbc + (int64_t)G * N, (int64_t)Q * GN2, N, GN2, nbc, G, st));
    bool fused_states = false;
    NMC_TRY(states_fused(s, &fused_states));
    if (fused_states) {  // B3 + B4.
        steps.mark("B2");
        launch_state_pass<true>(dys, xp, cd, HP + G * N, acs, sta, w.B, w.nc, H, P, hg, N, ds, dacs, st);
        NMC_LAUNCHED("ssd_backward states (fused)");
        steps.mark("B3-B4");
    } else {
        NMC_TRY(gemm2(s, w, work, true, false, hg * P, N, Q, Op{dys, nY, 0, (int64_t)Q * HP, gq, HP},         // B3.
                      Op{xp, nx, HP + (int64_t)G * N, (int64_t)Q * cd, N, cd}, 0.0f, ds, (int64_t)HP * N, gS, N, nbc, G, st));
        steps.mark("B2-B3");
        int64_t PN = (int64_t)P * N;                                                                     // B4.
        chunk_states_bwd<<<dim3((unsigned)((PN + T - 1) / T), (unsigned)(w.B * H)), T, 0, st>>>(sta, acs, w.nc, H, PN,
                                                                                               ds, dacs);
        NMC_LAUNCHED("ssd_backward states");
        steps.mark("B4");
    }
    NMC_TRY(gemm2(s, w, work, false, true, Q, hg * P, N, Op{xp, nx, HP, (int64_t)Q * cd, N, cd},               // B5.
                  Op{ds, nS, 0, (int64_t)HP * N, gS, N}, 0.0f, dxw, (int64_t)Q * HP, gq, HP, nbc, G, st));
    NMC_TRY(gemm2(s, w, work, false, false, Q, N, hg * P, Op{xw, nY, 0, (int64_t)Q * HP, gq, HP},              // B6.
                  Op{ds, nS, 0, (int64_t)HP * N, gS, N}, 0.0f, dbc, (int64_t)Q * GN2, N, GN2, nbc, G, st));
    if (rows)                                                                                            // B7.
        weigh_x_bwd_rows<<<chunk_heads, T, 0, st>>>(dxw, xp, cd, dtp, acs, H, P, dx, ddtp, dacs);
    else
        weigh_x_bwd<<<warps_grid(w.R * H), T, 0, st>>>(dxw, xp, cd, dtp, acs, H, P, w.R, dx, ddtp, dacs);
    NMC_LAUNCHED("ssd_backward weigh");
    steps.mark("B5-B7");
    const int64_t qp = (int64_t)Q * P;
    if (tc) {                                                                                            // B8 - B10.
        NMC_TRY(ssd_intra_bwd_tc(dyh, xh, m, cb, acs, dtp, w.nbc, H, G, P, dx, dacs, ddtp, dcb, st));
        steps.mark("B8-B10 tc");
    } else {
        NMC_TRY(gemm2(s, w, work, false, true, Q, Q, P, Op{dyh, nY, 0, (int64_t)Q * HP, qp, P},                    // B8.
                      Op{xh, nY, 0, (int64_t)Q * HP, qp, P}, 0.0f, dm, (int64_t)H * QQ, QQ, Q, nbc, H, st));
        NMC_TRY(gemm2(s, w, work, true, false, Q, P, Q, Op{m, nM, 0, (int64_t)H * QQ, QQ, Q},                     // B9.
                      Op{dyh, nY, 0, (int64_t)Q * HP, qp, P}, 1.0f, dx, (int64_t)Q * HP, qp, P, nbc, H, st));
        steps.mark("B8-B9");
        mask_bwd_rows<<<(unsigned)(w.nbc * H), Q, 0, st>>>(dm, m, cb, acs, H, G, hg, dacs, ddtp);             // B10.
        mask_bwd_cb<<<blocks(nCB), T, 0, st>>>(dm, acs, dtp, H, G, hg, nCB, dcb);
        NMC_LAUNCHED("ssd_backward mask");
        steps.mark("B10");
    }
    NMC_TRY(gemm2(s, w, work, false, false, Q, N, Q, Op{dcb, nCB, 0, (int64_t)G * QQ, QQ, Q},                 // B11.
                  Op{xp, nx, HP, (int64_t)Q * cd, N, cd}, 1.0f, dbc + (int64_t)G * N, (int64_t)Q * GN2, N, GN2, nbc, G, st));
    NMC_TRY(gemm2(s, w, work, true, false, Q, N, Q, Op{dcb, nCB, 0, (int64_t)G * QQ, QQ, Q},
                  Op{xp, nx, HP + (int64_t)G * N, (int64_t)Q * cd, N, cd}, 1.0f, dbc, (int64_t)Q * GN2, N, GN2, nbc, G, st));
    steps.mark("B11");
    int64_t nxo = (int64_t)w.B * w.L * cd, nto = (int64_t)w.B * w.L * H;
    if (rows) {  // B12 + B13 (ddt, unpadded straight from the tile), B13 (dxbc)
        cumsum_bwd_tile<<<tiles, T, 0, st>>>(dacs, dtp, ddtp, s.a_log, w.L, w.nc, H, ddt, da_log);
        if (rows_v4({cd, HP, P, GN2}, {dx, dy, dbc, dxbc}))
            unpack_dxbc_rows<4><<<(unsigned)(w.B * w.L), T, 0, st>>>(dx, dy, dbc, s.d, w.L, w.Lp, H, P, GN2, cd, dxbc);
        else
            unpack_dxbc_rows<1><<<(unsigned)(w.B * w.L), T, 0, st>>>(dx, dy, dbc, s.d, w.L, w.Lp, H, P, GN2, cd, dxbc);
    } else {
        chunk_cumsum_bwd<<<blocks(w.nbc * H), T, 0, st>>>(dacs, dtp, s.a_log, H, w.nbc * H, ddtp, da_log);  // B12.
        unpack_dxbc<<<blocks(nxo), T, 0, st>>>(dx, dyp, dbc, s.d, w.L, w.Lp, H, P, GN2, cd, nxo, dxbc);    // B13.
        unpad_rows<<<blocks(nto), T, 0, st>>>(ddtp, w.L, w.Lp, H, nto, ddt);
    }
    NMC_LAUNCHED("ssd_backward unpack");
    steps.mark("B12-B13");
    steps.print("ssd backward");
    return NMC_OK;
}

}  // namespace

int ssd_forward(const ScanArgs &s, float *y, float *work, cudaStream_t st) { return forward_at(s, y, work, work, st); }

int ssd_backward(const ScanArgs &s, float *work, const float *dy, float *dxbc, float *ddt, float *da_log, float *dd,
                 cudaStream_t st) {
    return backward_at(s, work, work, dy, dxbc, ddt, da_log, dd, false, st);
}

int ssd_backward_tc(const ScanArgs &s, const float *fwd, float *work, const float *dy, float *dxbc, float *ddt,
                    float *da_log, float *dd, cudaStream_t st) {
    if (!ssd_intra_bwd_tc_supported(s.head_dim)) return nmc::fail("ssd tc backward: head_dim must be a multiple of 16, at most 128");
    return backward_at(s, fwd, work, dy, dxbc, ddt, da_log, dd, true, st);
}

// The saved forward: the regions xp .. yo of the layout as ssd_forward leaves them, and y (unpadded
// [B L, H P]) in yd's place (yd itself is dead once y is made; the backward never reads it).
int64_t ssd_saved_floats(const ScanArgs &s) { return Lay(s).dyp; }

int ssd_forward_save(const ScanArgs &s, float *y, float *saved, float *work, cudaStream_t st) {
    NMC_TRY(forward_at(s, y, saved, work, st));
    const Lay w(s);
    NMC_CUDA(cudaMemcpyAsync(saved + w.yd, y, (size_t)w.B * w.L * w.HP * sizeof(float), cudaMemcpyDeviceToDevice, st));
    return NMC_OK;
}

int ssd_restore_y(const ScanArgs &s, const float *saved, float *y, cudaStream_t st) {
    const Lay w(s);
    NMC_CUDA(cudaMemcpyAsync(y, saved + w.yd, (size_t)w.B * w.L * w.HP * sizeof(float), cudaMemcpyDeviceToDevice, st));
    return NMC_OK;
}

int ssd_backward_saved(const ScanArgs &s, const float *saved, float *work, const float *dy, float *dxbc, float *ddt,
                       float *da_log, float *dd, cudaStream_t st) {
    return backward_at(s, saved, work, dy, dxbc, ddt, da_log, dd, false, st);
}

}  // namespace nmc::k::train
