// The chunked scan's state passes with their state GEMM inside (NMC_TRAIN_SCAN_STATES=fused,
// kernels/train_ssd_states.cuh: F5 + F6 and B3 + B4 one kernel each) against the GEMM path and the
// CPU double reference: pedantic fp32 (fused within 1e-5 of the GEMM path: only the order of the local
// state's sum and of the dacs dot differ) and the trainer's configuration (TF32 forward GEMMs, tc
// backward), at small shapes and at hybrid1b's L 4096 with the forward and backward times of both
// (INFO) and NMC_SCAN_STEPS's step lines; a BF16 trainer (state 32, so that the kernels run) fused vs
// gemm (losses within 1e-3 relative, gradients within 3e-2 of their largest); =bogus refused.
#pragma once

#include "train_selftest_acts.h"
#include "train_selftest_scan.h"

namespace scan_states_test {

constexpr int TF32 = 100;  // gemm.h GEMM_TF32, as nmc_k_train_scan takes it

inline scan_test::Out with(const char *states, int impl, int dtype, const scan_test::Shape &s, const scan_test::Inputs &in,
                           bool backward = true) {
    setenv("NMC_TRAIN_SCAN_STATES", states, 1);
    scan_test::Out o = scan_test::gpu(impl, dtype, s, in, backward);
    unsetenv("NMC_TRAIN_SCAN_STATES");
    return o;
}

inline void scan_case(const scan_test::Shape &s, uint32_t seed) {
    using namespace scan_test;
    Inputs in = inputs(s, seed);
    Out ref;
    ref.y = sref::sequential_forward(s, in.xbc, in.dt, in.a_log, in.d);
    sref::Grads g = sref::sequential_backward(s, in.xbc, in.dt, in.a_log, in.d, in.dy);
    ref.dxbc = g.dxbc, ref.ddt = g.ddt, ref.da_log = g.da_log, ref.dd = g.dd, ref.ok = true;
    Out f32 = with("fused", 1, NMC_F32, s, in);
    compare(s, f32, ref, TOL_F32, name(s) + " chunked fp32 NMC_TRAIN_SCAN_STATES=fused vs cpu");
    compare(s, f32, with("gemm", 1, NMC_F32, s, in), 1e-5, name(s) + " chunked fp32 NMC_TRAIN_SCAN_STATES=fused vs gemm");
    if (s.P % 16 == 0 && s.P <= 128)
        compare(s, with("fused", 3, TF32, s, in), ref, TOL_FUSED, name(s) + " TF32 forward + tc backward, states fused vs cpu");
}

inline void timing() {
    using namespace scan_test;
    const Shape s{1, 4096, 64, 64, 8, 128};
    Inputs in = inputs(s, 77);
    with("fused", 3, TF32, s, in);  // warm-up
    Out gemm = with("gemm", 3, TF32, s, in), fused = with("fused", 3, TF32, s, in), seq = gpu(0, NMC_F32, s, in);
    compare(s, fused, seq, TOL_BF16, name(s) + " TF32 forward + tc backward, states fused vs sequential");
    compare(s, fused, gemm, TOL_FUSED, name(s) + " states fused vs gemm (TF32 forward + tc backward)");
    printf("INFO %s: NMC_TRAIN_SCAN_STATES=fused forward %.3f ms, backward %.3f ms; gemm forward %.3f ms, backward %.3f ms\n",
           name(s).c_str(), fused.ms[0], fused.ms[1], gemm.ms[0], gemm.ms[1]);
    fflush(stdout);
    setenv("NMC_SCAN_STEPS", "1", 1);
    fprintf(stderr, "NMC_TRAIN_SCAN_STATES=fused:\n");
    with("fused", 3, TF32, s, in);
    fprintf(stderr, "NMC_TRAIN_SCAN_STATES=gemm:\n");
    with("gemm", 3, TF32, s, in);
    unsetenv("NMC_SCAN_STEPS");
    fflush(stderr);
}

inline void trainer_case(nmc_config c) {
    c.compute_dtype = NMC_BF16;
    c.ssm_state_size = 32;  // a multiple of the kernels' 32 columns
    acts_test::Run fused, gemm;
    setenv("NMC_TRAIN_SCAN_STATES", "fused", 1);
    int rc = acts_test::run(c, nullptr, nullptr, &fused);
    setenv("NMC_TRAIN_SCAN_STATES", "gemm", 1);
    if (rc == NMC_OK) rc = acts_test::run(c, nullptr, nullptr, &gemm);
    unsetenv("NMC_TRAIN_SCAN_STATES");
    if (rc != NMC_OK) {
        check(false, std::string("trainer bf16 NMC_TRAIN_SCAN_STATES=fused|gemm: ") + nmc_last_error());
        return;
    }
    acts_test::compare_bf16(fused, gemm, "trainer bf16 NMC_TRAIN_SCAN_STATES=fused vs gemm");
    acts_test::expect_refused(c, "NMC_TRAIN_SCAN_STATES", "trainer");
}

inline void tests(const nmc_config &hybrid) {
    scan_case({1, 70, 4, 64, 2, 128}, 11);
    scan_case({2, 130, 8, 16, 2, 32}, 12);
    scan_case({1, 1100, 4, 80, 2, 64}, 13);  // 18 chunks, 160 threads a block
    scan_case({1, 100, 2, 128, 1, 32}, 14);  // 256 threads a block
    scan_case({1, 100, 6, 24, 3, 16}, 15);   // not supported: the GEMM path runs under =fused
    trainer_case(hybrid);
    timing();
}

}  // namespace scan_states_test
