// train_mamba_rows.cu's kernels (NMC_MAMBA_ELEM=rows) run on the CPU (test/emu/mamba_rows_run.sh)
// next to today's kernels they replace (train_kernels.cu gate_forward + rms_forward, rms_backward
// + gate_backward; train_reduce.cu conv_backward + dt_backward; the same emulation), against the
// double references of test/train_mamba_rows_reference.h and test/train_reduce_reference.h:
//   bit-equal to today's: mid (fp32 and BF16), rstd, dy, dz, dxBC, d dt_raw (the same operations
//     in the same order, the kernel header says why);
//   tol 1e-5 of each tensor's largest value against double: every output; the parameter gradients
//     (dgnorm, dconv_w, dconv_b, ddt_bias) are fp32 sums over up to 260 rows in another order than
//     today's, ~1e-7 relative each (today's kernels pass the same 1e-5 in reduce_emulate.cpp);
//   a second call bit for bit equal (no atomics). Shapes: rows not a multiple of the 16-row tiles,
//   groups of 24 (one warp, part idle) to 1200 columns (MAXC 4), odd strides, sequences shorter
//   than the taps and crossing the 64-step tiles, 200 channels (two tiles), clamped dt, no bias.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "train_kernels.h"
#include "../train_mamba_rows_reference.h"
#include "../train_reduce_reference.h"

namespace nmc::k::train {  // train_kernels.cu's cross_entropy calls it; train_xent.cu is not linked here
int cross_entropy_fused(float *, int64_t, const int32_t *, int, int, float, const float *, bool, float *, void *,
                        cudaStream_t) {
    return nmc::fail("cross_entropy_fused: not emulated here");
}
}  // namespace nmc::k::train

using Vec = std::vector<float>;
using DVec = std::vector<double>;
namespace kt = nmc::k::train;
static int failures = 0;

static double rel(const Vec &got, const DVec &want) {
    double norm = 1e-30, worst = 0;
    for (double w : want) norm = std::max(norm, std::fabs(w));
    for (size_t i = 0; i < got.size(); i++) {
        double e = std::fabs((double)got[i] - want[i]) / norm;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    return worst;
}

static void report(bool ok, const std::string &what) {
    printf("%s %s%s\n", ok ? "PASS" : "FAIL", what.c_str(), emu::last_error.empty() ? "" : (" " + emu::last_error).c_str());
    fflush(stdout);
    if (!ok) failures++;
}

static Vec randn(std::mt19937 &g, size_t n, float s = 1.0f) {
    std::normal_distribution<float> nd(0, s);
    Vec v(n);
    for (auto &x : v) x = nd(g);
    return v;
}

static bool same_bits(const Vec &a, const Vec &b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

// gated norm forward and backward: rows kernels vs today's vs double
static void norm_case(int rows, int dim, int groups, uint32_t seed) {
    std::mt19937 g(seed);
    const int zld = dim + 3;
    const float eps = 1e-5f;
    Vec y = randn(g, (size_t)rows * dim), z = randn(g, (size_t)rows * zld, 1.5f), w = randn(g, dim),
        dmid = randn(g, (size_t)rows * dim), dw0 = randn(g, dim);
    // forward
    Vec tg((size_t)rows * dim), mid_o(tg.size()), rstd_o((size_t)rows * groups), mid_n(tg.size()), rstd_n(rstd_o.size());
    std::vector<__nv_bfloat16> m16_o(tg.size()), m16_n(tg.size());
    Vec rstd16(rstd_o.size());
    bool ok = kt::gate_forward(y.data(), z.data(), zld, rows, dim, tg.data(), nullptr) == NMC_OK &&
              kt::rms_forward(tg.data(), rows, dim, groups, w.data(), eps, mid_o.data(), rstd_o.data(), nullptr) == NMC_OK &&
              kt::rms_forward(tg.data(), rows, dim, groups, w.data(), eps, nullptr, rstd16.data(), nullptr, m16_o.data()) == NMC_OK &&
              kt::gated_norm_forward_rows(y.data(), z.data(), zld, rows, dim, groups, w.data(), eps, mid_n.data(),
                                          rstd_n.data(), nullptr) == NMC_OK &&
              kt::gated_norm_forward_rows(y.data(), z.data(), zld, rows, dim, groups, w.data(), eps, nullptr,
                                          rstd16.data(), nullptr, m16_n.data()) == NMC_OK;
    DVec mid_r(tg.size()), rstd_r(rstd_o.size());
    mref::gated_norm_forward(rows, dim, groups, y, z, zld, w, eps, mid_r, rstd_r);
    bool b16 = true;
    for (size_t i = 0; i < tg.size(); i++) b16 &= m16_o[i].bits == m16_n[i].bits;
    const bool fsame = same_bits(mid_o, mid_n) && same_bits(rstd_o, rstd_n) && b16;
    const double fe[2] = {rel(mid_n, mid_r), rel(rstd_n, rstd_r)};
    char line[320];
    snprintf(line, sizeof line, "emulated gated_norm_forward_rows rows %d dim %d groups %d: mid %.2e rstd %.2e (tol 1e-5), %s",
             rows, dim, groups, fe[0], fe[1], fsame ? "mid, BF16 mid, rstd bit-equal to gate_forward + rms_forward" : "DIFFERS FROM TODAY'S");
    report(ok && fsame && fe[0] <= 1e-5 && fe[1] <= 1e-5, line);
    // backward from the forward's rstd
    Vec dtmp(tg.size()), dy_o = dmid, dz_o((size_t)rows * zld, 0.0f), dw_o = dw0;
    ok = kt::rms_backward(tg.data(), w.data(), rstd_o.data(), dmid.data(), rows, dim, groups, dtmp.data(), false,
                          dw_o.data(), nullptr) == NMC_OK &&
         kt::gate_backward(y.data(), z.data(), zld, dtmp.data(), rows, dim, dy_o.data(), dz_o.data(), nullptr) == NMC_OK;
    Vec dy_n[2], dz_n[2], dw_n[2], work(kt::gated_norm_rows_work_floats(rows, dim));
    for (int run = 0; run < 2; run++) {
        dy_n[run] = dmid, dz_n[run].assign(dz_o.size(), 0.0f), dw_n[run] = dw0;
        ok &= kt::gated_norm_backward_rows(y.data(), z.data(), dz_n[run].data(), zld, w.data(), rstd_n.data(),
                                           dy_n[run].data(), rows, dim, groups, dw_n[run].data(), work.data(),
                                           (int64_t)work.size(), nullptr) == NMC_OK;
    }
    DVec dy_r(tg.size()), dz_r(dz_o.size(), 0.0), dw_r(dw0.begin(), dw0.end());
    mref::gated_norm_backward(rows, dim, groups, y, z, zld, w, rstd_n, dmid, dy_r, dz_r, dw_r);
    const bool bsame = same_bits(dy_o, dy_n[0]) && same_bits(dz_o, dz_n[0]);
    const bool rep = same_bits(dy_n[0], dy_n[1]) && same_bits(dz_n[0], dz_n[1]) && same_bits(dw_n[0], dw_n[1]);
    const double be[4] = {rel(dy_n[0], dy_r), rel(dz_n[0], dz_r), rel(dw_n[0], dw_r), rel(dw_o, dw_r)};
    snprintf(line, sizeof line,
             "emulated gated_norm_backward_rows rows %d dim %d groups %d: dy %.2e dz %.2e dgnorm %.2e (today's %.2e; tol 1e-5), %s%s",
             rows, dim, groups, be[0], be[1], be[2], be[3], bsame ? "dy, dz bit-equal to rms_backward + gate_backward" : "DIFFERS FROM TODAY'S",
             rep ? ", repeat bit for bit" : ", REPEAT DIFFERS");
    report(ok && bsame && rep && be[0] <= 1e-5 && be[1] <= 1e-5 && be[2] <= 1e-5, line);
}

// conv1d + SiLU + dt backward: rows kernel vs conv_backward + dt_backward vs double
static void conv_dt_case(int B, int L, int C, int K, int H, bool with_bias, float lo, float hi, uint32_t seed) {
    std::mt19937 g(seed);
    const int in_ld = C + 3, dout_ld = C + 1, din_ld = C + 5, raw_ld = H + 7, R = B * L;
    Vec in = randn(g, (size_t)R * in_ld), w = randn(g, (size_t)C * K, 0.5f), bias = randn(g, C, 0.3f),
        dout = randn(g, (size_t)R * dout_ld), dw0 = randn(g, (size_t)C * K), db0 = randn(g, C),
        raw = randn(g, (size_t)R * raw_ld, 2.0f), dtb = randn(g, H), ddt = randn(g, (size_t)R * H), dtb0 = randn(g, H);
    const float *bp = with_bias ? bias.data() : nullptr;
    // today's
    Vec din_o((size_t)R * din_ld, 0.0f), dw_o = dw0, db_o = db0, draw_o((size_t)R * raw_ld, 0.0f), dtb_o = dtb0;
    bool ok = kt::conv_backward(in.data(), in_ld, w.data(), bp, dout.data(), dout_ld, B, L, C, K, din_o.data(), din_ld,
                                dw_o.data(), with_bias ? db_o.data() : nullptr, nullptr) == NMC_OK &&
              (H == 0 || kt::dt_backward(raw.data(), raw_ld, dtb.data(), ddt.data(), R, H, lo, hi, draw_o.data(),
                                         dtb_o.data(), nullptr) == NMC_OK);
    // rows, twice
    Vec din[2], dw[2], db[2], draw[2], dtbg[2], work(kt::conv_dt_rows_work_floats(B, L, C, K, H));
    for (int run = 0; run < 2; run++) {
        din[run].assign(din_o.size(), 0.0f), dw[run] = dw0, db[run] = db0, draw[run].assign(draw_o.size(), 0.0f),
            dtbg[run] = dtb0;
        kt::ConvDtBwd a{};
        a.batch = B, a.seq_len = L, a.channels = C, a.kernel = K;
        a.in = in.data(), a.in_stride = in_ld, a.w = w.data(), a.bias = bp;
        a.dout = dout.data(), a.dout_stride = dout_ld, a.din = din[run].data(), a.din_stride = din_ld;
        a.dw = dw[run].data(), a.dbias = with_bias ? db[run].data() : nullptr;
        a.heads = H, a.lo = lo, a.hi = hi, a.raw = raw.data(), a.raw_stride = raw_ld, a.dt_bias = dtb.data();
        a.ddt = ddt.data(), a.draw = draw[run].data(), a.ddt_bias = dtbg[run].data();
        ok &= kt::conv_dt_backward_rows(a, work.data(), (int64_t)work.size(), nullptr) == NMC_OK;
    }
    DVec din_r(din_o.size(), 0.0), dw_r(dw0.begin(), dw0.end()), db_r(db0.begin(), db0.end()),
        draw_r(draw_o.size(), 0.0), dtb_r(dtb0.begin(), dtb0.end());
    rref::conv_backward(B, L, C, K, in, in_ld, w, with_bias ? &bias : nullptr, dout, dout_ld, din_r, din_ld, dw_r,
                        with_bias ? &db_r : nullptr);
    const int clamped = H ? rref::dt_backward(R, H, raw_ld, lo, hi, raw, dtb, ddt, draw_r, dtb_r) : 0;
    const bool same = same_bits(din[0], din_o) && same_bits(draw[0], draw_o);
    const bool rep = same_bits(din[0], din[1]) && same_bits(dw[0], dw[1]) && same_bits(db[0], db[1]) &&
                     same_bits(draw[0], draw[1]) && same_bits(dtbg[0], dtbg[1]);
    const double e[5] = {rel(din[0], din_r), rel(dw[0], dw_r), with_bias ? rel(db[0], db_r) : 0.0,
                         H ? rel(draw[0], draw_r) : 0.0, H ? rel(dtbg[0], dtb_r) : 0.0};
    char line[384];
    snprintf(line, sizeof line,
             "emulated conv_dt_backward_rows B%d L%d C%d K%d H%d%s (%d clamped): dxBC %.2e dconv_w %.2e dconv_b %.2e draw %.2e "
             "ddt_bias %.2e (tol 1e-5), %s%s",
             B, L, C, K, H, with_bias ? " bias" : "", clamped, e[0], e[1], e[2], e[3], e[4],
             same ? "dxBC, draw bit-equal to conv_backward + dt_backward" : "DIFFERS FROM TODAY'S",
             rep ? ", repeat bit for bit" : ", REPEAT DIFFERS");
    bool tol = true;
    for (double v : e) tol &= v <= 1e-5;
    report(ok && same && rep && tol && (clamped > 0 || !(lo > 0.0f) || H == 0), line);
}

int main(int argc, char **argv) {
    const bool quick = argc > 1 && std::string(argv[1]) == "--quick";  // the mutants' cases (mamba_rows_mutants.sh)
    norm_case(37, 48, 2, 1);     // gs 24: one warp, part idle; 3 row tiles (the last of 5 rows)
    conv_dt_case(2, 70, 40, 4, 5, true, 0.05f, 3.0f, 5);   // two time tiles a sequence, clamped dt
    if (quick) {
        printf("%s\n", failures ? "FAILED" : "ALL PASS");
        return failures ? 1 : 0;
    }
    norm_case(3, 1200, 1, 2);    // gs 1200 over 512 threads: MAXC 4 (few rows: 512 emulated threads are slow)
    norm_case(33, 96, 3, 3);
    norm_case(2, 1024, 2, 4);    // gs 512: one column a thread (hybrid1b's group width)
    conv_dt_case(1, 5, 33, 4, 3, false, 0.0f, INFINITY, 6);  // 5 steps: the halo runs past the sequence's end
    conv_dt_case(3, 33, 7, 3, 0, true, 0.0f, INFINITY, 7);   // no dt heads
    conv_dt_case(1, 130, 200, 4, 130, true, 0.05f, 3.0f, 8);  // two channel tiles, two dt tiles, 3 time tiles
    conv_dt_case(1, 66, 9, 1, 2, true, 0.0f, INFINITY, 9);   // one tap: no halo
    conv_dt_case(1, 129, 16, 8, 4, true, 0.0f, INFINITY, 10);
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
