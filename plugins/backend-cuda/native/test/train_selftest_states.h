// NMC_TRAIN_SCAN_STATES=tc in nmc_train_selftest (included by train_selftest.cpp after
// train_selftest_scan.h): the tc backward (impl 3) with its inter-chunk part on tensor cores
// (ssd_tc_states.cu: B2 + B3 and B5 - B7 as two WMMA kernels a (chunk, group)) against the CPU
// double reference and against today's tc backward (the switch unset: the cuBLAS TF32 state
// GEMMs), every tensor, at small shapes and at hybrid1b's (L 4096), with the timing line and the
// `ssd backward steps (ms)` line (stderr) of the new path; a BF16 trainer with the switch on vs off
// (loss bit for bit: the forward is untouched; every gradient within 3e-2); NMC_TRAIN_SCAN_STATES=bogus
// refused. Runs with NMC_SCAN_ELEM unset (rows, the trainer's default).
#pragma once

namespace scan_test {

// impl 3 with NMC_TRAIN_SCAN_STATES=tc
inline Out gpu_states(const Shape &s, const Inputs &in) {
    setenv("NMC_TRAIN_SCAN_STATES", "tc", 1);
    Out o = gpu(3, NMC_F32, s, in);
    unsetenv("NMC_TRAIN_SCAN_STATES");
    return o;
}

// the new path differs from today's somewhere (the kernels ran: BF16 state operands)
inline bool differs(const Out &a, const Out &b) { return a.ok && b.ok && a.dxbc != b.dxbc; }

inline void states_case(const Shape &s, uint32_t seed) {
    Inputs in = inputs(s, seed);
    Out ref;
    ref.y = sref::sequential_forward(s, in.xbc, in.dt, in.a_log, in.d);
    sref::Grads g = sref::sequential_backward(s, in.xbc, in.dt, in.a_log, in.d, in.dy);
    ref.dxbc = g.dxbc, ref.ddt = g.ddt, ref.da_log = g.da_log, ref.dd = g.dd, ref.ok = true;
    Out tc = gpu(3, NMC_F32, s, in), st = gpu_states(s, in);
    const std::string n = name(s);
    compare(s, st, ref, TOL_FUSED, n + " tc backward + tc states (NMC_TRAIN_SCAN_STATES=tc) vs cpu");
    compare(s, st, tc, TOL_FUSED, n + " tc states vs tc backward (NMC_TRAIN_SCAN_STATES unset)");
    check(differs(st, tc), n + " NMC_TRAIN_SCAN_STATES=tc ran (dxbc differs from the cuBLAS states')");
}

// hybrid1b's shape: vs the CPU reference, today's tc backward and the GPU sequential scan; the times
// and the step line of the new path (NMC_SCAN_STEPS=1, stderr after "NMC_TRAIN_SCAN_STATES=tc:")
inline void states_timing() {
    const Shape s{1, 4096, 64, 64, 8, 128};
    Inputs in = inputs(s, 99);
    gpu(3, NMC_F32, s, in);  // warm-up
    gpu_states(s, in);
    Out tc = gpu(3, NMC_F32, s, in), st = gpu_states(s, in), seq = gpu(0, NMC_F32, s, in);
    compare(s, st, tc, TOL_FUSED, name(s) + " tc states vs tc backward (NMC_TRAIN_SCAN_STATES unset)");
    compare(s, st, seq, TOL_BF16, name(s) + " tc backward + tc states vs sequential");
    Out ref;  // the CPU double reference (seconds at this shape)
    ref.y = sref::sequential_forward(s, in.xbc, in.dt, in.a_log, in.d);
    sref::Grads g = sref::sequential_backward(s, in.xbc, in.dt, in.a_log, in.d, in.dy);
    ref.dxbc = g.dxbc, ref.ddt = g.ddt, ref.da_log = g.da_log, ref.dd = g.dd, ref.ok = true;
    compare(s, st, ref, TOL_BF16, name(s) + " tc backward + tc states vs cpu");
    compare(s, tc, ref, TOL_BF16, name(s) + " tc backward (states unset) vs cpu");
    check(differs(st, tc), name(s) + " NMC_TRAIN_SCAN_STATES=tc ran (dxbc differs from the cuBLAS states')");
    printf("INFO %s: backward %.3f ms tc backward with NMC_TRAIN_SCAN_STATES=tc vs %.3f ms unset (NMC_SCAN_ELEM=rows)\n",
           name(s).c_str(), st.ms[1], tc.ms[1]);
    fflush(stdout);
    setenv("NMC_SCAN_STEPS", "1", 1);
    fprintf(stderr, "NMC_TRAIN_SCAN_STATES unset:\n");
    gpu(3, NMC_F32, s, in);
    fprintf(stderr, "NMC_TRAIN_SCAN_STATES=tc:\n");
    gpu_states(s, in);
    unsetenv("NMC_SCAN_STEPS");
    fflush(stderr);
}

// A BF16 trainer (tiny hybrid, two micro-batches as trainer_save_case, the default scan: fused
// forward, tc-bwd backward, saved) with NMC_TRAIN_SCAN_STATES=tc against unset: the same losses bit
// for bit, every parameter's gradient within 3e-2 of its largest value, not all equal; then with
// NMC_TRAIN_SCAN_SAVE=0 (recomputed) the same; NMC_TRAIN_SCAN_STATES=bogus refused.
inline void trainer_states_case(nmc_config c) {
    c.compute_dtype = NMC_BF16;
    const std::vector<MicroBatch> micro = two_micro_batches(c.vocab_size, 23);
    struct Run {
        double loss[2] = {0, 0};
        std::vector<std::string> names;
        std::vector<Vec> grads;
    };
    auto run = [&](const char *states, const char *save, Run *out) -> int {
        if (states) setenv("NMC_TRAIN_SCAN_STATES", states, 1);
        if (save) setenv("NMC_TRAIN_SCAN_SAVE", save, 1);
        nmc_trainer *t = nullptr;
        int64_t tokens = 0;
        int rc = nmc_trainer_create(&c, 0, &t);
        if (rc == NMC_OK) rc = nmc_trainer_init_random(t, 19);
        for (size_t i = 0; i < micro.size() && rc == NMC_OK; i++) {
            rc = nmc_trainer_forward(t, micro[i].ids.data(), micro[i].labels.data(), micro[i].rows, micro[i].len,
                                     &out->loss[i], &tokens);
            if (rc == NMC_OK) rc = nmc_trainer_backward(t);
        }
        if (rc == NMC_OK) rc = trainer_tensors(t, NMC_TRAIN_GRAD, &out->names, &out->grads);
        if (t) nmc_trainer_destroy(t);
        unsetenv("NMC_TRAIN_SCAN_STATES");
        unsetenv("NMC_TRAIN_SCAN_SAVE");
        return rc;
    };
    for (const char *save : {(const char *)nullptr, "0"}) {
        Run off, on;
        const std::string what = std::string("trainer bf16 NMC_TRAIN_SCAN_STATES=tc vs unset (NMC_TRAIN_SCAN_SAVE=") +
                                 (save ? save : "unset") + ")";
        if (run(nullptr, save, &off) != NMC_OK || run("tc", save, &on) != NMC_OK) {
            check(false, what + ": " + nmc_last_error());
            continue;
        }
        double eg = 0;
        std::string worst = "-";
        bool diff = false;
        for (size_t i = 0; i < on.grads.size() && i < off.grads.size(); i++) {
            double e = max_rel_err(on.grads[i], off.grads[i]);
            diff |= on.grads[i] != off.grads[i];
            if (!(e <= eg)) eg = e, worst = on.names[i];
        }
        char buf[400];
        snprintf(buf, sizeof buf, ": losses %.7f %.7f vs %.7f %.7f (equal), %zu gradients, worst %.2e (%s, tol 3e-02), "
                 "differ: %s", on.loss[0], on.loss[1], off.loss[0], off.loss[1], on.grads.size(), eg, worst.c_str(),
                 diff ? "yes" : "no");
        check(on.loss[0] == off.loss[0] && on.loss[1] == off.loss[1] && std::isfinite(on.loss[0]) && eg <= 3e-2 && diff &&
                  !on.grads.empty() && on.grads.size() == off.grads.size(),
              what + buf);
    }
    Run bogus;
    expect_error(run("bogus", nullptr, &bogus), "NMC_TRAIN_SCAN_STATES must be cublas or tc",
                 "trainer NMC_TRAIN_SCAN_STATES=bogus refused");
}

inline void states_tests() {
    unsetenv("NMC_SCAN_ELEM");  // rows, the default
    states_case({1, 100, 4, 64, 2, 16}, 1);   // L not a multiple of Q = 64, groups > 1
    states_case({2, 40, 4, 64, 1, 64}, 2);    // L < Q, batch > 1, one group
    states_case({2, 130, 8, 64, 4, 128}, 3);  // three chunks, batch > 1, state 128
    states_case({1, 256, 2, 64, 1, 128}, 4);  // L a multiple of Q, four chunks
    states_case({1, 150, 4, 32, 2, 48}, 5);   // head_dim 32, state 48
    states_case({1, 200, 2, 128, 1, 128}, 6); // head_dim 128 (the largest shared layout)
    setenv("NMC_SCAN_ELEM", "old", 1);        // the flat element-wise kernels around the new ones
    states_case({2, 130, 8, 64, 4, 128}, 7);
    unsetenv("NMC_SCAN_ELEM");
    states_timing();
}

}  // namespace scan_test
