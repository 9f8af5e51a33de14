// Prefill attention self-tests (included by selftest.cpp after its model helpers): the
// FlashAttention-2 tensor-core prefill (kernels/attention_flash.cu, NMC_PREFILL_ATTENTION=flash,
// the default) against the previous WMMA kernel (wmma) and the plain fp32 one (fp32), all on the
// same BF16 model: whole-prompt logits of one-piece prefills, chunked prefill (pieces of 64 after
// a cached prefix) against one piece, and token-by-token decode against the flash prefill. The
// bound is BF16's (2e-2 of the largest logit, as decode against prefill in model_tests); an
// unknown NMC_PREFILL_ATTENTION value is an error.
#pragma once

static void set_prefill_attention(const char *v) { set_switch("NMC_PREFILL_ATTENTION", v); }

// all logits of prefilling t[0, L) into a fresh session whose prefill pieces are `piece` tokens
static Vec prefill_logits(nmc_model *m, int V, const std::vector<int32_t> &t, int L, int piece, int max_seq, const char *impl) {
    set_prefill_attention(impl);
    nmc_session *ss = nullptr;
    ok_or_die(nmc_session_create(m, 1, max_seq, piece, &ss), "session prefill attention");
    Vec all((size_t)L * V);
    ok_or_die(nmc_prefill(ss, 0, t.data(), L, 1, all.data()), impl ? impl : "prefill (default attention)");
    nmc_session_destroy(ss);
    set_prefill_attention(nullptr);
    return all;
}

static void prefill_attention_tests(const Shape &s, const std::string &label, int L, int split, int max_seq) {
    const int V = s.vocab;
    nmc_model *m = random_model(s, NMC_BF16, 42);
    std::vector<int32_t> t = tokens(L, V, 11);
    char buf[128];
    // 1. one piece: flash against wmma and fp32
    Vec flash = prefill_logits(m, V, t, L, L, max_seq, "flash");
    Vec wmma = prefill_logits(m, V, t, L, L, max_seq, "wmma");
    Vec f32 = prefill_logits(m, V, t, L, L, max_seq, "fp32");
    expect_close(flash, wmma, 2e-2, label + " prefill logits, flash attention against the WMMA kernel");
    expect_close(flash, f32, 2e-2, label + " prefill logits, flash attention against the fp32 kernel");
    // 2. chunked prefill: pieces of 64, each attending to the cached prefix and itself
    Vec chunked = prefill_logits(m, V, t, L, 64, max_seq, nullptr);
    expect_close(chunked, flash, 2e-2, label + " chunked prefill (flash, pieces of 64 after a prefix) against one piece");
    // 3. prefill `split` (flash), then decode the rest one token at a time
    nmc_session *ss = nullptr;
    ok_or_die(nmc_session_create(m, 1, max_seq, L, &ss), "session decode");
    ok_or_die(nmc_prefill(ss, 0, t.data(), split, 0, nullptr), "prefill split");
    Vec step(V);
    double worst = 0;
    for (int i = split; i < L; i++) {
        int32_t slot = 0;
        ok_or_die(nmc_decode(ss, 1, &slot, &t[i], step.data()), "decode");
        worst = std::max(worst, max_rel_err(step, rows_of(flash, i, 1, V)));
    }
    snprintf(buf, sizeof buf, " (max err %.2e)", worst);
    check(worst < 2e-2, label + " decode token by token close to the flash prefill" + buf);
    // 4. an unknown switch value is refused
    ok_or_die(nmc_slot_reset(ss, 0), "reset");
    set_prefill_attention("fast");
    expect_error(nmc_prefill(ss, 0, t.data(), 8, 0, nullptr), "NMC_PREFILL_ATTENTION must be",
                 label + " unknown NMC_PREFILL_ATTENTION rejected");
    set_prefill_attention(nullptr);
    nmc_session_destroy(ss);
    nmc_model_destroy(m);
}
