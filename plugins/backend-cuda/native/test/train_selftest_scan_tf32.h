// The chunked scan's forward GEMMs on TF32 tensor cores (NMC_TRAIN_SCAN_FWD unset or tf32, a BF16 trainer's
// forward; train_mamba.cu scan_fwd): the chunked scan with GEMM_TF32 against the CPU double
// reference (y and every gradient, TOL_FUSED: TF32 keeps 10 mantissa bits, BF16 8) at small shapes
// and at hybrid1b's L 4096, with its forward time against pedantic fp32 (INFO) and NMC_SCAN_STEPS's
// step line; and a BF16 trainer with tf32 (the default since session 12) against fp32 (kept
// activations, two micro-batches and a step: losses within 1e-3 relative, gradients within 3e-2 of
// their largest), and unset equal to tf32 bit for bit.
// =bogus is refused at the trainer's first Mamba forward.
#pragma once

#include "train_selftest_acts.h"
#include "train_selftest_scan.h"

namespace scan_tf32_test {

constexpr int TF32 = 100;  // gemm.h GEMM_TF32, as nmc_k_train_scan takes it

inline void scan_case(const scan_test::Shape &s, uint32_t seed) {
    using namespace scan_test;
    Inputs in = inputs(s, seed);
    Out ref;
    ref.y = sref::sequential_forward(s, in.xbc, in.dt, in.a_log, in.d);
    sref::Grads g = sref::sequential_backward(s, in.xbc, in.dt, in.a_log, in.d, in.dy);
    ref.dxbc = g.dxbc, ref.ddt = g.ddt, ref.da_log = g.da_log, ref.dd = g.dd, ref.ok = true;
    compare(s, gpu(1, TF32, s, in), ref, TOL_FUSED, name(s) + " chunked GEMM_TF32 vs cpu");
    if (s.P % 16 == 0 && s.P <= 128) compare(s, gpu(3, TF32, s, in), ref, TOL_FUSED, name(s) + " chunked GEMM_TF32 + tc backward vs cpu");
}

inline void timing() {
    using namespace scan_test;
    const Shape s{1, 4096, 64, 64, 8, 128};
    Inputs in = inputs(s, 99);
    gpu(3, TF32, s, in);  // warm-up
    Out seq = gpu(0, NMC_F32, s, in), f32 = gpu(3, NMC_F32, s, in), tf = gpu(3, TF32, s, in);
    compare(s, tf, seq, TOL_BF16, name(s) + " chunked GEMM_TF32 + tc backward vs sequential");
    printf("INFO %s: forward %.3f ms with the GEMMs on TF32 (NMC_TRAIN_SCAN_FWD=tf32) vs %.3f ms pedantic fp32\n",
           name(s).c_str(), tf.ms[0], f32.ms[0]);
    fflush(stdout);
    setenv("NMC_SCAN_STEPS", "1", 1);
    fprintf(stderr, "GEMM_TF32 forward:\n");
    gpu(3, TF32, s, in, false);
    unsetenv("NMC_SCAN_STEPS");
    fflush(stderr);
}

inline void trainer_case(nmc_config c) {
    c.compute_dtype = NMC_BF16;
    acts_test::Run tf, base, unset, again;
    setenv("NMC_TRAIN_SCAN_FWD", "tf32", 1);
    int rc = acts_test::run(c, nullptr, nullptr, &tf);
    if (rc == NMC_OK) rc = acts_test::run(c, nullptr, nullptr, &again);
    setenv("NMC_TRAIN_SCAN_FWD", "fp32", 1);
    if (rc == NMC_OK) rc = acts_test::run(c, nullptr, nullptr, &base);
    unsetenv("NMC_TRAIN_SCAN_FWD");
    if (rc != NMC_OK || acts_test::run(c, nullptr, nullptr, &unset) != NMC_OK) {
        check(false, std::string("trainer bf16 NMC_TRAIN_SCAN_FWD=tf32|fp32|unset: ") + nmc_last_error());
        return;
    }
    acts_test::compare_bf16(tf, base, "trainer bf16 NMC_TRAIN_SCAN_FWD=tf32 vs fp32 (pedantic forward GEMMs)");
    // unset runs the TF32 forward: the forward's losses bit for bit (fp32 gives other ones), the gradients
    // and the loss after the step bit for bit or (the scan's atomics do not repeat their order) no further
    // from tf32 than tf32 is from itself
    auto gap = [](const acts_test::Run &x, const acts_test::Run &y) {
        double e = std::fabs(x.loss[2] - y.loss[2]);
        for (size_t i = 0; i < x.grads.size() && i < y.grads.size(); i++) e = std::max(e, max_rel_err(x.grads[i], y.grads[i]));
        return x.grads.size() == y.grads.size() ? e : INFINITY;
    };
    const bool forward_same = unset.loss[0] == tf.loss[0] && unset.loss[1] == tf.loss[1];
    const double eu = gap(unset, tf), er = gap(again, tf);
    char buf[400];
    snprintf(buf, sizeof buf, "trainer bf16 NMC_TRAIN_SCAN_FWD unset == tf32 (the default): forward losses %s, the rest %s, "
             "largest difference %.1e (tf32 twice: %.1e)", forward_same ? "bit for bit" : "differ",
             eu == 0 ? "bit for bit" : "within the run-to-run difference", eu, er);
    check(forward_same && !unset.grads.empty() && (eu == 0 || (er > 0 && eu <= std::max(1e-6, 4 * er))), buf);
    acts_test::expect_refused(c, "NMC_TRAIN_SCAN_FWD", "trainer");
}

inline void tests(const nmc_config &hybrid) {
    scan_case({1, 70, 4, 16, 2, 32}, 3);
    scan_case({2, 130, 8, 64, 2, 128}, 4);
    scan_case({1, 100, 6, 24, 3, 16}, 5);
    trainer_case(hybrid);
    timing();
}

}  // namespace scan_tf32_test
