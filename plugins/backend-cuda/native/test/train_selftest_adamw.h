// AdamW over the whole flat storage in one launch (kernels/train_adamw.cu, NMC_TRAIN_ADAMW=flat)
// against a launch a tensor (unset): the tiny hybrid in fp32 and BF16 with the decay switched off for
// every norm, bias, A_log, D and dt_bias (so the decay runs alternate along the storage), two
// optimizer steps of two micro-batches each. The per-element arithmetic is the same, so the weights
// and both moments after the steps are equal bit for bit, and the gradients are zero after each step
// (the flat kernel clears them in its pass; the tensor path with a memset). =bogus is refused.
#pragma once

#include "selftest_common.h"

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace adamw_test {

struct Run {
    std::vector<std::string> names;
    std::vector<std::vector<float>> slot[4];  // weights, gradients, exp_avg, exp_avg_sq after the steps
    double norm[2] = {0, 0};
    int runs_off = 0;  // tensors with the decay switched off
};

inline bool no_decay(const std::string &name) {
    return name.find("norm") != std::string::npos || name.find("bias") != std::string::npos ||
           name.find("A_log") != std::string::npos || name.find(".D") != std::string::npos;
}

inline int run(nmc_config c, const char *mode, Run *out) {
    if (mode) setenv("NMC_TRAIN_ADAMW", mode, 1);
    else unsetenv("NMC_TRAIN_ADAMW");
    const int rows = 2, len = 33;
    std::vector<int32_t> ids(rows * len), labels(rows * len);
    std::mt19937 g(41);
    nmc_trainer *t = nullptr;
    int64_t tokens = 0;
    double loss = 0;
    int rc = nmc_trainer_create(&c, 0, &t);
    if (rc == NMC_OK) rc = nmc_trainer_init_random(t, 5);
    const int count = rc == NMC_OK ? nmc_trainer_param_count(t) : 0;
    for (int i = 0; rc == NMC_OK && i < count; i++) {
        int64_t shape[4];
        int ndim = 0;
        char buf[256];
        nmc_trainer_param_info(t, i, buf, sizeof buf, shape, &ndim);
        out->names.push_back(buf);
        if (no_decay(buf)) {
            rc = nmc_trainer_set_decay(t, buf, 0);
            out->runs_off++;
        }
    }
    for (int step = 0; step < 2 && rc == NMC_OK; step++) {
        for (int micro = 0; micro < 2 && rc == NMC_OK; micro++) {
            for (auto &x : ids) x = (int32_t)(g() % c.vocab_size);
            for (int i = 0; i < rows * len; i++) labels[i] = (i + 1) % len == 0 ? -100 : ids[i + 1];
            rc = nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, &loss, &tokens);
            if (rc == NMC_OK) rc = nmc_trainer_backward(t);
        }
        if (rc == NMC_OK) rc = nmc_trainer_step(t, 3e-3, 1.0, 0.9, 0.95, 1e-8, 0.1, &out->norm[step]);
    }
    for (int s = 0; s < 4 && rc == NMC_OK; s++) rc = trainer_tensors(t, s, nullptr, &out->slot[s]);
    if (t) nmc_trainer_destroy(t);
    unsetenv("NMC_TRAIN_ADAMW");
    return rc;
}

inline void tests(nmc_config hybrid) {
    for (int dtype : {NMC_F32, NMC_BF16}) {
        nmc_config c = hybrid;
        c.compute_dtype = dtype;
        const std::string what = std::string("trainer ") + (dtype == NMC_F32 ? "fp32" : "bf16") +
                                 " NMC_TRAIN_ADAMW=flat vs a launch a tensor (unset), two steps";
        Run flat, tensor;
        if (run(c, "flat", &flat) != NMC_OK || run(c, nullptr, &tensor) != NMC_OK) {
            check(false, what + ": " + nmc_last_error());
            continue;
        }
        size_t differ[4] = {0, 0, 0, 0}, nonzero_grad = 0, total = 0, moved = 0;  // moved: nonzero exp_avg
        bool shapes = flat.slot[0].size() == tensor.slot[0].size() && !flat.slot[0].empty();
        for (int s = 0; s < 4 && shapes; s++) {
            for (size_t i = 0; i < flat.slot[s].size(); i++) {
                const auto &a = flat.slot[s][i], &b = tensor.slot[s][i];
                if (s == 0) total += a.size();
                if (s == 1) for (float x : a) nonzero_grad += x != 0.0f;
                if (s == 2) for (float x : a) moved += x != 0.0f;
                if (a.size() != b.size() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) != 0) differ[s]++;
            }
        }
        char buf[400];
        snprintf(buf, sizeof buf, "%s: %zu tensors (%d without decay), %zu floats; tensors differing in weights %zu, "
                 "gradients %zu, exp_avg %zu, exp_avg_sq %zu (want 0: bit-equal); nonzero gradients after the step %zu "
                 "(want 0); nonzero exp_avg %zu (want > 0: the steps ran); grad norms %.6g %.6g vs %.6g %.6g", what.c_str(), flat.names.size(), flat.runs_off, total,
                 differ[0], differ[1], differ[2], differ[3], nonzero_grad, moved, flat.norm[0], flat.norm[1], tensor.norm[0],
                 tensor.norm[1]);
        check(shapes && differ[0] == 0 && differ[1] == 0 && differ[2] == 0 && differ[3] == 0 && nonzero_grad == 0 &&
                  flat.runs_off > 0 && moved > 0 && flat.norm[0] == tensor.norm[0] && flat.norm[1] == tensor.norm[1] &&
                  flat.norm[0] > 0,
              buf);
    }
    Run bogus;
    expect_error(run(hybrid, "bogus", &bogus), "NMC_TRAIN_ADAMW", "trainer NMC_TRAIN_ADAMW=bogus refused");
}

}  // namespace adamw_test
