// Self-test of the trainer's kernels on a GPU (issue 18), every line PASS or FAIL:
//   attention  the flash kernels (nmc_k_train_attention impl 1: forward output, logsumexp, dQ, dK,
//              dV) against the materialised reference path (impl 0, L x L scores, fp32 cuBLAS)
//              and against a CPU double reference (test/train_reference.h), causal GQA 5:1, 2:1
//              and 1:1, head_dim 16/64/80/128, L not a multiple of the 32-row tile; then one long
//              sequence (L = 4096) against the reference path with both times printed.
//   attention tc  the tensor-core flash kernels (impl 2, BF16 operands) against the materialised path
//              (out, dQ, dK, dV) and the fp32 flash (out, lse) within 2e-2 of each tensor's largest
//              value: L = 1 .. 300 with ragged tiles, B up to 3, GQA 4:1, 5:1, 1:1, head_dim 64/128;
//              then L = 4096 (32:8 hd 64, 10:2 hd 128) checked the same way with tc, fp32 flash and
//              materialised forward / backward times printed ("INFO train attention timing").
//   fp8        the FP8 fake quantiser of the trainer's FP8 GEMMs (nmc_k_fake_quant_fp8) bit for bit
//              against the CPU reference of nemotron-train's BlockQuantizer (codes, scales, values).
//   linear     the three GEMMs of a trainer linear layer (nmc_k_train_linear) in F32, BF16 and FP8
//              against CPU GEMMs on operands quantised as FakeQuantGemm's rules (which operand, which
//              axis), ragged shapes and a strided dY.
//   scan       the Mamba-2 scan (nmc_k_train_scan): chunked SSD (train_ssd.cu) in fp32 and BF16 and
//              sequential (train_scan.cu) against a CPU double reference (test/ssd_reference.h)
//              and each other, every tensor (y, dx, dB, dC, ddt, dA_log, dD), several shapes; one
//              line per case and path (test/train_selftest_scan.h); L = 4096 times printed.
//   trainer    the trainer's gradients with NMC_TRAIN_SCAN=sequential and the chunked scan; one training step of a tiny hybrid in F32 and FP8 (nmc_trainer_set_gemm_precision),
//   fp8 lt     the FP8 GEMMs through cuBLASLt block-scaled E4M3 (nmc_k_train_linear_fp8) against the
//              fake-quant reference: the probe's report, shapes with K and N multiples of 128, rows
//              not a multiple of 128 (and of 4), K and N not multiples of 128 (zero-padded codes).
//   trainer    one training step of a tiny hybrid in F32 and FP8 (nmc_trainer_set_gemm_precision),
//              and the trainer's errors for bad GEMM precisions and a head_dim beyond 256; a BF16
//              trainer with NMC_TRAIN_ATTENTION = flash, tc, materialised, unset (and a bad value).
//   token      the loss-agnostic head (token log-probs, per-position weights: DPO and GRPO on the
//              device) against the plain backward and finite differences of a weighted loss.
// Exit status 0 when all pass (2: no device).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "nemotron_cuda.h"
#include "selftest_common.h"
#include "train_reference.h"
#include "train_selftest_scan.h"

using tref::Vec;

// The q, k or v columns (which: 0, 1, 2) of fused rows [R, (qH + 2 kvH) hd].
static Vec part(const Vec &qkv, int R, int qH, int kvH, int hd, int which) {
    int ld = (qH + 2 * kvH) * hd, off = which == 0 ? 0 : which == 1 ? qH * hd : (qH + kvH) * hd;
    int w = which == 0 ? qH * hd : kvH * hd;
    Vec out((size_t)R * w);
    for (int r = 0; r < R; r++) std::copy_n(qkv.begin() + (size_t)r * ld + off, w, out.begin() + (size_t)r * w);
    return out;
}

struct Run {
    Vec out, lse, dqkv;
    float ms = 0;
    bool ok = false;
};

static Run run(int impl, int B, int L, int qH, int kvH, int hd, const Vec &qkv, const Vec &dout) {
    Run r;
    r.out.resize((size_t)B * L * qH * hd);
    r.lse.resize((size_t)B * qH * L);
    r.dqkv.resize(qkv.size());
    int rc = nmc_k_train_attention(impl, B, L, qH, kvH, hd, qkv.data(), dout.empty() ? nullptr : dout.data(),
                                   r.out.data(), impl != 0 ? r.lse.data() : nullptr,
                                   dout.empty() ? nullptr : r.dqkv.data(), &r.ms);
    r.ok = rc == NMC_OK;
    if (!r.ok) printf("FAIL nmc_k_train_attention impl %d: %s\n", impl, nmc_last_error());
    return r;
}

// Flash against the reference path (tol_ref) and, when cpu, against the CPU double reference (tol_cpu).
// max |got - want| over the largest |value| of the whole gradient dqkv: dQ and dK are exactly 0 at
// L = 1 (one key: dS = p (dp - delta) with p = 1, dp = delta), so their own largest value is no
// scale for the rounding of dp - delta; dV's is.
static void expect_close_in(const Vec &got, const Vec &want, const Vec &whole, double tol, const std::string &what) {
    double scale = 1e-6, worst = 0;
    for (float v : whole) scale = std::max(scale, (double)std::fabs(v));
    for (size_t i = 0; i < got.size() && i < want.size(); i++) {
        double e = std::fabs((double)got[i] - want[i]) / scale;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    char buf[80];
    snprintf(buf, sizeof buf, " (max err %.2e of max |dqkv|, tol %.0e)", worst, tol);
    check(got.size() == want.size() && worst <= tol, what + buf);
}

static void attention_case(int B, int L, int qH, int kvH, int hd, bool cpu, uint32_t seed) {
    std::string name = "train attention B=" + std::to_string(B) + " L=" + std::to_string(L) + " heads " +
                       std::to_string(qH) + ":" + std::to_string(kvH) + " hd=" + std::to_string(hd);
    int R = B * L, ld = (qH + 2 * kvH) * hd;
    Vec qkv = randn((size_t)R * ld, seed), dout = randn((size_t)R * qH * hd, seed + 1);
    Run ref = run(0, B, L, qH, kvH, hd, qkv, dout), fl = run(1, B, L, qH, kvH, hd, qkv, dout);
    if (!ref.ok || !fl.ok) {
        failures++;
        return;
    }
    const double tol_ref = 1e-4, tol_cpu = 1e-4;
    expect_close(fl.out, ref.out, tol_ref, name + ": flash out vs materialised");
    for (int w = 0; w < 3; w++) {
        const char *what = w == 0 ? "dQ" : w == 1 ? "dK" : "dV";
        expect_close_in(part(fl.dqkv, R, qH, kvH, hd, w), part(ref.dqkv, R, qH, kvH, hd, w), ref.dqkv, tol_ref,
                        name + ": flash " + what + " vs materialised");
    }
    if (cpu) {
        tref::Attn want = tref::attention(B, L, qH, kvH, hd, qkv, dout);
        expect_close(fl.out, want.out, tol_cpu, name + ": flash out vs CPU");
        expect_close(fl.lse, want.lse, tol_cpu, name + ": flash logsumexp vs CPU");
        expect_close(ref.out, want.out, tol_cpu, name + ": materialised out vs CPU");
        for (int w = 0; w < 3; w++) {
            const char *what = w == 0 ? "dQ" : w == 1 ? "dK" : "dV";
            expect_close_in(part(fl.dqkv, R, qH, kvH, hd, w), part(want.dqkv, R, qH, kvH, hd, w), want.dqkv, tol_cpu,
                            name + ": flash " + what + " vs CPU");
            expect_close_in(part(ref.dqkv, R, qH, kvH, hd, w), part(want.dqkv, R, qH, kvH, hd, w), want.dqkv, tol_cpu,
                            name + ": materialised " + what + " vs CPU");
        }
    } else {
        printf("INFO %s: forward + backward %.2f ms flash, %.2f ms materialised (fp32)\n", name.c_str(), fl.ms, ref.ms);
    }
}

// The FP8 fake quantiser (nmc_k_fake_quant_fp8) bit for bit against the CPU reference: codes,
// scales and dequantised values, on ragged shapes with the recipe's three block shapes, rows of
// very different magnitudes, exact rounding ties, an all-zero block, NaN and +-inf, E4M3 subnormals.
static void fp8_tests() {
    const int rows = 300, cols = 200;
    Vec x = randn((size_t)rows * cols, 42);
    for (int r = 0; r < rows; r++) {
        float mag = std::ldexp(1.0f, (r % 41) - 20);  // 2^-20 .. 2^20
        for (int c = 0; c < cols; c++) x[(size_t)r * cols + c] *= mag;
    }
    // row 0, columns 0..127: amax 448 -> scale 1, then exact midpoints between E4M3 neighbours
    const float ties[] = {448, 1.0625f, 1.1875f, 17, 19, -17, 0.5f + 1.0f / 32, 3.0f / 1024, 1.0f / 1024, 240 + 8,
                          -(224 + 8), 0.0f, -0.0f};
    for (size_t i = 0; i < sizeof ties / sizeof ties[0]; i++) x[i] = ties[i];
    for (int c = 0; c < 128; c++) x[(size_t)5 * cols + c] = 0.0f;              // row 5: a zero tile
    for (int r = 128; r < 256; r++) x[(size_t)r * cols + 150] = 0.0f;         // a zero column tile
    x[(size_t)7 * cols + 3] = NAN;
    x[(size_t)8 * cols + 4] = INFINITY;
    x[(size_t)9 * cols + 140] = -INFINITY;
    for (int c = 0; c < 20; c++) x[(size_t)10 * cols + c] = std::ldexp(1.0f, -c) * (c % 2 ? 1 : -1);  // subnormal codes
    struct Block { int br, bc; };
    for (Block b : {Block{1, 128}, Block{128, 1}, Block{128, 128}, Block{1, 7}}) {
        tref::Fp8 want = tref::fake_quant(x, rows, cols, b.br, b.bc);
        std::vector<uint8_t> codes(x.size());
        Vec scales(want.scales.size()), out(x.size());
        std::string name = "fp8 fake quant " + std::to_string(rows) + "x" + std::to_string(cols) + " blocks " +
                           std::to_string(b.br) + "x" + std::to_string(b.bc);
        if (nmc_k_fake_quant_fp8(x.data(), rows, cols, b.br, b.bc, out.data(), codes.data(), scales.data()) != NMC_OK) {
            check(false, name + ": " + nmc_last_error());
            continue;
        }
        size_t bad_codes = 0, bad_out = 0, bad_scales = 0, first = SIZE_MAX;
        for (size_t i = 0; i < x.size(); i++) {
            if (codes[i] != want.codes[i]) {
                bad_codes++;
                first = std::min(first, i);
            }
            uint32_t a, w;
            memcpy(&a, &out[i], 4);
            memcpy(&w, &want.out[i], 4);
            bad_out += a != w && !(std::isnan(out[i]) && std::isnan(want.out[i]));
        }
        for (size_t i = 0; i < scales.size(); i++) bad_scales += scales[i] != want.scales[i];
        std::string detail = first == SIZE_MAX ? "" : " (first at " + std::to_string(first) + ": x " +
                             std::to_string(x[first]) + " code " + std::to_string(codes[first]) + " want " +
                             std::to_string(want.codes[first]) + ")";
        check(bad_codes == 0, name + ": E4M3 codes bit-exact, " + std::to_string(bad_codes) + " differ" + detail);
        check(bad_scales == 0, name + ": scales exact, " + std::to_string(bad_scales) + " differ");
        check(bad_out == 0, name + ": dequantised values bit-exact, " + std::to_string(bad_out) + " differ");
    }
    // the reference itself on known values (so a shared mistake cannot pass): scale 1 after amax 448
    check(tref::e4m3_encode(1.0625) == 0x38 && tref::e4m3_encode(1.1875) == 0x3a && tref::e4m3_encode(17) == 0x58 &&
              tref::e4m3_encode(19) == 0x5a && tref::e4m3_encode(464) == 0x7e && tref::e4m3_encode(-448) == 0xfe &&
              tref::e4m3_encode(std::ldexp(1.0, -9)) == 0x01 && tref::e4m3_encode(std::ldexp(1.0, -10)) == 0x00 &&
              tref::e4m3_decode(0x7e) == 448 && tref::e4m3_decode(0x08) == std::ldexp(1.0, -6),
          "fp8 CPU reference: E4M3 ties to even, saturation, subnormals");
}

// A = op(a) [m, kk] times B^T, B = op(b) [n, kk], in double: c[i, j] = sum_l a[i, l] b[j, l] with
// a, b given as row-major matrices whose element (i, l) is at a[i * sa_i + l * sa_l].
static Vec gemm_ref(int m, int n, int kk, const Vec &a, int sa_i, int sa_l, const Vec &b, int sb_j, int sb_l) {
    Vec c((size_t)m * n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double acc = 0;
            for (int l = 0; l < kk; l++) acc += (double)a[(size_t)i * sa_i + (size_t)l * sa_l] * b[(size_t)j * sb_j + (size_t)l * sb_l];
            c[(size_t)i * n + j] = (float)acc;
        }
    return c;
}

// The trainer's linear GEMMs (nmc_k_train_linear) against the CPU reference of FakeQuantGemm's
// operand rules: FP8 forward x 1x128 / W 128x128, data gradient dY 1x128 / W 128x128, weight
// gradient dY 128x1 / x 128x1; BF16 every operand rounded; F32 as given. The quantised operands are
// bit-identical (see fp8_tests), so only fp32 accumulation separates them: <= 1e-5 of max |ref|.
// The FP8 results must also differ from the unquantised GEMMs by > 1e-3 (the check discriminates).
static void linear_tests() {
    struct Case { int rows, n, k, ld_dy; };
    for (Case c : {Case{300, 200, 260, 210}, Case{64, 128, 128, 128}, Case{130, 24, 300, 40}}) {
        Vec x = randn((size_t)c.rows * c.k, 51), w = randn((size_t)c.n * c.k, 52, 0.05f);
        Vec dyw = randn((size_t)c.rows * c.ld_dy, 53, 1e-3f), dy((size_t)c.rows * c.n);
        for (int r = 0; r < c.rows; r++) std::copy_n(dyw.begin() + (size_t)r * c.ld_dy, c.n, dy.begin() + (size_t)r * c.n);
        for (int prec : {NMC_F32, NMC_BF16, NMC_FP8}) {
            const char *pn = prec == NMC_F32 ? "f32" : prec == NMC_BF16 ? "bf16" : "fp8";
            std::string name = std::string("train linear ") + pn + " rows=" + std::to_string(c.rows) + " n=" +
                               std::to_string(c.n) + " k=" + std::to_string(c.k) + " ld_dy=" + std::to_string(c.ld_dy);
            Vec y((size_t)c.rows * c.n), dx((size_t)c.rows * c.k), dw((size_t)c.n * c.k);
            if (nmc_k_train_linear(prec, c.rows, c.n, c.k, x.data(), w.data(), dyw.data(), c.ld_dy, y.data(), dx.data(),
                                   dw.data()) != NMC_OK) {
                check(false, name + ": " + nmc_last_error());
                continue;
            }
            // operands as each GEMM sees them
            auto op = [&](const Vec &a, int rows, int cols, int br, int bc) {
                if (prec == NMC_FP8) return tref::fake_quant(a, rows, cols, br, bc).out;
                Vec o = a;
                if (prec == NMC_BF16) for (float &v : o) v = bf16_round(v);
                return o;
            };
            Vec xf = op(x, c.rows, c.k, 1, 128), wf = op(w, c.n, c.k, 128, 128), gf = op(dy, c.rows, c.n, 1, 128);
            Vec gw = op(dy, c.rows, c.n, 128, 1), xw = op(x, c.rows, c.k, 128, 1);
            Vec y_ref = gemm_ref(c.rows, c.n, c.k, xf, c.k, 1, wf, c.k, 1);     // y[r, o] = sum_i x[r, i] w[o, i]
            Vec dx_ref = gemm_ref(c.rows, c.k, c.n, gf, c.n, 1, wf, 1, c.k);    // dx[r, i] = sum_o dy[r, o] w[o, i]
            Vec dw_ref = gemm_ref(c.n, c.k, c.rows, gw, 1, c.n, xw, 1, c.k);    // dw[o, i] = sum_r dy[r, o] x[r, i]
            expect_close(y, y_ref, 1e-5, name + ": y");
            expect_close(dx, dx_ref, 1e-5, name + ": dx");
            expect_close(dw, dw_ref, 1e-5, name + ": dw");
            if (prec == NMC_FP8) {
                Vec y_full = gemm_ref(c.rows, c.n, c.k, x, c.k, 1, w, c.k, 1);
                Vec dw_full = gemm_ref(c.n, c.k, c.rows, dy, 1, c.n, x, 1, c.k);
                double ey = max_rel_err(y, y_full), ew = max_rel_err(dw, dw_full);
                char buf[96];
                snprintf(buf, sizeof buf, " (y %.2e, dw %.2e of max |ref|)", ey, ew);
                check(ey > 1e-3 && ew > 1e-3, name + ": FP8 differs from the unquantised GEMMs" + std::string(buf));
            }
        }
    }
}

// The tensor-core flash kernels (impl 2: BF16 operands, fp32 accumulation and statistics) against
// the materialised fp32 path (out, dQ, dK, dV) and the fp32 flash kernels (logsumexp, out). Error
// of a tensor: max |tc - ref| over the reference tensor's largest |value|, that scale floored at
// 1e-3 of max |ref dqkv| (dQ and dK are exactly 0 at L = 1); bound 2e-2 for BF16 (the emulated
// kernels measured 2e-3 .. 6e-3); lse absolute (log domain), bound 2e-2. tc must differ from the
// fp32 flash output by more than 1e-5 (BF16 rounding is visible: the tc kernels really ran).
static double err_in(const Vec &got, const Vec &want, double floor, double *scale_out) {
    double scale = std::max(floor, 1e-12), worst = 0;
    for (float v : want) scale = std::max(scale, (double)std::fabs(v));
    for (size_t i = 0; i < got.size() && i < want.size(); i++) {
        double e = std::fabs((double)got[i] - want[i]) / scale;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    if (scale_out) *scale_out = scale;
    return got.size() == want.size() ? worst : 1e9;
}

// tc against the materialised path (out, dQ, dK, dV) and the fp32 flash (out, lse): one line each
static void compare_tc(const std::string &name, const Run &tc, const Run &ref, const Run &fl, int R, int qH, int kvH,
                       int hd) {
    const double tol = 2e-2;
    double whole = 0;
    for (float v : ref.dqkv) whole = std::max(whole, (double)std::fabs(v));
    auto line = [&](const Vec &got, const Vec &want, double floor, const std::string &what) {
        double scale = 0, e = err_in(got, want, floor, &scale);
        char buf[120];
        snprintf(buf, sizeof buf, " (max err %.2e of max |ref| %.2e, tol %.0e)", e, scale, tol);
        check(e <= tol, name + ": " + what + buf);
    };
    line(tc.out, ref.out, 0, "out vs materialised");
    line(tc.out, fl.out, 0, "out vs fp32 flash");
    double lse_err = 0;
    for (size_t i = 0; i < tc.lse.size(); i++) {
        double e = std::fabs((double)tc.lse[i] - fl.lse[i]);
        if (!(e <= lse_err)) lse_err = std::isnan(e) ? 1e9 : e;
    }
    char buf[120];
    snprintf(buf, sizeof buf, ": lse vs fp32 flash (max abs err %.2e, tol %.0e)", lse_err, tol);
    check(lse_err <= tol, name + buf);
    for (int w = 0; w < 3; w++) {
        const char *what = w == 0 ? "dQ" : w == 1 ? "dK" : "dV";
        line(part(tc.dqkv, R, qH, kvH, hd, w), part(ref.dqkv, R, qH, kvH, hd, w), 1e-3 * whole,
             std::string(what) + " vs materialised");
    }
}

static void tc_attention_case(int B, int L, int qH, int kvH, int hd, uint32_t seed) {
    std::string name = "train attention tc B=" + std::to_string(B) + " L=" + std::to_string(L) + " heads " +
                       std::to_string(qH) + ":" + std::to_string(kvH) + " hd=" + std::to_string(hd);
    int R = B * L;
    Vec qkv = randn((size_t)R * (qH + 2 * kvH) * hd, seed), dout = randn((size_t)R * qH * hd, seed + 1);
    Run ref = run(0, B, L, qH, kvH, hd, qkv, dout), fl = run(1, B, L, qH, kvH, hd, qkv, dout),
        tc = run(2, B, L, qH, kvH, hd, qkv, dout);
    if (!ref.ok || !fl.ok || !tc.ok) {
        failures++;
        return;
    }
    compare_tc(name, tc, ref, fl, R, qH, kvH, hd);
    double diff = err_in(tc.out, fl.out, 0, nullptr);
    char buf[120];
    snprintf(buf, sizeof buf, ": differs from fp32 flash (BF16 operands, max diff %.2e > 1e-5)", diff);
    check(diff > 1e-5, name + buf);
}

// Forward and forward + backward device times (ms; backward = the difference) at one long shape,
// and the forward + backward results checked as tc_attention_case does.
static void tc_attention_timing(int L, int qH, int kvH, int hd) {
    int R = L;
    Vec qkv = randn((size_t)R * (qH + 2 * kvH) * hd, 9), dout = randn((size_t)R * qH * hd, 10), none;
    double fwd[3], both[3];
    Run full[3];
    for (int impl = 0; impl < 3; impl++) {
        run(impl, 1, L, qH, kvH, hd, qkv, none);  // warm-up (kernel load, allocator)
        Run f = run(impl, 1, L, qH, kvH, hd, qkv, none);
        full[impl] = run(impl, 1, L, qH, kvH, hd, qkv, dout);
        fwd[impl] = f.ok ? f.ms : NAN;
        both[impl] = full[impl].ok ? full[impl].ms : NAN;
    }
    printf("INFO train attention timing L=%d heads %d:%d hd=%d (ms forward / backward / total): tc %.2f / %.2f / %.2f,"
           " fp32 flash %.2f / %.2f / %.2f, materialised %.2f / %.2f / %.2f\n",
           L, qH, kvH, hd, fwd[2], both[2] - fwd[2], both[2], fwd[1], both[1] - fwd[1], both[1], fwd[0],
           both[0] - fwd[0], both[0]);
    fflush(stdout);
    if (full[0].ok && full[1].ok && full[2].ok) {
        compare_tc("train attention tc B=1 L=" + std::to_string(L) + " heads " + std::to_string(qH) + ":" +
                       std::to_string(kvH) + " hd=" + std::to_string(hd),
                   full[2], full[0], full[1], R, qH, kvH, hd);
    } else {
        failures++;
    }
}

static void tc_attention_tests() {
    struct Case { int B, L, qH, kvH, hd; };
    for (Case c : {Case{1, 1, 4, 1, 64}, Case{1, 1, 5, 1, 128}, Case{2, 37, 4, 1, 64}, Case{1, 70, 5, 1, 128},
                   Case{1, 257, 4, 4, 64}, Case{1, 257, 10, 2, 128}, Case{3, 100, 5, 1, 64}, Case{2, 129, 4, 1, 128},
                   Case{1, 64, 2, 2, 128}, Case{2, 65, 1, 1, 64}, Case{1, 300, 8, 2, 64}}) {
        tc_attention_case(c.B, c.L, c.qH, c.kvH, c.hd, 200 + c.L + c.hd);
    }
    // head_dim the tensor-core kernels do not cover: one clear error
    Vec x((size_t)2 * 3 * 80), o((size_t)2 * 80);
    int rc = nmc_k_train_attention(2, 1, 2, 1, 1, 80, x.data(), nullptr, o.data(), nullptr, nullptr, nullptr);
    check(rc == NMC_ERR && std::string(nmc_last_error()).find("head_dim 64 or 128") != std::string::npos,
          std::string("train attention tc: head_dim 80 refused: ") + nmc_last_error());
    tc_attention_timing(4096, 32, 8, 64);
    tc_attention_timing(4096, 10, 2, 128);
}

// The trainer's FP8 GEMMs through cuBLASLt block-scaled E4M3 (nmc_k_train_linear_fp8 impl 1 or -1)
// against the fake-quant fp32 reference (impl 0) on the same inputs: the quantised codes and scales
// are bit-identical, so only accumulation order (and the tensor cores' FP8 accumulation) separates
// them: max |lt - ref| <= 2e-3 of max |ref| per tensor, and at most a quarter of the distance of the
// unquantised GEMM from the reference (so a wrong scale layout or operand cannot pass). First the
// probe's report (library, device, which scale layouts matched, each cuBLAS status).
static void fp8_lt_tests() {
    static char report[8192];
    int64_t lt0 = 0, fb0 = 0;
    int avail = nmc_fp8_gemm_status(0, report, sizeof report, &lt0, &fb0);
    for (char *line = strtok(report, "\n"); line; line = strtok(nullptr, "\n")) printf("INFO fp8 gemm probe: %s\n", line);
    nmc_fp8_gemm_status(0, report, sizeof report, nullptr, nullptr);
    bool hopper = strstr(report, "device sm_9") != nullptr || strstr(report, "device sm_") == nullptr;
    if (avail != 1) {
        check(!hopper, std::string("cuBLASLt block-scaled FP8 GEMMs available on this device (see the probe lines)"));
        printf("INFO fp8 cuBLASLt path unavailable: the trainer's FP8 GEMMs run the fake-quant reference\n");
        return;
    }
    check(true, "cuBLASLt block-scaled FP8 GEMMs available (probe matched the host reference)");
    struct Case { int rows, n, k, ld_dy, impl; };
    // impl 1: must run on cuBLASLt; impl -1: cuBLASLt where it can (ragged shapes), the count printed
    for (Case c : {Case{256, 384, 512, 384, 1}, Case{300, 256, 384, 260, 1}, Case{1024, 512, 1024, 512, 1},
                   Case{512, 640, 1536, 1920, 1}, Case{256, 200, 260, 200, -1}, Case{130, 128, 256, 128, -1},
                   Case{64, 24, 300, 40, -1}}) {
        char nb[160];
        snprintf(nb, sizeof nb, "train linear fp8 cuBLASLt vs fake quant rows=%d n=%d k=%d ld_dy=%d (impl %d)", c.rows, c.n,
                 c.k, c.ld_dy, c.impl);
        std::string name = nb;
        Vec x = randn((size_t)c.rows * c.k, 61), w = randn((size_t)c.n * c.k, 62, 0.05f);
        Vec dyw = randn((size_t)c.rows * c.ld_dy, 63, 1e-3f);
        for (int r = 0; r < c.rows; r += 7) x[(size_t)r * c.k] *= 40.0f;  // outliers: tiles of different scales
        Vec y[2], dx[2], dw[2];
        int64_t calls[2] = {0, 0};
        bool ok = true;
        for (int i = 0; i < 2 && ok; i++) {
            y[i].resize((size_t)c.rows * c.n);
            dx[i].resize((size_t)c.rows * c.k);
            dw[i].resize((size_t)c.n * c.k);
            int impl = i == 0 ? 0 : c.impl;
            if (nmc_k_train_linear_fp8(impl, c.rows, c.n, c.k, x.data(), w.data(), dyw.data(), c.ld_dy, y[i].data(),
                                       dx[i].data(), dw[i].data(), &calls[i]) != NMC_OK) {
                check(false, name + ": impl " + std::to_string(impl) + ": " + nmc_last_error());
                ok = false;
            }
        }
        if (!ok) continue;
        printf("INFO %s: %lld of 3 GEMMs through cuBLASLt (reference run: %lld)\n", name.c_str(), (long long)calls[1],
               (long long)calls[0]);
        check(calls[0] == 0, name + ": the reference run used no cuBLASLt GEMM");
        if (c.impl == 1) check(calls[1] == 3, name + ": all three GEMMs ran through cuBLASLt");
        Vec dy((size_t)c.rows * c.n);
        for (int r = 0; r < c.rows; r++) std::copy_n(dyw.begin() + (size_t)r * c.ld_dy, c.n, dy.begin() + (size_t)r * c.n);
        Vec y_full = gemm_ref(c.rows, c.n, c.k, x, c.k, 1, w, c.k, 1);
        Vec dx_full = gemm_ref(c.rows, c.k, c.n, dy, c.n, 1, w, 1, c.k);
        Vec dw_full = gemm_ref(c.n, c.k, c.rows, dy, 1, c.n, x, 1, c.k);
        const char *what[3] = {"y", "dx", "dw"};
        const Vec *lt[3] = {&y[1], &dx[1], &dw[1]}, *ref[3] = {&y[0], &dx[0], &dw[0]}, *full[3] = {&y_full, &dx_full, &dw_full};
        for (int j = 0; j < 3; j++) {
            double e = max_rel_err(*lt[j], *ref[j]), q = max_rel_err(*full[j], *ref[j]);
            char buf[160];
            snprintf(buf, sizeof buf, ": %s max err %.2e of max |ref| (tol 2e-3), unquantised GEMM %.2e", what[j], e, q);
            check(e <= 2e-3 && e <= 0.25 * q, name + buf);
        }
    }
}

static void attention_tests() {
    struct Case { int B, L, qH, kvH, hd; };
    for (Case c : {Case{2, 37, 5, 1, 64}, Case{1, 70, 5, 1, 128}, Case{2, 45, 4, 4, 64}, Case{1, 100, 2, 2, 128},
                   Case{1, 96, 4, 2, 16}, Case{2, 33, 3, 3, 80}, Case{1, 1, 5, 1, 64}, Case{1, 129, 10, 2, 128},
                   Case{1, 31, 2, 1, 200}}) {
        attention_case(c.B, c.L, c.qH, c.kvH, c.hd, true, 100 + c.L);
    }
    attention_case(1, 4096, 10, 2, 128, false, 7);  // the sequence length of the training benchmark
    // bad input: one clear message
    Vec x(16), o(16);
    int rc = nmc_k_train_attention(1, 1, 1, 3, 2, 4, x.data(), nullptr, o.data(), nullptr, nullptr, nullptr);
    check(rc == NMC_ERR && std::string(nmc_last_error()).find("bad shape") != std::string::npos,
          std::string("train attention: heads 3:2 refused: ") + nmc_last_error());
}

// The tiny hybrid of the trainer tests: Mamba-2, GQA 4:2 attention, MLP; fp32 GEMMs.
static nmc_config tiny_hybrid() {
    nmc_config c{};
    c.abi_version = NMC_ABI_VERSION;
    c.vocab_size = 300;
    c.hidden_size = 64;
    c.pattern = "M*-M-*M-";
    c.num_layers = 8;
    c.intermediate_size = 96;
    c.num_attention_heads = 4;
    c.num_key_value_heads = 2;
    c.head_dim = 16;
    c.mamba_num_heads = 8;
    c.mamba_head_dim = 16;
    c.n_groups = 2;
    c.ssm_state_size = 16;
    c.conv_kernel = 4;
    c.chunk_size = 16;
    c.norm_eps = 1e-5f;
    c.dt_min = 0.0f;
    c.dt_max = INFINITY;
    c.use_conv_bias = 1;
    c.compute_dtype = NMC_F32;
    return c;
}

// The trainer end to end on a tiny hybrid (Mamba-2, GQA 4:2 attention, MLP) with random weights:
// one step in F32 and with every linear layer but the first and last in FP8 (set by name, as the
// Java side does): losses finite, the step lowers the loss on its batch, FP8 close to but not equal
// to F32; then the errors of nmc_trainer_set_gemm_precision and a head_dim beyond the flash kernels.
static void trainer_tests() {
    nmc_config c = tiny_hybrid();
    const int rows = 2, len = 70;
    std::vector<int32_t> ids(rows * len), labels(rows * len);
    std::mt19937 g(3);
    for (int i = 0; i < rows * len; i++) ids[i] = (int32_t)(g() % c.vocab_size);
    for (int i = 0; i < rows * len; i++) labels[i] = (i + 1) % len == 0 ? -100 : ids[i + 1];
    auto one_step = [&](bool fp8, double *before, double *after) -> bool {
        nmc_trainer *t = nullptr;
        if (nmc_trainer_create(&c, 0, &t) != NMC_OK || nmc_trainer_init_random(t, 11) != NMC_OK) {
            check(false, std::string("trainer create: ") + nmc_last_error());
            if (t) nmc_trainer_destroy(t);
            return false;
        }
        std::vector<std::string> linear;
        for (int i = 0; i < nmc_trainer_param_count(t); i++) {
            char name[256];
            int64_t shape[4];
            int ndim = 0;
            nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim);
            if (ndim == 2 && strcmp(name, "backbone.embeddings.weight") != 0) linear.push_back(name);
        }
        bool ok = true;
        for (size_t i = 1; fp8 && i + 1 < linear.size(); i++)
            ok &= nmc_trainer_set_gemm_precision(t, linear[i].c_str(), NMC_FP8) == NMC_OK;
        int64_t tokens = 0;
        double norm = 0;
        ok = ok && nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, before, &tokens) == NMC_OK &&
             nmc_trainer_backward(t) == NMC_OK &&
             nmc_trainer_step(t, 3e-3, 1.0, 0.9, 0.95, 1e-8, 0.0, &norm) == NMC_OK &&
             nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, after, &tokens) == NMC_OK;
        if (!ok) check(false, std::string(fp8 ? "fp8" : "f32") + " trainer step: " + nmc_last_error());
        nmc_trainer_destroy(t);
        return ok;
    };
    scan_test::trainer_case(c, ids, labels, rows, len);
    double f0 = 0, f1 = 0, q0 = 0, q1 = 0;
    if (one_step(false, &f0, &f1) && one_step(true, &q0, &q1)) {
        char buf[160];
        snprintf(buf, sizeof buf, " (f32 %.5f -> %.5f, fp8 %.5f -> %.5f)", f0, f1, q0, q1);
        check(std::isfinite(f0) && std::isfinite(q0) && f1 < f0 && q1 < q0, std::string("trainer step lowers the loss") + buf);
        check(q0 != f0 && std::fabs(q0 - f0) < 0.02 * f0, std::string("trainer fp8 loss within 2% of f32, not equal") + buf);
    }
    nmc_trainer *t = nullptr;
    if (nmc_trainer_create(&c, 0, &t) == NMC_OK) {
        expect_error(nmc_trainer_set_gemm_precision(t, "backbone.norm_f.weight", NMC_FP8), "not a linear layer",
                     "set_gemm_precision on a norm refused");
        expect_error(nmc_trainer_set_gemm_precision(t, "backbone.layers.0.mixer.in_proj.weight", 7), "GEMM precision must be",
                     "set_gemm_precision with precision 7 refused");
        expect_error(nmc_trainer_set_gemm_precision(t, "backbone.layers.99.mixer.in_proj.weight", NMC_FP8), "no parameter",
                     "set_gemm_precision on an unknown weight refused");
        check(nmc_trainer_set_gemm_precision(t, "model.layers.0.mixer.in_proj.weight", NMC_FP8) == NMC_OK,
              "set_gemm_precision takes the model. prefix");
        nmc_trainer_destroy(t);
    }
    nmc_config wide = c;
    wide.head_dim = 300;
    t = nullptr;
    expect_error(nmc_trainer_create(&wide, 0, &t), "head_dim up to 256", "trainer with attention head_dim 300 refused");
    if (t) nmc_trainer_destroy(t);
}

// The trainer's attention choice on a BF16 model of GQA 4:1 attention (head_dim 64) and MLP layers:
// with NMC_TRAIN_ATTENTION = flash, tc, materialised and unset, one forward + backward: the loss and
// the gradients of both attention layers' q_proj and v_proj. tc (BF16 tensor cores) against flash
// (fp32 kernels): loss within 1e-3 relative, gradients within 3e-2 of each tensor's largest value;
// materialised against flash within 1e-2 (both fp32 attention). Unset must be tc for BF16 (the same
// forward loss bit for bit; the forward has no atomics) and tc must differ from flash. A bad value:
// one error line naming the variable.
static void trainer_attention_tests() {
    nmc_config c{};
    c.abi_version = NMC_ABI_VERSION;
    c.vocab_size = 300;
    c.hidden_size = 128;
    c.pattern = "*-*-";  // no Mamba layer: the forward has no atomics, so unset vs tc compares bit for bit
    c.num_layers = 4;
    c.intermediate_size = 96;
    c.num_attention_heads = 4;
    c.num_key_value_heads = 1;
    c.head_dim = 64;
    c.mamba_num_heads = 8;
    c.mamba_head_dim = 16;
    c.n_groups = 2;
    c.ssm_state_size = 16;
    c.conv_kernel = 4;
    c.chunk_size = 16;
    c.norm_eps = 1e-5f;
    c.dt_min = 0.0f;
    c.dt_max = INFINITY;
    c.use_conv_bias = 1;
    c.compute_dtype = NMC_BF16;
    const int rows = 2, len = 150;
    std::vector<int32_t> ids(rows * len), labels(rows * len);
    std::mt19937 g(5);
    for (int i = 0; i < rows * len; i++) ids[i] = (int32_t)(g() % c.vocab_size);
    for (int i = 0; i < rows * len; i++) labels[i] = (i + 1) % len == 0 ? -100 : ids[i + 1];
    const char *names[] = {"backbone.layers.0.mixer.q_proj.weight", "backbone.layers.0.mixer.v_proj.weight",
                           "backbone.layers.2.mixer.q_proj.weight", "backbone.layers.2.mixer.v_proj.weight"};
    struct Result { bool ok = false; double loss = 0; Vec grads[4]; };
    auto one = [&](const char *impl) {
        Result r;
        if (impl) setenv("NMC_TRAIN_ATTENTION", impl, 1);
        else unsetenv("NMC_TRAIN_ATTENTION");
        nmc_trainer *t = nullptr;
        int64_t tokens = 0;
        r.ok = nmc_trainer_create(&c, 0, &t) == NMC_OK && nmc_trainer_init_random(t, 21) == NMC_OK &&
               nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, &r.loss, &tokens) == NMC_OK &&
               nmc_trainer_backward(t) == NMC_OK;
        for (int n = 0; n < 4 && r.ok; n++) {
            r.grads[n].resize((size_t)(n % 2 == 0 ? 4 : 1) * 64 * c.hidden_size);
            r.ok = nmc_trainer_get_tensor(t, names[n], NMC_TRAIN_GRAD, r.grads[n].data()) == NMC_OK;
        }
        if (!r.ok) check(false, std::string("trainer attention ") + (impl ? impl : "default") + ": " + nmc_last_error());
        if (t) nmc_trainer_destroy(t);
        return r;
    };
    Result fl = one("flash"), tc = one("tc"), mat = one("materialised"), def = one(nullptr);
    if (fl.ok && tc.ok && mat.ok && def.ok) {
        auto compare = [&](const Result &a, const char *an, double tol_loss, double tol) {
            double el = std::fabs(a.loss - fl.loss) / std::fabs(fl.loss);
            char buf[160];
            snprintf(buf, sizeof buf, "trainer bf16 attention %s vs flash: loss %.6f vs %.6f (rel err %.2e, tol %.0e)", an,
                     a.loss, fl.loss, el, tol_loss);
            check(std::isfinite(a.loss) && el <= tol_loss, buf);
            for (int n = 0; n < 4; n++) {
                double scale = 0, e = err_in(a.grads[n], fl.grads[n], 0, &scale);
                snprintf(buf, sizeof buf, " (max err %.2e of max |flash| %.2e, tol %.0e)", e, scale, tol);
                check(e <= tol && scale > 0, std::string("trainer bf16 attention ") + an + " vs flash: grad " + names[n] + buf);
            }
        };
        compare(tc, "tc", 1e-3, 3e-2);
        compare(mat, "materialised", 1e-3, 1e-2);
        char buf[160];
        snprintf(buf, sizeof buf, "trainer bf16 attention: unset picks tc (loss %.9f, tc %.9f, flash %.9f)", def.loss,
                 tc.loss, fl.loss);
        check(def.loss == tc.loss && tc.loss != fl.loss, buf);
    }
    setenv("NMC_TRAIN_ATTENTION", "cudnn", 1);
    nmc_trainer *t = nullptr;
    int64_t tokens = 0;
    double loss = 0;
    if (nmc_trainer_create(&c, 0, &t) == NMC_OK && nmc_trainer_init_random(t, 21) == NMC_OK)
        expect_error(nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, &loss, &tokens),
                     "NMC_TRAIN_ATTENTION must be flash, tc or materialised", "trainer NMC_TRAIN_ATTENTION=cudnn refused");
    if (t) nmc_trainer_destroy(t);
    unsetenv("NMC_TRAIN_ATTENTION");
}

// The loss-agnostic head (nmc_trainer_token_logprobs, nmc_trainer_set_token_weights), the base of the
// device DPO and GRPO steps: on the tiny hybrid with random weights,
// 1. the token log-probs are -CE per kept position (0 where ignored): -sum / tokens = the forward's loss;
// 2. weights 1/tokens reproduce the plain backward's gradients (two trainers, same seed);
// 3. a weighted loss L = sum_r w_r CE_r (w of both signs, as DPO's rejected and GRPO's negative
//    advantages give) against central finite differences along a random direction of several tensors;
// 4. the errors: token calls without a saved forward, a non-finite weight.
static std::vector<std::string> param_names(nmc_trainer *t) {
    std::vector<std::string> names;
    for (int i = 0; i < nmc_trainer_param_count(t); i++) {
        char name[256];
        int64_t shape[4];
        int ndim = 0;
        nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim);
        names.push_back(name);
    }
    return names;
}

static size_t param_size(nmc_trainer *t, const std::string &want) {
    for (int i = 0; i < nmc_trainer_param_count(t); i++) {
        char name[256];
        int64_t shape[4];
        int ndim = 0;
        nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim);
        if (want == name) {
            size_t n = 1;
            for (int k = 0; k < ndim; k++) n *= (size_t)shape[k];
            return n;
        }
    }
    return 0;
}

static void token_weight_tests() {
    nmc_config c = tiny_hybrid();
    const int rows = 2, len = 24, R = rows * len;
    std::vector<int32_t> ids(R), labels(R);
    std::mt19937 g(5);
    for (int i = 0; i < R; i++) ids[i] = (int32_t)(g() % c.vocab_size);
    for (int i = 0; i < R; i++) labels[i] = (i % len) < 3 || (i + 1) % len == 0 ? -100 : ids[i + 1];  // a "prompt" ignored
    nmc_trainer *a = nullptr, *b = nullptr;
    if (nmc_trainer_create(&c, 0, &a) != NMC_OK || nmc_trainer_init_random(a, 17) != NMC_OK ||
        nmc_trainer_create(&c, 0, &b) != NMC_OK || nmc_trainer_init_random(b, 17) != NMC_OK) {
        check(false, std::string("token weights: trainer create: ") + nmc_last_error());
        if (a) nmc_trainer_destroy(a);
        if (b) nmc_trainer_destroy(b);
        return;
    }
    std::vector<float> w(R, 0.0f), lp(R);
    // 4a. no saved forward yet
    expect_error(nmc_trainer_token_logprobs(a, lp.data()), "forward pass just before", "token log-probs without a forward refused");
    expect_error(nmc_trainer_set_token_weights(a, w.data()), "forward pass just before", "token weights without a forward refused");
    double loss_a = 0, loss_b = 0;
    int64_t tok = 0;
    bool ok = nmc_trainer_forward(a, ids.data(), labels.data(), rows, len, &loss_a, &tok) == NMC_OK &&
              nmc_trainer_token_logprobs(a, lp.data()) == NMC_OK && nmc_trainer_backward(a) == NMC_OK;
    // 1. log-probs against the loss
    double sum = 0;
    int nonzero_ignored = 0, positive = 0;
    for (int r = 0; r < R; r++) {
        sum += lp[r];
        nonzero_ignored += labels[r] == -100 && lp[r] != 0.0f;
        positive += lp[r] > 0.0f;
    }
    char buf[200];
    snprintf(buf, sizeof buf, " (loss %.6f, -sum/tokens %.6f, %lld tokens)", loss_a, -sum / (double)tok, (long long)tok);
    check(ok && tok > 0 && std::fabs(-sum / tok - loss_a) <= 1e-5 * loss_a && nonzero_ignored == 0 && positive == 0,
          std::string("token log-probs: -mean = the forward's loss, 0 where ignored, <= 0 elsewhere") + buf);
    // 2. weights 1/tokens = the plain backward
    for (int r = 0; r < R; r++) w[r] = 1.0f / (float)tok;
    w[0] = 123.0f;  // an ignored position: its weight must not matter
    ok = ok && nmc_trainer_forward(b, ids.data(), labels.data(), rows, len, &loss_b, &tok) == NMC_OK &&
         nmc_trainer_set_token_weights(b, w.data()) == NMC_OK && nmc_trainer_backward(b) == NMC_OK;
    if (!ok) check(false, std::string("token weights: forward/backward: ") + nmc_last_error());
    double worst = 0;
    std::string worst_name;
    for (const std::string &name : param_names(a)) {
        size_t n = param_size(a, name);
        Vec ga(n), gb(n);
        if (!ok || nmc_trainer_get_tensor(a, name.c_str(), NMC_TRAIN_GRAD, ga.data()) != NMC_OK ||
            nmc_trainer_get_tensor(b, name.c_str(), NMC_TRAIN_GRAD, gb.data()) != NMC_OK) {
            ok = false;
            break;
        }
        double e = max_rel_err(gb, ga);
        if (!(e <= worst)) {
            worst = std::isnan(e) ? 1e9 : e;
            worst_name = name;
        }
    }
    // the same dlogits; only the order of the backward's atomic adds (embedding, scan) may differ
    snprintf(buf, sizeof buf, " (worst %.2e of max |grad| in %s, tol 1e-5)", worst, worst_name.c_str());
    check(ok && worst <= 1e-5, std::string("token weights 1/tokens reproduce the plain backward") + buf);
    nmc_trainer_destroy(b);
    // 3. a weighted loss against finite differences (trainer a: its gradient sum is cleared by a step at lr 0)
    double norm = 0;
    ok = ok && nmc_trainer_step(a, 0.0, 0.0, 0.9, 0.95, 1e-8, 0.0, &norm) == NMC_OK;
    std::normal_distribution<float> nd(0.0f, 1.0f);
    for (int r = 0; r < R; r++) w[r] = labels[r] == -100 ? 0.0f : nd(g) / (float)tok;
    auto weighted_loss = [&](double *out) -> bool {
        double l = 0;
        int64_t tk = 0;
        if (nmc_trainer_forward(a, ids.data(), labels.data(), rows, len, &l, &tk) != NMC_OK ||
            nmc_trainer_token_logprobs(a, lp.data()) != NMC_OK)
            return false;
        double s = 0;
        for (int r = 0; r < R; r++) s += (double)w[r] * -(double)lp[r];
        *out = s;
        return true;
    };
    double l0 = 0, abs_wlp = 0;
    ok = ok && weighted_loss(&l0) && nmc_trainer_set_token_weights(a, w.data()) == NMC_OK && nmc_trainer_backward(a) == NMC_OK;
    if (!ok) {
        check(false, std::string("token weights: weighted backward: ") + nmc_last_error());
        nmc_trainer_destroy(a);
        return;
    }
    for (int r = 0; r < R; r++) abs_wlp += std::fabs((double)w[r] * lp[r]);
    const char *tensors[] = {"backbone.embeddings.weight", "backbone.layers.0.mixer.in_proj.weight",
                             "backbone.layers.0.mixer.A_log", "backbone.layers.1.mixer.q_proj.weight",
                             "backbone.layers.2.mixer.down_proj.weight", "backbone.norm_f.weight", "lm_head.weight"};
    for (const char *name : tensors) {
        size_t n = param_size(a, name);
        if (n == 0) continue;  // tied head
        Vec w0(n), grad(n), dir = randn(n, 900 + (uint32_t)n), wp(n);
        nmc_trainer_get_tensor(a, name, NMC_TRAIN_WEIGHT, w0.data());
        nmc_trainer_get_tensor(a, name, NMC_TRAIN_GRAD, grad.data());
        double wmax = 1e-3, analytic = 0;
        for (size_t i = 0; i < n; i++) wmax = std::max(wmax, (double)std::fabs(w0[i]));
        for (size_t i = 0; i < n; i++) analytic += (double)grad[i] * dir[i];
        double eps = 5e-3 * wmax, lp_ = 0, lm_ = 0;
        int64_t shape[1] = {(int64_t)n};
        bool fine = true;
        for (int sgn : {1, -1}) {
            for (size_t i = 0; i < n; i++) wp[i] = (float)(w0[i] + sgn * eps * dir[i]);
            fine &= nmc_trainer_set_tensor(a, name, NMC_TRAIN_WEIGHT, NMC_F32, 1, shape, wp.data()) == NMC_OK &&
                    weighted_loss(sgn > 0 ? &lp_ : &lm_);
        }
        fine &= nmc_trainer_set_tensor(a, name, NMC_TRAIN_WEIGHT, NMC_F32, 1, shape, w0.data()) == NMC_OK;
        double numeric = (lp_ - lm_) / (2 * eps);
        // 2% of the derivative, plus the fp32 rounding floor of the difference quotient: the loss
        // sum is good to ~1e-6 of sum |w lp| (fp32 logits), divided by 2 eps
        double floor = 1e-6 * abs_wlp / (2 * eps), tol = 2e-2 * std::fabs(analytic) + floor;
        double err = std::fabs(numeric - analytic);
        snprintf(buf, sizeof buf, ": analytic %.6e, central difference %.6e (eps %.1e), |diff| %.2e, tol %.2e (floor %.1e)",
                 analytic, numeric, eps, err, tol, floor);
        check(fine && err <= tol, std::string("token-weighted loss finite differences along a random direction of ") + name + buf);
    }
    // 4b. a non-finite weight
    double l = 0;
    int64_t tk = 0;
    nmc_trainer_forward(a, ids.data(), labels.data(), rows, len, &l, &tk);
    w[5] = NAN;
    expect_error(nmc_trainer_set_token_weights(a, w.data()), "not finite", "a NaN token weight refused");
    nmc_trainer_destroy(a);
}

int main() {
    int n = nmc_device_count();
    if (n <= 0) {
        printf("SKIP no CUDA device: %s\n", n < 0 ? nmc_last_error() : "0 devices");
        return 2;
    }
    char desc[256];
    nmc_device_describe(0, desc, sizeof desc);
    printf("device: %s\n", desc);
    fp8_tests();
    linear_tests();
    fp8_lt_tests();
    attention_tests();
    scan_test::tests();
    tc_attention_tests();
    trainer_tests();
    trainer_attention_tests();
    static char status[8192];
    nmc_fp8_gemm_status(0, status, sizeof status, nullptr, nullptr);
    const char *last = strstr(status, "fp8 gemm: ");
    printf("INFO %s\n", last ? last : status);
    token_weight_tests();
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
