// Programmatic dependent launch of the decode GEMVs (kernels/pdl.cuh, NMC_DECODE_PDL) self-tests
// (included by selftest.cpp after its model helpers). PDL changes when a GEMV starts (its blocks
// prefetch weights into L2 while the kernel before it runs, then wait for it), never what it
// computes, so: for BF16 weights and FP8 E4M3 weights with per-channel and 128x128 block scales, at
// R = 1, 2 and 5 rows (the BF16 GEMV; the FP8 CUDA-core GEMV; the FP8 tensor-core GEMV), two captured
// decode steps give the same logits bit for bit with NMC_DECODE_PDL=1, =0 and unset, and lie within
// the decode-vs-prefill bound (2e-2) of a one-piece prefill of prompt + 2 tokens.
#pragma once

#include <cstring>

static void set_decode_pdl(const char *v) { set_switch("NMC_DECODE_PDL", v); }

// block < 0: BF16 weights; 0: FP8 per-channel; > 0: FP8 blocks
static void decode_pdl_tests(const Shape &s, const std::string &label, int prompt, int block) {
    const int V = s.vocab, L = prompt + 2, max_seq = prompt + 8;
    std::vector<int32_t> t = tokens(L, V, 31);
    std::string name;
    nmc_model *m = decode_case_model(s, label, 13, block, &name);
    nmc_session *ss = nullptr;
    // 1. the reference: one-piece prefill of prompt + 2 tokens, the last position's logits
    ok_or_die(nmc_session_create(m, 1, max_seq, L, &ss), "session reference");
    Vec want((size_t)L * V);
    ok_or_die(nmc_prefill(ss, 0, t.data(), L, 1, want.data()), "prefill reference");
    nmc_session_destroy(ss);
    const Vec ref = rows_of(want, prompt + 1, 1, V);
    // 2. R rows decode t[prompt], then t[prompt + 1] under each setting (a session each: a session
    //    keeps its captured decode graphs, so the launch attribute is fixed at capture)
    const char *settings[3] = {"0", "1", nullptr};
    char buf[160];
    for (int R : {1, 2, 5}) {
        Vec got[3];
        for (int k = 0; k < 3; k++) {
            set_decode_pdl(settings[k]);
            ok_or_die(nmc_session_create(m, 8, max_seq, prompt, &ss), "session decode");
            std::vector<int32_t> slots(R), next(R);
            for (int j = 0; j < R; j++) {
                slots[j] = 7 - j;
                ok_or_die(nmc_slot_reset(ss, slots[j]), "reset");
                ok_or_die(nmc_prefill(ss, slots[j], t.data(), prompt, 0, nullptr), "prefill prompt");
            }
            got[k].assign((size_t)R * V, 0.0f);
            for (int step = 0; step < 2; step++) {
                std::fill(next.begin(), next.end(), t[prompt + step]);
                ok_or_die(nmc_decode(ss, R, slots.data(), next.data(), got[k].data()), "batched decode");
            }
            nmc_session_destroy(ss);
        }
        double worst = 0;
        for (int j = 0; j < R; j++) worst = std::max(worst, max_rel_err(rows_of(got[1], j, 1, V), ref));
        snprintf(buf, sizeof buf, ": %d-row decode, 2 steps, NMC_DECODE_PDL=1 close to prefill (max err %.2e)", R, worst);
        check(worst < 2e-2, name + buf);
        const size_t bytes = got[0].size() * sizeof(float);
        snprintf(buf, sizeof buf, ": %d-row decode, NMC_DECODE_PDL=1 == 0 (bit for bit)", R);
        check(std::memcmp(got[1].data(), got[0].data(), bytes) == 0, name + buf);
        snprintf(buf, sizeof buf, ": %d-row decode, NMC_DECODE_PDL unset == 0 (bit for bit)", R);
        check(std::memcmp(got[2].data(), got[0].data(), bytes) == 0, name + buf);
    }
    set_decode_pdl(nullptr);
    nmc_model_destroy(m);
}
