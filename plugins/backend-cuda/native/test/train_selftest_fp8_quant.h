// The FP8 operands quantised once for both orientations (NMC_FP8_QUANT unset or fused, the default
// since session 13; two-pass the previous passes; kernels/fp8_lt_dual.cu,
// train_linear_lt.cu lt_linear_bwd):
//   kernel   quantize_dual against today's two passes on the device (nmc_k_fp8_quant_dual_check), dY
//            tiles and weight blocks, ragged shapes (rows and columns below, at and past 128, strides
//            past the width) with NaN, +-inf, zero tiles and subnormals: every code byte and scale equal
//   linear   a linear layer's three FP8 GEMMs (nmc_k_train_linear_fp8, cuBLASLt where it can) with the
//            default against two-pass: y, dx, dw bit for bit, the same count of cuBLASLt GEMMs
//   trainer  a hybrid with every linear layer in FP8, two micro-batches and a step, the default against
//            two-pass: the three losses and every gradient bit for bit (when the two-pass run repeats
//            itself bit for bit; else within the spread of two two-pass runs, said in the line)
//   timing   INFO: today's passes against the one pass at hybrid1b's MLP shapes (rows 4096), bit-equal
// =bogus is refused at the first FP8 GEMM.
#pragma once

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "selftest_common.h"
#include "train_selftest_acts.h"

// Test hook (train_fp8_quant_entry.cu, not in the public header)
extern "C" int nmc_k_fp8_quant_dual_check(int rows, int cols, int ld, int block, const float *x, int iters,
                                          int64_t *mismatches, float *ms);

namespace fp8_quant_test {

// x [rows, ld] with rows and columns of very different magnitudes and the awkward values
inline Vec input(int rows, int cols, int ld, uint32_t seed) {
    Vec x = randn((size_t)rows * ld, seed);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) x[(size_t)r * ld + c] *= std::ldexp(1.0f, (r % 23) - 11) * std::ldexp(1.0f, (c % 13) - 6);
    auto set = [&](int r, int c, float v) {
        if (r < rows && c < cols) x[(size_t)r * ld + c] = v;
    };
    for (int c = 0; c < 128; c++) set(3, c, 0.0f);
    for (int r = 128; r < 256; r++) set(r, 2, 0.0f);
    set(1, 2, NAN);
    set(2, cols - 1, INFINITY);
    set(rows - 1, 0, -INFINITY);
    for (int c = 0; c < 20; c++) set(4, c, std::ldexp(1.0f, -c) * (c % 2 ? 1 : -1));
    return x;
}

inline void kernel_tests() {
    struct Shape { int rows, cols, ld; };
    for (Shape s : {Shape{300, 200, 203}, Shape{130, 257, 257}, Shape{1, 1, 1}, Shape{5, 3, 8}, Shape{127, 129, 130},
                    Shape{128, 128, 128}, Shape{64, 385, 390}}) {
        Vec x = input(s.rows, s.cols, s.ld, 71 + s.rows);
        for (int block : {0, 1}) {
            char name[200];
            snprintf(name, sizeof name, "fp8 quant dual %s %dx%d ld %d: one pass = %s bit for bit", block ? "W" : "dY",
                     s.rows, s.cols, s.ld, block ? "quantize_tiles 128x128 plain + transposed" :
                     "quantize_tiles 1x128 + quantize_cols_transposed");
            int64_t bad = -1;
            if (nmc_k_fp8_quant_dual_check(s.rows, s.cols, s.ld, block, x.data(), 0, &bad, nullptr) != NMC_OK) {
                check(false, std::string(name) + ": " + nmc_last_error());
                continue;
            }
            check(bad == 0, std::string(name) + " (" + std::to_string(bad) + " code bytes or scales differ)");
        }
    }
}

inline bool bit_equal(const Vec &a, const Vec &b) { return a.size() == b.size() && memcmp(a.data(), b.data(), a.size() * 4) == 0; }

inline void linear_tests() {
    struct Case { int rows, n, k, ld_dy; };
    for (Case c : {Case{256, 384, 512, 384}, Case{300, 256, 384, 260}, Case{130, 128, 256, 128}, Case{64, 24, 300, 40}}) {
        Vec x = randn((size_t)c.rows * c.k, 81), w = randn((size_t)c.n * c.k, 82, 0.05f);
        Vec dyw = randn((size_t)c.rows * c.ld_dy, 83, 1e-3f);
        for (int r = 0; r < c.rows; r += 7) x[(size_t)r * c.k] *= 40.0f;
        Vec y[2], dx[2], dw[2];
        int64_t calls[2] = {0, 0};
        bool ok = true;
        for (int i = 0; i < 2 && ok; i++) {
            if (i == 0) setenv("NMC_FP8_QUANT", "two-pass", 1);
            y[i].resize((size_t)c.rows * c.n), dx[i].resize((size_t)c.rows * c.k), dw[i].resize((size_t)c.n * c.k);
            ok = nmc_k_train_linear_fp8(-1, c.rows, c.n, c.k, x.data(), w.data(), dyw.data(), c.ld_dy, y[i].data(),
                                        dx[i].data(), dw[i].data(), &calls[i]) == NMC_OK;
            unsetenv("NMC_FP8_QUANT");
        }
        char name[200];
        snprintf(name, sizeof name, "train linear fp8 NMC_FP8_QUANT unset (fused) vs two-pass rows=%d n=%d k=%d ld_dy=%d", c.rows, c.n,
                 c.k, c.ld_dy);
        if (!ok) {
            check(false, std::string(name) + ": " + nmc_last_error());
            continue;
        }
        check(bit_equal(y[0], y[1]) && bit_equal(dx[0], dx[1]) && bit_equal(dw[0], dw[1]) && calls[0] == calls[1],
              std::string(name) + ": y, dx, dw bit for bit, " + std::to_string(calls[1]) + " of 3 GEMMs through cuBLASLt (two-pass " +
                  std::to_string(calls[0]) + ")");
    }
}

// every linear weight of the trainer in FP8 (those set_gemm_precision takes)
inline int all_fp8(nmc_trainer *t) {
    int set = 0;
    for (int i = 0; i < nmc_trainer_param_count(t); i++) {
        char name[256];
        int64_t shape[4];
        int ndim = 0;
        nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim);
        if (ndim == 2 && nmc_trainer_set_gemm_precision(t, name, NMC_FP8) == NMC_OK) set++;
    }
    return set > 0 ? NMC_OK : NMC_ERR;
}

inline bool same_run(const acts_test::Run &a, const acts_test::Run &b, double *loss_err, double *grad_err) {
    bool eq = a.grads.size() == b.grads.size() && !a.grads.empty();
    *loss_err = *grad_err = 0;
    for (int i = 0; i < 3; i++) {
        eq &= a.loss[i] == b.loss[i];
        *loss_err = std::max(*loss_err, std::fabs(a.loss[i] - b.loss[i]) / std::fabs(b.loss[i]));
    }
    for (size_t i = 0; i < a.grads.size() && i < b.grads.size(); i++) {
        eq &= bit_equal(a.grads[i], b.grads[i]);
        *grad_err = std::max(*grad_err, max_rel_err(a.grads[i], b.grads[i]));
    }
    return eq;
}

inline void trainer_case(nmc_config c, const char *what) {
    acts_test::Run fused, base, again;
    int64_t lt0 = 0, lt1 = 0, fb0 = 0, fb1 = 0;
    nmc_fp8_gemm_status(0, nullptr, 0, &lt0, &fb0);
    int rc = acts_test::run(c, nullptr, nullptr, &fused, all_fp8);  // unset: fused, the default
    nmc_fp8_gemm_status(0, nullptr, 0, &lt1, &fb1);
    setenv("NMC_FP8_QUANT", "two-pass", 1);
    if (rc == NMC_OK) rc = acts_test::run(c, nullptr, nullptr, &base, all_fp8);
    if (rc == NMC_OK) rc = acts_test::run(c, nullptr, nullptr, &again, all_fp8);
    unsetenv("NMC_FP8_QUANT");
    if (rc != NMC_OK) {
        check(false, std::string("trainer ") + what + " fp8 NMC_FP8_QUANT=fused: " + nmc_last_error());
        return;
    }
    double el, eg, el0, eg0;
    bool eq = same_run(fused, base, &el, &eg), repeats = same_run(again, base, &el0, &eg0);
    char buf[480];
    snprintf(buf, sizeof buf, "trainer %s fp8 NMC_FP8_QUANT unset (fused) vs two-pass (two micro-batches, a step): losses %.9f %.9f "
             "%.9f vs %.9f %.9f %.9f, %zu gradients: %s (rel err losses %.1e, gradients %.1e; two-pass twice: %s, %.1e %.1e); "
             "the fused run's FP8 GEMMs: %lld cuBLASLt, %lld fallback", what, fused.loss[0], fused.loss[1], fused.loss[2],
             base.loss[0], base.loss[1], base.loss[2], fused.grads.size(), eq ? "bit for bit" : "differ", el, eg,
             repeats ? "bit for bit" : "differ", el0, eg0, (long long)(lt1 - lt0), (long long)(fb1 - fb0));
    // bit for bit; where the unset path does not repeat itself (atomics), no further off than it is from itself
    check(eq || (!repeats && el <= std::max(1e-6, 4 * el0) && eg <= std::max(1e-4, 4 * eg0)), buf);
    acts_test::expect_refused(c, "NMC_FP8_QUANT", std::string("trainer ") + what + " fp8", all_fp8);
}

// hybrid1b's MLP (d 2048, intermediate 8192) at rows 4096: up_proj's dY [4096, 8192] and W [8192, 2048],
// down_proj's dY [4096, 2048] and W [2048, 8192]
inline void timing() {
    struct Shape { const char *what; int rows, cols, block; };
    for (Shape s : {Shape{"up_proj dY", 4096, 8192, 0}, Shape{"down_proj dY", 4096, 2048, 0},
                    Shape{"up_proj W", 8192, 2048, 1}, Shape{"down_proj W", 2048, 8192, 1}}) {
        Vec x = randn((size_t)s.rows * s.cols, 91);
        int64_t bad = -1;
        float ms[2] = {0, 0};
        char name[160];
        snprintf(name, sizeof name, "fp8 quant dual hybrid1b %s [%d, %d]", s.what, s.rows, s.cols);
        if (nmc_k_fp8_quant_dual_check(s.rows, s.cols, s.cols, s.block, x.data(), 20, &bad, ms) != NMC_OK) {
            check(false, std::string(name) + ": " + nmc_last_error());
            continue;
        }
        check(bad == 0, std::string(name) + ": one pass bit for bit (" + std::to_string(bad) + " differ)");
        printf("INFO %s: %s %.3f ms today (two passes), %.3f ms one pass (NMC_FP8_QUANT=fused)\n", name,
               s.block ? "weight copies (once per step)" : "backward operands (every FP8 linear)", ms[0], ms[1]);
        fflush(stdout);
    }
}

inline void tests(nmc_config hybrid) {
    kernel_tests();
    linear_tests();
    nmc_config wide = hybrid;  // dimensions of whole 128-blocks where cuBLASLt takes them, ragged in_proj
    wide.hidden_size = 128;
    wide.intermediate_size = 256;
    wide.num_attention_heads = 4;
    wide.head_dim = 32;
    wide.mamba_num_heads = 8;
    wide.mamba_head_dim = 16;
    trainer_case(hybrid, "tiny hybrid");
    trainer_case(wide, "hybrid d 128");
    timing();
}

}  // namespace fp8_quant_test
