// The self-tests' shared checks (selftest.cpp, train_selftest.cpp): every check prints one line
// PASS or FAIL and counts the failures; errors are relative to the largest reference magnitude.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "nemotron_cuda.h"

static int failures = 0;

// Sets the environment switch `name` to `v`, or unsets it (v null): the kernels' choices (NMC_*).
[[maybe_unused]] static void set_switch(const char *name, const char *v) {
    if (v == nullptr) unsetenv(name);
    else setenv(name, v, 1);
}

[[maybe_unused]] static void check(bool ok, const std::string &what);

// Checks that a call failed and that its message mentions `needle`; the message is read after the call.
[[maybe_unused]] static void expect_error(int rc, const char *needle, const std::string &what) {
    std::string msg = nmc_last_error();
    check(rc == NMC_ERR && msg.find(needle) != std::string::npos, what + ": " + msg);
}

[[maybe_unused]] static void check(bool ok, const std::string &what) {
    printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
    fflush(stdout);
    if (!ok) failures++;
}

[[maybe_unused]] static void ok_or_die(int rc, const char *what) {
    if (rc != NMC_OK) {
        printf("FAIL %s: %s\n", what, nmc_last_error());
        exit(1);
    }
}

// n normal(0, scale) floats
[[maybe_unused]] static std::vector<float> randn(size_t n, uint32_t seed, float scale = 1.0f) {
    std::mt19937 g(seed);
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(n);
    for (float &x : v) x = d(g);
    return v;
}

// max |got - want| / max |want| (NaN: 1e9)
[[maybe_unused]] static double max_rel_err(const std::vector<float> &got, const std::vector<float> &want) {
    double worst = 0, norm = 1e-6;
    for (float w : want) norm = std::max(norm, (double)std::fabs(w));
    for (size_t i = 0; i < got.size(); i++) {
        double e = std::fabs((double)got[i] - want[i]) / norm;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    return worst;
}

[[maybe_unused]] static void expect_close(const std::vector<float> &got, const std::vector<float> &want, double tol,
                                          const std::string &what) {
    double e = max_rel_err(got, want);
    char buf[64];
    snprintf(buf, sizeof buf, " (max err %.2e, tol %.0e)", e, tol);
    check(got.size() == want.size() && e <= tol, what + buf);
}

// float -> bfloat16 bits, round to nearest even
[[maybe_unused]] static uint16_t to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    u += 0x7FFF + ((u >> 16) & 1);
    return (uint16_t)(u >> 16);
}

[[maybe_unused]] static float from_bf16(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

[[maybe_unused]] static float bf16_round(float f) { return from_bf16(to_bf16(f)); }

// Every parameter of trainer t: its name into *names and its tensor in `slot` (NMC_TRAIN_WEIGHT, _GRAD,
// _EXP_AVG, _EXP_AVG_SQ) into *out, in the trainer's parameter order. NMC_OK or the failing call's code.
[[maybe_unused]] static int trainer_tensors(nmc_trainer *t, int slot, std::vector<std::string> *names,
                                            std::vector<std::vector<float>> *out) {
    int rc = NMC_OK;
    for (int i = 0; rc == NMC_OK && i < nmc_trainer_param_count(t); i++) {
        int64_t shape[4];
        int ndim = 0;
        char buf[256];
        nmc_trainer_param_info(t, i, buf, sizeof buf, shape, &ndim);
        size_t n = 1;
        for (int k = 0; k < ndim; k++) n *= (size_t)shape[k];
        if (names != nullptr) names->push_back(buf);
        out->emplace_back(n);
        rc = nmc_trainer_get_tensor(t, buf, slot, out->back().data());
    }
    return rc;
}

// A trainer's micro-batch of random tokens, each row's labels its ids shifted by one (-100 at the end).
struct MicroBatch {
    int rows, len;
    std::vector<int32_t> ids, labels;
};

// The two micro-batches the trainer self-tests run (rows 2 x L 70, then 1 x 130: the second remakes
// every shape-sized buffer), tokens below `vocab` from mt19937(seed).
[[maybe_unused]] static std::vector<MicroBatch> two_micro_batches(int vocab, uint32_t seed) {
    std::vector<MicroBatch> micro = {{2, 70, {}, {}}, {1, 130, {}, {}}};
    std::mt19937 g(seed);
    for (MicroBatch &m : micro) {
        m.ids.resize(m.rows * m.len);
        m.labels.resize(m.rows * m.len);
        for (auto &x : m.ids) x = (int32_t)(g() % vocab);
        for (int i = 0; i < m.rows * m.len; i++) m.labels[i] = (i + 1) % m.len == 0 ? -100 : m.ids[i + 1];
    }
    return micro;
}
