// Batched-decode GEMM self-tests (included by selftest.cpp after its model helpers): decode of R =
// 9, 17, 33, 64 rows through the skinny tensor-core GEMM (kernels/skinny_gemm.cu,
// NMC_DECODE_GEMM=skinny; unset, only FP8 per-channel weights take it) for BF16 weights and FP8 E4M3 weights with per-channel
// and 128x128 block scales. Every row decodes the same next token after the same prompt, so each
// must equal the logits of a one-piece prefill of the prompt + token (more than 64 rows: cuBLAS,
// or dequantise + cuBLAS for FP8) up to BF16 rounding (2e-2 of the largest logit, the bound of
// decode against prefill elsewhere); the old path (NMC_DECODE_GEMM=old) is checked the same way
// and against the skinny one; the skinny GEMM with the split-K cost model (NMC_SKINNY_SPLIT=waves:
// at these small shapes it splits K where the first rule does not) the same way and against the
// first rule within 1e-2 (the fp32 summation order differs, then BF16 rounding of the next layer's
// input); with 32 outputs per warp (NMC_SKINNY_WARP=32, and the waves split) against 16 within
// 1e-2 likewise; the register-streamed kernel (NMC_SKINNY_KERNEL=wreg: W from global memory to
// registers, never shared memory) with 32 outputs per warp and the waves split, and with 16 and the
// first rule, the same way against prefill and against the first kernel within 1e-2 (its per-channel
// weights enter unrounded, its block weights BF16(code x BF16(scale))); the unset switch gives exactly
// =smem's logits (the first kernel) for BF16 weights, and for FP8 weights logits close to =wreg's
// and not =smem's (unset runs wreg for the FP8 matrices, smem for the BF16 lm_head); an unknown value
// of either switch is an error.
#pragma once

static void set_decode_gemm(const char *v) { set_switch("NMC_DECODE_GEMM", v); }

// A random BF16 model of shape s (seed), its weights then quantised to FP8 E4M3 when block >= 0
// (0: per-channel scales, > 0: block x block), and the case's name: label + the weight type.
static nmc_model *decode_case_model(const Shape &s, const std::string &label, int seed, int block, std::string *name) {
    nmc_model *m = random_model(s, NMC_BF16, seed);
    if (block >= 0) ok_or_die(nmc_model_quantize_fp8(m, block), "quantize");
    *name = label + (block < 0 ? " bf16" : block ? " fp8 block " + std::to_string(block) : " fp8 per-channel");
    return m;
}

// block < 0: BF16 weights; 0: FP8 per-channel; > 0: FP8 blocks
static void decode_gemm_tests(const Shape &s, const std::string &label, int prompt, int block) {
    const int V = s.vocab, L = prompt + 1, max_seq = prompt + 8;
    std::vector<int32_t> t = tokens(L, V, 23);
    std::string name;
    nmc_model *m = decode_case_model(s, label, 9, block, &name);
    nmc_session *ss = nullptr;
    // 1. the reference: one-piece prefill (L > 64 rows: not the skinny GEMM)
    ok_or_die(nmc_session_create(m, 1, max_seq, L, &ss), "session reference");
    Vec want((size_t)L * V);
    ok_or_die(nmc_prefill(ss, 0, t.data(), L, 1, want.data()), "prefill reference");
    nmc_session_destroy(ss);
    const Vec ref = rows_of(want, prompt, 1, V);
    // 2. R rows (slots in descending order) decode t[prompt] after the prompt, skinny and old (a
    //    session each: a session keeps its captured decode graphs)
    char buf[160];
    for (int R : {9, 17, 33, 64}) {
        constexpr int IMPLS = 7;
        Vec got[IMPLS];
        const char *impl_name[IMPLS] = {"skinny smem", "old", "skinny smem, waves split",
                                        "skinny smem, waves split, 32 outputs per warp",
                                        "skinny wreg (W to registers), waves split, 32 outputs per warp",
                                        "skinny wreg (W to registers), fill split, 16 outputs per warp",
                                        "skinny, NMC_SKINNY_KERNEL unset, fill split, 16 outputs per warp"};
        for (int impl = 0; impl < IMPLS; impl++) {
            set_decode_gemm(impl == 1 ? "old" : "skinny");
            setenv("NMC_SKINNY_SPLIT", impl == 2 || impl == 3 || impl == 4 ? "waves" : "fill", 1);
            setenv("NMC_SKINNY_WARP", impl == 3 || impl == 4 ? "32" : "16", 1);
            set_switch("NMC_SKINNY_KERNEL", impl == 4 || impl == 5 ? "wreg" : impl == 6 ? nullptr : "smem");
            ok_or_die(nmc_session_create(m, 64, max_seq, prompt, &ss), "session decode");
            std::vector<int32_t> slots(R), next(R, t[prompt]);
            for (int j = 0; j < R; j++) {
                slots[j] = 63 - j;
                ok_or_die(nmc_slot_reset(ss, slots[j]), "reset");
                ok_or_die(nmc_prefill(ss, slots[j], t.data(), prompt, 0, nullptr), "prefill prompt");
            }
            got[impl].assign((size_t)R * V, 0.0f);
            ok_or_die(nmc_decode(ss, R, slots.data(), next.data(), got[impl].data()), "batched decode");
            double worst = 0;
            for (int j = 0; j < R; j++) worst = std::max(worst, max_rel_err(rows_of(got[impl], j, 1, V), ref));
            snprintf(buf, sizeof buf, ": %d-row decode (%s GEMM) close to prefill (max err %.2e)", R, impl_name[impl], worst);
            check(worst < 2e-2, name + buf);
            nmc_session_destroy(ss);
        }
        snprintf(buf, sizeof buf, ": %d-row decode, skinny GEMM against the old path", R);
        expect_close(got[0], got[1], 2e-2, name + buf);
        snprintf(buf, sizeof buf, ": %d-row decode, skinny GEMM waves split against the first rule", R);
        expect_close(got[2], got[0], 1e-2, name + buf);
        snprintf(buf, sizeof buf, ": %d-row decode, skinny GEMM 32 outputs per warp against 16", R);
        expect_close(got[3], got[2], 1e-2, name + buf);
        snprintf(buf, sizeof buf, ": %d-row decode, skinny wreg GEMM (waves, 32 a warp) against the first kernel (waves)", R);
        expect_close(got[4], got[2], 1e-2, name + buf);
        snprintf(buf, sizeof buf, ": %d-row decode, skinny wreg GEMM (fill, 16 a warp) against the first kernel (fill)", R);
        expect_close(got[5], got[0], 1e-2, name + buf);
        // the default (2026-12-07): wreg for FP8 weights, smem for BF16 ones. A BF16 model: unset gives
        // =smem's logits bit for bit. An FP8 model still has BF16 matrices (lm_head), which =wreg sends
        // through wreg and unset through smem, so there: close to =wreg, and not =smem's logits.
        if (block < 0) {
            snprintf(buf, sizeof buf, ": %d-row decode, NMC_SKINNY_KERNEL unset == smem for BF16 weights (bit for bit)", R);
            check(got[6] == got[0], name + buf);
        } else {
            snprintf(buf, sizeof buf, ": %d-row decode, NMC_SKINNY_KERNEL unset: wreg for the FP8 matrices (close to =wreg)", R);
            expect_close(got[6], got[5], 1e-2, name + buf);
            snprintf(buf, sizeof buf, ": %d-row decode, NMC_SKINNY_KERNEL unset is not the smem kernel's logits", R);
            check(got[6] != got[0], name + buf);
        }
    }
    unsetenv("NMC_SKINNY_SPLIT");
    unsetenv("NMC_SKINNY_WARP");
    // an unknown NMC_SKINNY_KERNEL is refused (9 rows: the skinny GEMM reads it)
    {
        set_decode_gemm("skinny");
        set_switch("NMC_SKINNY_KERNEL", "fast");
        ok_or_die(nmc_session_create(m, 64, max_seq, prompt, &ss), "session kernel switch");
        std::vector<int32_t> slots(9), next(9, t[prompt]);
        for (int j = 0; j < 9; j++) {
            slots[j] = j;
            ok_or_die(nmc_slot_reset(ss, j), "reset");
            ok_or_die(nmc_prefill(ss, j, t.data(), prompt, 0, nullptr), "prefill prompt");
        }
        Vec out9((size_t)9 * V);
        expect_error(nmc_decode(ss, 9, slots.data(), next.data(), out9.data()), "NMC_SKINNY_KERNEL",
                     name + ": unknown NMC_SKINNY_KERNEL rejected");
        set_switch("NMC_SKINNY_KERNEL", nullptr);
        nmc_session_destroy(ss);
    }
    set_decode_gemm(nullptr);
    // 3. an unknown switch value is refused
    ok_or_die(nmc_session_create(m, 1, max_seq, prompt, &ss), "session error");
    set_decode_gemm("fast");
    int32_t slot = 0, tok = t[0];
    Vec logits(V);
    expect_error(nmc_decode(ss, 1, &slot, &tok, logits.data()), "NMC_DECODE_GEMM must be", name + ": unknown NMC_DECODE_GEMM rejected");
    set_decode_gemm(nullptr);
    nmc_session_destroy(ss);
    nmc_model_destroy(m);
}
