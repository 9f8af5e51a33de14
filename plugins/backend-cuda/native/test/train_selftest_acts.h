// Keeping every layer's intermediates instead of recomputing them (train_acts.cu,
// NMC_TRAIN_KEEP_ACTIVATIONS): a trainer's two micro-batches (rows 2 x L 70, then 1 x 130: the slots
// are remade for the larger shape) and an optimizer step with the activations kept (unset) against
// the same with every layer recomputed (=0), in fp32 and BF16, on the tiny hybrid and on an
// attention + MLP model. The same kernels run on the same inputs, so the losses (also the one after
// the step) agree within 1e-6 relative and every accumulated gradient within 1e-4 of its largest
// value (the backward's atomicAdd order is the only difference; a layer reading another layer's
// intermediates gives O(1)). nmc_trainer_acts_kept says the keeping ran, and under
// NMC_TRAIN_SCAN=sequential (no scan slots) a hybrid recomputes (0). =2 is refused.
#pragma once

#include "selftest_common.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

// Test hook (train_acts.cu, not in the public header): 1 when the trainer's last forward kept every
// layer's intermediates for the backward, else 0.
extern "C" int nmc_trainer_acts_kept(const nmc_trainer *t);

namespace acts_test {

struct Run {
    double loss[3] = {0, 0, 0};  // the two micro-batches, then the first one after the step
    int kept[2] = {0, 0};
    std::vector<std::string> names;
    std::vector<std::vector<float>> grads;
};

// keep: the NMC_TRAIN_KEEP_ACTIVATIONS value (null: unset); scan: NMC_TRAIN_SCAN (null: unset);
// setup (nullable): called on the trainer after its random init (e.g. GEMM precisions)
inline int run(nmc_config c, const char *keep, const char *scan, Run *out, int (*setup)(nmc_trainer *) = nullptr) {
    if (keep) setenv("NMC_TRAIN_KEEP_ACTIVATIONS", keep, 1);
    else unsetenv("NMC_TRAIN_KEEP_ACTIVATIONS");
    if (scan) setenv("NMC_TRAIN_SCAN", scan, 1);
    else unsetenv("NMC_TRAIN_SCAN");
    const std::vector<MicroBatch> micro = two_micro_batches(c.vocab_size, 23);
    nmc_trainer *t = nullptr;
    int64_t tokens = 0;
    int rc = nmc_trainer_create(&c, 0, &t);
    if (rc == NMC_OK) rc = nmc_trainer_init_random(t, 19);
    if (rc == NMC_OK && setup != nullptr) rc = setup(t);
    for (size_t i = 0; i < micro.size() && rc == NMC_OK; i++) {
        rc = nmc_trainer_forward(t, micro[i].ids.data(), micro[i].labels.data(), micro[i].rows, micro[i].len,
                                 &out->loss[i], &tokens);
        if (rc == NMC_OK) out->kept[i] = nmc_trainer_acts_kept(t);
        if (rc == NMC_OK) rc = nmc_trainer_backward(t);
    }
    if (rc == NMC_OK) rc = trainer_tensors(t, NMC_TRAIN_GRAD, &out->names, &out->grads);
    double norm = 0;
    if (rc == NMC_OK) rc = nmc_trainer_step(t, 1e-3, 1.0, 0.9, 0.95, 1e-8, 0.1, &norm);
    if (rc == NMC_OK) rc = nmc_trainer_forward(t, micro[0].ids.data(), micro[0].labels.data(), micro[0].rows,
                                               micro[0].len, &out->loss[2], &tokens);
    if (t) nmc_trainer_destroy(t);
    unsetenv("NMC_TRAIN_KEEP_ACTIVATIONS");
    unsetenv("NMC_TRAIN_SCAN");
    return rc;
}

// How far got is from want: the largest relative loss difference (the three losses) and the largest
// gradient difference relative to the tensor's largest value, with that tensor's name.
struct Gap {
    double loss = 0, grad = 0;
    std::string worst = "-";
};
inline Gap gap(const Run &got, const Run &want) {
    Gap g;
    for (int i = 0; i < 3; i++) g.loss = std::max(g.loss, std::fabs(got.loss[i] - want.loss[i]) / std::fabs(want.loss[i]));
    for (size_t i = 0; i < got.grads.size() && i < want.grads.size(); i++) {
        double e = max_rel_err(got.grads[i], want.grads[i]);
        if (!(e <= g.grad)) g.grad = e, g.worst = got.names[i];
    }
    return g;
}

// One PASS/FAIL line: env `name`=bogus makes the trainer's run fail with an error naming the switch
// (setup as run's); the switch is unset afterwards.
inline void expect_refused(const nmc_config &c, const char *name, const std::string &what,
                           int (*setup)(nmc_trainer *) = nullptr) {
    setenv(name, "bogus", 1);
    Run bogus;
    expect_error(run(c, nullptr, nullptr, &bogus, setup), name, what + " " + name + "=bogus refused");
    unsetenv(name);
}

// One PASS/FAIL line for two BF16 trainers that differ in a kernel's rounding ("<what>: losses ..."):
// the losses within 1e-3 relative, every gradient within 3e-2 of its largest value.
inline void compare_bf16(const Run &got, const Run &want, const std::string &what) {
    const Gap g = gap(got, want);
    char buf[420];
    snprintf(buf, sizeof buf, "%s: losses %.7f %.7f, after the step %.7f vs %.7f %.7f %.7f (rel err %.1e, tol 1e-03), "
             "%zu gradients, worst %.1e (%s, tol 3e-02)", what.c_str(), got.loss[0], got.loss[1], got.loss[2], want.loss[0],
             want.loss[1], want.loss[2], g.loss, got.grads.size(), g.grad, g.worst.c_str());
    check(std::isfinite(g.loss) && g.loss <= 1e-3 && g.grad <= 3e-2 && got.grads.size() == want.grads.size() &&
              !got.grads.empty(), buf);
}

// One PASS/FAIL line: got against want (losses 1e-6 relative, gradients 1e-4 of the largest value)
// and the kept flags expected.
inline void compare(const Run &got, const Run &want, int kept_want, const std::string &what) {
    const Gap g = gap(got, want);
    const double el = g.loss, eg = g.grad;
    const std::string &worst = g.worst;
    char buf[420];
    snprintf(buf, sizeof buf, "%s: losses %.7f %.7f, after the step %.7f vs %.7f %.7f %.7f (rel err %.1e, tol 1e-06), "
             "%zu gradients, worst %.1e (%s, tol 1e-04), kept %d %d (want %d)", what.c_str(), got.loss[0], got.loss[1],
             got.loss[2], want.loss[0], want.loss[1], want.loss[2], el, got.grads.size(), eg, worst.c_str(),
             got.kept[0], got.kept[1], kept_want);
    check(std::isfinite(el) && el <= 1e-6 && eg <= 1e-4 && got.grads.size() == want.grads.size() &&
              !got.grads.empty() && got.kept[0] == kept_want && got.kept[1] == kept_want && want.kept[0] == 0,
          buf);
}

inline void tests(nmc_config hybrid) {
    nmc_config attn_mlp = hybrid;
    attn_mlp.pattern = "*-*-";
    attn_mlp.num_layers = 4;
    struct Case {
        const char *name;
        nmc_config c;
        int dtype;
    } cases[] = {{"tiny hybrid fp32", hybrid, NMC_F32}, {"tiny hybrid bf16", hybrid, NMC_BF16},
                 {"attention + mlp bf16", attn_mlp, NMC_BF16}};
    for (Case &k : cases) {
        k.c.compute_dtype = k.dtype;
        Run kept, recomputed;
        if (run(k.c, nullptr, nullptr, &kept) != NMC_OK || run(k.c, "0", nullptr, &recomputed) != NMC_OK) {
            check(false, std::string("trainer keep activations ") + k.name + ": " + nmc_last_error());
            continue;
        }
        compare(kept, recomputed, 1, std::string("trainer ") + k.name + ": activations kept (NMC_TRAIN_KEEP_ACTIVATIONS "
                                         "unset) vs recomputed (=0)");
    }
    nmc_config c = hybrid;
    c.compute_dtype = NMC_F32;
    Run seq, seq_off;
    if (run(c, nullptr, "sequential", &seq) != NMC_OK || run(c, "0", "sequential", &seq_off) != NMC_OK) {
        check(false, std::string("trainer keep activations, sequential scan: ") + nmc_last_error());
    } else {
        compare(seq, seq_off, 0, "trainer tiny hybrid fp32 NMC_TRAIN_SCAN=sequential: recomputes (no scan slots)");
    }
    Run bogus;
    expect_error(run(c, "2", nullptr, &bogus), "NMC_TRAIN_KEEP_ACTIVATIONS must be 0 or 1",
                 "trainer NMC_TRAIN_KEEP_ACTIVATIONS=2 refused");
}

}  // namespace acts_test
