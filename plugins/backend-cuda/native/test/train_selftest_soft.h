#pragma once
// Part of nmc_train_selftest (train_selftest.cpp includes it after train_selftest_trainer.h: uses
// tiny_hybrid, param_names, param_size). The soft-target head (logit distillation on the device,
// src/train_head_soft.cu):
//   1. its kernel (nmc_k_train_soft_targets) against a CPU double reference of nemotron-compress's
//      DistillationLoss: forward / reverse KL, the whole vocabulary / a top-k support, T 1 and 2, ignored rows
//   2. a top-k support of k = vocab listed in another order = the whole vocabulary (loss and gradients)
//   3. the trainer's soft loss against central differences along random directions of several tensors
//   4. targets serve one forward: the next plain forward is cross-entropy again; bad targets refused

#include "train_soft_reference.h"

namespace soft_test {

using sref::reference;

// k distinct ids per row: the teacher's k largest logits of a random row (as the host's top-k support)
static std::vector<int32_t> random_support(int rows, int V, int k, uint32_t seed) {
    std::mt19937 g(seed);
    std::vector<int32_t> out((size_t)rows * k), perm(V);
    for (int r = 0; r < rows; r++) {
        for (int v = 0; v < V; v++) perm[v] = v;
        std::shuffle(perm.begin(), perm.end(), g);
        std::copy(perm.begin(), perm.begin() + k, out.begin() + (size_t)r * k);
    }
    return out;
}

static double rel(const std::vector<float> &got, const std::vector<double> &want) {
    double worst = 0, norm = 1e-12;
    for (double w : want) norm = std::max(norm, std::fabs(w));
    for (size_t i = 0; i < got.size(); i++) {
        double e = std::fabs(got[i] - want[i]) / norm;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    return worst;
}

// 1. the kernel against the reference
static void kernel_tests() {
    const int rows = 7, V = 1000;
    Vec z = randn((size_t)rows * V, 41, 3.0f);
    std::vector<int32_t> labels = {5, -100, 7, 0, 999, -100, 3};
    for (int reverse : {0, 1}) {
        for (int k : {V, 37, 1}) {
            for (double T : {1.0, 2.0}) {
                Vec w = randn((size_t)rows * k, 43 + k, 2.5f);
                std::vector<int32_t> ids = random_support(rows, V, k, 47);
                const int32_t *sup = k == V ? nullptr : ids.data();
                double scale = 1.0 / 5;
                std::vector<float> loss(rows), dz((size_t)rows * V, -7.0f);
                std::vector<double> rl, rdz;
                int rc = nmc_k_train_soft_targets(rows, V, k, z.data(), labels.data(), sup, w.data(), T, reverse, scale,
                                                  loss.data(), dz.data());
                reference(rows, V, k, z.data(), labels.data(), sup, w.data(), T, reverse, scale, rl, rdz);
                double el = rel(loss, rl), ed = rel(dz, rdz), mx = 0;
                for (double v : rl) mx = std::max(mx, std::fabs(v));
                char buf[200];
                snprintf(buf, sizeof buf, "soft targets kernel %s KL, k %d of %d, T %.0f vs CPU double: loss err %.2e, dz err %.2e (max loss %.3g)",
                         reverse ? "reverse" : "forward", k, V, T, el, ed, mx);
                // k = 1: both distributions are one token: loss and gradient exactly 0
                float dmax = 0.0f, lmax = 0.0f;
                for (float v : dz) dmax = std::max(dmax, std::fabs(v));
                for (float v : loss) lmax = std::max(lmax, std::fabs(v));
                bool zero = k != 1 || (lmax == 0.0f && dmax == 0.0f);
                check(rc == NMC_OK && el <= 2e-5 && ed <= 2e-5 && zero, std::string(buf) + (rc ? nmc_last_error() : ""));
            }
        }
    }
    std::vector<float> loss(rows);
    Vec w = randn((size_t)rows * 4, 5);
    std::vector<int32_t> ids = random_support(rows, V, 4, 9);
    ids[5] = ids[4];
    expect_error(nmc_k_train_soft_targets(rows, V, 4, z.data(), labels.data(), ids.data(), w.data(), 1.0, 0, 1.0,
                                          loss.data(), nullptr),
                 "repeats token", "soft targets: a support listing a token twice refused");
}

// The trainer's soft loss: targets then forward (nullable grads: no backward).
static bool soft_forward(nmc_trainer *t, const std::vector<int32_t> &ids, const std::vector<int32_t> &labels, int rows,
                         int len, int k, const int32_t *sup, const float *w, double T, int reverse, double *loss,
                         bool backward) {
    int64_t tok = 0;
    return nmc_trainer_set_soft_targets(t, (int64_t)rows * len, k, sup, w, T, reverse) == NMC_OK &&
           nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, loss, &tok) == NMC_OK &&
           (!backward || nmc_trainer_backward(t) == NMC_OK);
}

static bool grads_of(nmc_trainer *t, std::vector<Vec> &out) {
    out.clear();
    for (const std::string &name : param_names(t)) {
        Vec g(param_size(t, name));
        if (nmc_trainer_get_tensor(t, name.c_str(), NMC_TRAIN_GRAD, g.data()) != NMC_OK) return false;
        out.push_back(g);
    }
    double norm = 0;  // clear the sums (a step at lr 0 moves nothing)
    return nmc_trainer_step(t, 0.0, 0.0, 0.9, 0.95, 1e-8, 0.0, &norm) == NMC_OK;
}

static void trainer_tests() {
    nmc_config c = tiny_hybrid();
    const int rows = 2, len = 24, R = rows * len, V = c.vocab_size;
    std::vector<int32_t> ids(R), labels(R);
    std::mt19937 g(7);
    for (int i = 0; i < R; i++) ids[i] = (int32_t)(g() % V);
    for (int i = 0; i < R; i++) labels[i] = (i % len) < 2 || (i + 1) % len == 0 ? -100 : ids[i + 1];
    nmc_trainer *t = nullptr;
    if (nmc_trainer_create(&c, 0, &t) != NMC_OK || nmc_trainer_init_random(t, 23) != NMC_OK) {
        check(false, std::string("soft targets: trainer create: ") + nmc_last_error());
        if (t) nmc_trainer_destroy(t);
        return;
    }
    Vec full = randn((size_t)R * V, 61, 2.0f);
    char buf[300];
    // 2. k = V listed in a permuted order = the whole vocabulary
    std::vector<int32_t> perm = random_support(R, V, V, 67);
    Vec permuted((size_t)R * V);
    for (int r = 0; r < R; r++)
        for (int i = 0; i < V; i++) permuted[(size_t)r * V + i] = full[(size_t)r * V + perm[(size_t)r * V + i]];
    double la = 0, lb = 0;
    std::vector<Vec> ga, gb;
    bool ok = soft_forward(t, ids, labels, rows, len, V, nullptr, full.data(), 2.0, 0, &la, true) && grads_of(t, ga) &&
              soft_forward(t, ids, labels, rows, len, V, perm.data(), permuted.data(), 2.0, 0, &lb, true) &&
              grads_of(t, gb);
    double worst = 0;
    for (size_t i = 0; ok && i < ga.size(); i++) worst = std::max(worst, max_rel_err(gb[i], ga[i]));
    snprintf(buf, sizeof buf, " (loss %.6f vs %.6f, worst gradient err %.2e)", la, lb, worst);
    check(ok && la > 0 && std::fabs(la - lb) <= 1e-5 * la && worst <= 1e-5,
          std::string("soft targets: a permuted full support = the whole vocabulary") + buf + (ok ? "" : nmc_last_error()));
    // 4a. the targets served that forward only: a plain forward is cross-entropy (<= log V + a margin, not the KL)
    double ce = 0, ce2 = 0;
    int64_t tok = 0;
    ok = nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, &ce, &tok) == NMC_OK && nmc_trainer_backward(t) == NMC_OK;
    std::vector<Vec> gce;
    ok = ok && grads_of(t, gce);
    nmc_trainer *fresh = nullptr;
    ok = ok && nmc_trainer_create(&c, 0, &fresh) == NMC_OK && nmc_trainer_init_random(fresh, 23) == NMC_OK &&
         nmc_trainer_forward(fresh, ids.data(), labels.data(), rows, len, &ce2, &tok) == NMC_OK;
    if (fresh) nmc_trainer_destroy(fresh);
    snprintf(buf, sizeof buf, " (%.6f, a fresh trainer %.6f)", ce, ce2);
    check(ok && std::fabs(ce - ce2) <= 1e-6 * ce, std::string("soft targets: the next plain forward is cross-entropy again") + buf);
    // 3. finite differences of the soft loss, forward and reverse, top-k
    const int k = 16;
    std::vector<int32_t> sup = random_support(R, V, k, 71);
    Vec wk = randn((size_t)R * k, 73, 2.0f);
    const char *tensors[] = {"backbone.embeddings.weight", "backbone.layers.0.mixer.in_proj.weight",
                             "backbone.layers.0.mixer.A_log", "backbone.layers.1.mixer.k_proj.weight",
                             "backbone.layers.2.mixer.up_proj.weight", "backbone.norm_f.weight", "lm_head.weight"};
    for (int reverse : {0, 1}) {
        const double T = reverse ? 1.0 : 2.0;
        double l0 = 0;
        std::vector<Vec> grads;
        ok = soft_forward(t, ids, labels, rows, len, k, sup.data(), wk.data(), T, reverse, &l0, true);
        std::vector<std::string> names = param_names(t);
        ok = ok && grads_of(t, grads);
        if (!ok) {
            check(false, std::string("soft targets: backward: ") + nmc_last_error());
            break;
        }
        for (const char *name : tensors) {
            size_t n = param_size(t, name);
            if (n == 0) continue;
            size_t idx = std::find(names.begin(), names.end(), name) - names.begin();
            Vec w0(n), dir = randn(n, 1100 + (uint32_t)n), wp(n);
            nmc_trainer_get_tensor(t, name, NMC_TRAIN_WEIGHT, w0.data());
            double wmax = 1e-3, analytic = 0;
            for (size_t i = 0; i < n; i++) wmax = std::max(wmax, (double)std::fabs(w0[i]));
            for (size_t i = 0; i < n; i++) analytic += (double)grads[idx][i] * dir[i];
            double eps = 5e-3 * wmax, lp = 0, lm = 0;
            int64_t shape[1] = {(int64_t)n};
            bool fine = true;
            for (int sgn : {1, -1}) {
                for (size_t i = 0; i < n; i++) wp[i] = (float)(w0[i] + sgn * eps * dir[i]);
                fine &= nmc_trainer_set_tensor(t, name, NMC_TRAIN_WEIGHT, NMC_F32, 1, shape, wp.data()) == NMC_OK &&
                        soft_forward(t, ids, labels, rows, len, k, sup.data(), wk.data(), T, reverse,
                                     sgn > 0 ? &lp : &lm, false);
            }
            fine &= nmc_trainer_set_tensor(t, name, NMC_TRAIN_WEIGHT, NMC_F32, 1, shape, w0.data()) == NMC_OK;
            double numeric = (lp - lm) / (2 * eps);
            // 2% of the derivative plus the fp32 floor of the quotient: the loss is good to ~1e-6 T^2 log k
            double floor = 1e-6 * T * T * std::log((double)k) / (2 * eps), tol = 2e-2 * std::fabs(analytic) + floor;
            double err = std::fabs(numeric - analytic);
            snprintf(buf, sizeof buf, ": analytic %.6e, central difference %.6e (eps %.1e), |diff| %.2e, tol %.2e",
                     analytic, numeric, eps, err, tol);
            check(fine && err <= tol, std::string("soft targets (") + (reverse ? "reverse" : "forward") +
                                          " KL, top-16, T " + (reverse ? "1" : "2") +
                                          ") finite differences along a random direction of " + name + buf);
        }
    }
    // 4b. refusals
    expect_error(nmc_trainer_set_soft_targets(t, R, V + 1, nullptr, full.data(), 1.0, 0), "support size",
                 "soft targets: k beyond the vocabulary refused");
    expect_error(nmc_trainer_set_soft_targets(t, R, k, nullptr, wk.data(), 1.0, 0), "needs their ids",
                 "soft targets: a top-k support without ids refused");
    expect_error(nmc_trainer_set_soft_targets(t, R, k, sup.data(), wk.data(), 0.0, 0), "temperature",
                 "soft targets: temperature 0 refused");
    expect_error(nmc_trainer_set_soft_targets(t, R, k, sup.data(), wk.data(), 1.0, 2), "divergence",
                 "soft targets: an unknown divergence refused");
    Vec nan = wk;
    nan[3] = NAN;
    expect_error(nmc_trainer_set_soft_targets(t, R, k, sup.data(), nan.data(), 1.0, 0), "not finite",
                 "soft targets: a NaN teacher logit refused");
    double l = 0;
    ok = nmc_trainer_set_soft_targets(t, R, k, sup.data(), wk.data(), 1.0, 0) == NMC_OK;
    expect_error(ok ? nmc_trainer_forward(t, ids.data(), labels.data(), 1, len, &l, &tok) : NMC_OK, "positions",
                 "soft targets: a forward of another size refused");
    nmc_trainer_destroy(t);
}

}  // namespace soft_test

static void soft_target_tests() {
    soft_test::kernel_tests();
    soft_test::trainer_tests();
}
