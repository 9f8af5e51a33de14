// Self-test of the trainer's kernels on a GPU (issue 18), every line PASS or FAIL:
//   attention  the flash kernels (nmc_k_train_attention impl 1: forward output, logsumexp, dQ, dK,
//              dV) against the materialised reference path (impl 0, L x L scores, fp32 cuBLAS)
//              and against a CPU double reference (test/train_reference.h), causal GQA 5:1, 2:1
//              and 1:1, head_dim 16/64/80/128, L not a multiple of the 32-row tile; then one long
//              sequence (L = 4096) against the reference path with both times printed.
//   fp8        the FP8 fake quantiser of the trainer's FP8 GEMMs (nmc_k_fake_quant_fp8) bit for bit
//              against the CPU reference of nemotron-train's BlockQuantizer (codes, scales, values).
//   linear     the three GEMMs of a trainer linear layer (nmc_k_train_linear) in F32, BF16 and FP8
//              against CPU GEMMs on operands quantised as FakeQuantGemm's rules (which operand, which
//              axis), ragged shapes and a strided dY.
//   trainer    one training step of a tiny hybrid in F32 and FP8 (nmc_trainer_set_gemm_precision),
//              and the trainer's errors for bad GEMM precisions and a head_dim beyond 256.
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
    int rc = nmc_k_train_attention(impl, B, L, qH, kvH, hd, qkv.data(), dout.data(), r.out.data(),
                                   impl == 1 ? r.lse.data() : nullptr, r.dqkv.data(), &r.ms);
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
    attention_tests();
    trainer_tests();
    token_weight_tests();
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
