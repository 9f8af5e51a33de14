#pragma once
// Part of nmc_train_selftest (train_selftest.cpp includes it; uses selftest_common.h, err_in of
// train_selftest_attention.h, tiny_hybrid of train_selftest_trainer.h).
//   reduce   the row-summing backward kernels (kernels/train_reduce.cu: conv1d, grouped RMSNorm,
//            dt; 32 x 32-lane block sums, no atomics) against the double references of
//            test/train_reduce_reference.h (tol 1e-5 of each tensor's largest value), ragged
//            shapes and the hybrid1b widths at L = 4096; a second call bit for bit equal.
//   copies   the trainer's once-per-weight-version GEMM copies (BF16 weights, FP8 codes): after a
//            step, and after set_tensor, the forward equals a fresh trainer's on the same weights
//            bit for bit (a stale copy would differ); the env switches NMC_FP8_GEMM and
//            NMC_TRAIN_SCAN refuse unknown values with one error line.
#include "train_reduce_reference.h"

namespace reduce_test {

static Vec rnd(size_t n, uint32_t seed, float s = 1.0f) { return randn(n, seed, s); }

static void conv_case(int B, int L, int C, int K, bool bias, uint32_t seed) {
    const size_t n = (size_t)B * L * C;
    Vec in = rnd(n, seed), w = rnd((size_t)C * K, seed + 1, 0.5f), b = rnd(C, seed + 2, 0.3f), dout = rnd(n, seed + 3),
        dw0 = rnd((size_t)C * K, seed + 4), db0 = rnd(C, seed + 5);
    rref::DVec din_r(n), dw_r(dw0.begin(), dw0.end()), db_r(db0.begin(), db0.end());
    rref::conv_backward(B, L, C, K, in, C, w, bias ? &b : nullptr, dout, C, din_r, C, dw_r, bias ? &db_r : nullptr);
    Vec din[2], dw[2], db[2];
    bool ok = true;
    for (int r = 0; r < 2; r++) {
        din[r].assign(n, 0.0f);
        dw[r] = dw0;
        db[r] = db0;
        ok &= nmc_k_train_conv_backward(B, L, C, K, in.data(), w.data(), bias ? b.data() : nullptr, dout.data(),
                                        din[r].data(), dw[r].data(), bias ? db[r].data() : nullptr) == NMC_OK;
    }
    if (!ok) return check(false, std::string("train conv_backward: ") + nmc_last_error());
    Vec dr(din_r.begin(), din_r.end()), wr(dw_r.begin(), dw_r.end()), br(db_r.begin(), db_r.end());
    double e[3] = {err_in(din[0], dr, 0, nullptr), err_in(dw[0], wr, 0, nullptr), bias ? err_in(db[0], br, 0, nullptr) : 0};
    bool same = din[0] == din[1] && dw[0] == dw[1] && db[0] == db[1];
    char buf[256];
    snprintf(buf, sizeof buf, "train conv_backward B%d L%d C%d K%d%s: din %.2e dw %.2e dbias %.2e (tol 1e-5)%s", B, L, C,
             K, bias ? " bias" : "", e[0], e[1], e[2], same ? ", repeat bit for bit" : ", REPEAT DIFFERS");
    check(e[0] <= 1e-5 && e[1] <= 1e-5 && e[2] <= 1e-5 && same, buf);
}

static void rms_case(int rows, int dim, int groups, uint32_t seed) {
    const int gs = dim / groups;
    const size_t n = (size_t)rows * dim;
    Vec x = rnd(n, seed), w = rnd(dim, seed + 1), dy = rnd(n, seed + 2), dw0 = rnd(dim, seed + 3), rstd((size_t)rows * groups);
    for (int r = 0; r < rows; r++)
        for (int q = 0; q < groups; q++) {
            double ss = 0;
            for (int c = 0; c < gs; c++) ss += (double)x[(size_t)r * dim + q * gs + c] * x[(size_t)r * dim + q * gs + c];
            rstd[(size_t)r * groups + q] = (float)(1.0 / std::sqrt(ss / gs + 1e-5));
        }
    rref::DVec dx_r(n), dw_r(dw0.begin(), dw0.end());
    rref::rms_backward(rows, dim, groups, x, w, rstd, dy, (const Vec *)nullptr, dx_r, dw_r);
    Vec dx[2], dw[2];
    bool ok = true;
    for (int r = 0; r < 2; r++) {
        dx[r].assign(n, 0.0f);
        dw[r] = dw0;
        ok &= nmc_k_train_rms_backward(rows, dim, groups, x.data(), w.data(), rstd.data(), dy.data(), dx[r].data(),
                                       dw[r].data()) == NMC_OK;
    }
    if (!ok) return check(false, std::string("train rms_backward: ") + nmc_last_error());
    Vec xr(dx_r.begin(), dx_r.end()), wr(dw_r.begin(), dw_r.end());
    double e[2] = {err_in(dx[0], xr, 0, nullptr), err_in(dw[0], wr, 0, nullptr)};
    bool same = dx[0] == dx[1] && dw[0] == dw[1];
    char buf[256];
    snprintf(buf, sizeof buf, "train rms_backward rows %d dim %d groups %d: dx %.2e dw %.2e (tol 1e-5)%s", rows, dim,
             groups, e[0], e[1], same ? ", repeat bit for bit" : ", REPEAT DIFFERS");
    check(e[0] <= 1e-5 && e[1] <= 1e-5 && same, buf);
}

static void dt_case(int rows, int heads, float lo, float hi, uint32_t seed) {
    const size_t n = (size_t)rows * heads;
    Vec raw = rnd(n, seed, 2.0f), b = rnd(heads, seed + 1), ddt = rnd(n, seed + 2), db0 = rnd(heads, seed + 3);
    rref::DVec draw_r(n), db_r(db0.begin(), db0.end());
    int clamped = rref::dt_backward(rows, heads, heads, lo, hi, raw, b, ddt, draw_r, db_r);
    Vec draw[2], db[2];
    bool ok = true;
    for (int r = 0; r < 2; r++) {
        draw[r].assign(n, 0.0f);
        db[r] = db0;
        ok &= nmc_k_train_dt_backward(rows, heads, lo, hi, raw.data(), b.data(), ddt.data(), draw[r].data(),
                                      db[r].data()) == NMC_OK;
    }
    if (!ok) return check(false, std::string("train dt_backward: ") + nmc_last_error());
    Vec rr(draw_r.begin(), draw_r.end()), br(db_r.begin(), db_r.end());
    double e[2] = {err_in(draw[0], rr, 0, nullptr), err_in(db[0], br, 0, nullptr)};
    bool same = draw[0] == draw[1] && db[0] == db[1];
    char buf[256];
    snprintf(buf, sizeof buf, "train dt_backward rows %d heads %d (%d clamped): draw %.2e dbias %.2e (tol 1e-5)%s", rows,
             heads, clamped, e[0], e[1], same ? ", repeat bit for bit" : ", REPEAT DIFFERS");
    check(e[0] <= 1e-5 && e[1] <= 1e-5 && same && (clamped > 0 || !(lo > 0)), buf);
}

// A trainer of config c with random weights (seed); fp8: the middle linear weights FP8. Null on failure.
static nmc_trainer *make(const nmc_config &c, bool fp8) {
    nmc_trainer *t = nullptr;
    if (nmc_trainer_create(&c, 0, &t) != NMC_OK || nmc_trainer_init_random(t, 31) != NMC_OK) {
        if (t) nmc_trainer_destroy(t);
        return nullptr;
    }
    std::vector<std::string> linear;
    for (int i = 0; i < nmc_trainer_param_count(t); i++) {
        char name[256];
        int64_t shape[4];
        int ndim = 0;
        nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim);
        if (ndim == 2 && strcmp(name, "backbone.embeddings.weight") != 0) linear.push_back(name);
    }
    for (size_t i = 1; fp8 && i + 1 < linear.size(); i++) nmc_trainer_set_gemm_precision(t, linear[i].c_str(), NMC_FP8);
    return t;
}

// Copies every weight of `from` into `to` (nmc_trainer_set_tensor, fp32).
static bool copy_weights(nmc_trainer *from, nmc_trainer *to) {
    for (int i = 0; i < nmc_trainer_param_count(from); i++) {
        char name[256];
        int64_t shape[4];
        int ndim = 0;
        if (nmc_trainer_param_info(from, i, name, sizeof name, shape, &ndim) != NMC_OK) return false;
        int64_t n = 1;
        for (int k = 0; k < ndim; k++) n *= shape[k];
        Vec v((size_t)n);
        if (nmc_trainer_get_tensor(from, name, NMC_TRAIN_WEIGHT, v.data()) != NMC_OK ||
            nmc_trainer_set_tensor(to, name, NMC_TRAIN_WEIGHT, NMC_F32, ndim, shape, v.data()) != NMC_OK)
            return false;
    }
    return true;
}

static void copies_case(bool fp8) {
    nmc_config c = tiny_hybrid();
    c.hidden_size = 128;  // K a multiple of 128: the FP8 GEMMs can take cuBLASLt where it is available
    c.intermediate_size = 256;
    c.pattern = "*-*-";  // no Mamba layer: the forward has no atomics, so equal weights give equal losses bit for bit
    c.num_layers = 4;
    c.compute_dtype = NMC_BF16;
    const int rows = 2, len = 64;
    std::vector<int32_t> ids(rows * len), labels(rows * len);
    std::mt19937 g(9);
    for (int i = 0; i < rows * len; i++) ids[i] = (int32_t)(g() % c.vocab_size);
    for (int i = 0; i < rows * len; i++) labels[i] = (i + 1) % len == 0 ? -100 : ids[i + 1];
    const char *what = fp8 ? "fp8" : "bf16";
    nmc_trainer *a = make(c, fp8), *b = make(c, fp8);
    double l0 = 0, la = 0, lb0 = 0, lb = 0, norm = 0;
    int64_t tokens = 0;
    bool ok = a && b && nmc_trainer_forward(a, ids.data(), labels.data(), rows, len, &l0, &tokens) == NMC_OK &&
              nmc_trainer_backward(a) == NMC_OK && nmc_trainer_step(a, 1e-2, 1.0, 0.9, 0.95, 1e-8, 0.0, &norm) == NMC_OK &&
              nmc_trainer_forward(a, ids.data(), labels.data(), rows, len, &la, &tokens) == NMC_OK &&
              nmc_trainer_forward(b, ids.data(), labels.data(), rows, len, &lb0, &tokens) == NMC_OK &&  // b's copies made
              copy_weights(a, b) && nmc_trainer_forward(b, ids.data(), labels.data(), rows, len, &lb, &tokens) == NMC_OK;
    char buf[256];
    snprintf(buf, sizeof buf,
             "train %s GEMM weight copies follow the weights: after a step %.9f, a trainer given those weights %.9f "
             "(before the step %.9f, %.9f)",
             what, la, lb, l0, lb0);
    if (!ok) check(false, std::string("train ") + what + " weight copies: " + nmc_last_error());
    else check(la == lb && la != l0 && lb0 == l0, buf);
    if (a) nmc_trainer_destroy(a);
    if (b) nmc_trainer_destroy(b);
}

static void env_case(const char *var, const char *value, bool fp8, const char *needle) {
    nmc_config c = tiny_hybrid();
    c.hidden_size = 128;
    c.compute_dtype = NMC_BF16;
    const int rows = 1, len = 16;
    std::vector<int32_t> ids(rows * len, 1), labels(rows * len, 2);
    setenv(var, value, 1);
    nmc_trainer *t = make(c, fp8);
    double loss = 0;
    int64_t tokens = 0;
    if (t) {
        int rc = nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, &loss, &tokens);
        expect_error(rc, needle, std::string("trainer ") + var + "=" + value + " refused");
        nmc_trainer_destroy(t);
    } else {
        check(false, std::string("trainer for ") + var + ": " + nmc_last_error());
    }
    unsetenv(var);
}

static void tests() {
    conv_case(2, 70, 40, 4, true, 1);
    conv_case(1, 5, 33, 4, false, 2);
    conv_case(3, 33, 7, 3, true, 3);
    conv_case(1, 4096, 6144, 4, true, 4);  // hybrid1b: conv_dim 6144
    rms_case(70, 48, 2, 5);
    rms_case(4096, 4096, 8, 6);  // hybrid1b's gated norm: inner 4096 in 8 groups
    rms_case(4096, 2048, 1, 7);  // and its layer norm
    dt_case(70, 40, 0.05f, 3.0f, 8);
    dt_case(4096, 64, 0.0f, INFINITY, 9);
    copies_case(false);
    copies_case(true);
    env_case("NMC_FP8_GEMM", "cublas", true, "NMC_FP8_GEMM must be fakequant or cublaslt");
    env_case("NMC_TRAIN_SCAN", "chunky", false, "NMC_TRAIN_SCAN must be fused, fused-bwd, chunked, sequential or tc-bwd");
}

}  // namespace reduce_test
