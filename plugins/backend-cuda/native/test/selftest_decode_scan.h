// Decode state-update self-tests (included by selftest.cpp after its model helpers): the vectorised
// Mamba-2 decode update (kernels/ssm_step.cu, NMC_DECODE_SCAN=vec) against the old step_kernel
// (NMC_DECODE_SCAN=old) and against prefill, for BF16 weights and FP8 E4M3 weights with per-channel
// and 128x128 block scales, at R = 1, 9 and 64 rows (slots in descending order). Two decode steps
// per row: the second reads the state the first wrote. Bounds: each row's logits after the second
// step within 2e-2 of a one-piece prefill of prompt + 2 tokens (the BF16 decode-vs-prefill bound
// used elsewhere); vec against old within 1e-2 (the kernels differ only in the fp32 summation order
// of y, then BF16 rounding of the next layer's input); an unknown switch value is an error.
#pragma once

static void set_decode_scan(const char *v) { set_switch("NMC_DECODE_SCAN", v); }

// block < 0: BF16 weights; 0: FP8 per-channel; > 0: FP8 blocks
static void decode_scan_tests(const Shape &s, const std::string &label, int prompt, int block) {
    const int V = s.vocab, L = prompt + 2, max_seq = prompt + 8;
    std::vector<int32_t> t = tokens(L, V, 29);
    std::string name;
    nmc_model *m = decode_case_model(s, label, 11, block, &name);
    nmc_session *ss = nullptr;
    // 1. the reference: one-piece prefill of prompt + 2 tokens, the last position's logits
    ok_or_die(nmc_session_create(m, 1, max_seq, L, &ss), "session reference");
    Vec want((size_t)L * V);
    ok_or_die(nmc_prefill(ss, 0, t.data(), L, 1, want.data()), "prefill reference");
    nmc_session_destroy(ss);
    const Vec ref = rows_of(want, prompt + 1, 1, V);
    // 2. R rows decode t[prompt], then t[prompt + 1], with the old and the vector update (a session
    //    each: a session keeps its captured decode graphs)
    char buf[160];
    for (int R : {1, 9, 64}) {
        Vec got[2];
        for (int impl = 0; impl < 2; impl++) {
            set_decode_scan(impl == 0 ? "vec" : "old");
            ok_or_die(nmc_session_create(m, 64, max_seq, prompt, &ss), "session decode");
            std::vector<int32_t> slots(R), next(R);
            for (int j = 0; j < R; j++) {
                slots[j] = 63 - j;
                ok_or_die(nmc_slot_reset(ss, slots[j]), "reset");
                ok_or_die(nmc_prefill(ss, slots[j], t.data(), prompt, 0, nullptr), "prefill prompt");
            }
            got[impl].assign((size_t)R * V, 0.0f);
            for (int step = 0; step < 2; step++) {
                std::fill(next.begin(), next.end(), t[prompt + step]);
                ok_or_die(nmc_decode(ss, R, slots.data(), next.data(), got[impl].data()), "batched decode");
            }
            double worst = 0;
            for (int j = 0; j < R; j++) worst = std::max(worst, max_rel_err(rows_of(got[impl], j, 1, V), ref));
            snprintf(buf, sizeof buf, ": %d-row decode, 2 steps (%s state update) close to prefill (max err %.2e)", R,
                     impl == 0 ? "vec" : "old", worst);
            check(worst < 2e-2, name + buf);
            nmc_session_destroy(ss);
        }
        snprintf(buf, sizeof buf, ": %d-row decode, vec state update against the old one", R);
        expect_close(got[0], got[1], 1e-2, name + buf);
    }
    set_decode_scan(nullptr);
    // 3. an unknown switch value is refused
    ok_or_die(nmc_session_create(m, 1, max_seq, prompt, &ss), "session error");
    set_decode_scan("fast");
    int32_t slot = 0, tok = t[0];
    Vec logits(V);
    expect_error(nmc_decode(ss, 1, &slot, &tok, logits.data()), "NMC_DECODE_SCAN must be", name + ": unknown NMC_DECODE_SCAN rejected");
    set_decode_scan(nullptr);
    nmc_session_destroy(ss);
    nmc_model_destroy(m);
}
