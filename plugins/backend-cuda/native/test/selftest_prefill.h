// Prefill attention self-tests (included by selftest.cpp after its model helpers): the
// FlashAttention-2 tensor-core prefill (kernels/attention_flash.cu, NMC_PREFILL_ATTENTION=flash)
// against the previous WMMA kernel (wmma) and the plain fp32 one (fp32), and the register-resident
// one (kernels/attention_mma.cu, mma, the default since 2026-12-07) against fp32, all on the same BF16
// model: whole-prompt logits of one-piece prefills, chunked prefill (pieces of 64 after a cached
// prefix) against one piece, and token-by-token decode against the flash prefill. The bound is
// BF16's (2e-2 of the largest logit, as decode against prefill in model_tests); an unknown
// NMC_PREFILL_ATTENTION value is an error. prefill_attention_kernel_tests: the kernel alone
// (nmc_k_prefill_attention, one slot of a paged BF16 cache) mma against the fp32 kernel on the same
// cache at several shapes up to the Nano-9B-v2 one (rows 8192, heads 40:8, hd 128), the switch
// (=mma and unset) routing to it, and an INFO line timing mma against flash (the previous default)
// at the 9B shape.
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
    Vec mma = prefill_logits(m, V, t, L, L, max_seq, "mma");
    expect_close(mma, f32, 2e-2, label + " prefill logits, mma attention against the fp32 kernel");
    // 2. chunked prefill: pieces of 64, each attending to the cached prefix and itself
    Vec chunked = prefill_logits(m, V, t, L, 64, max_seq, "flash");
    expect_close(chunked, flash, 2e-2, label + " chunked prefill (flash, pieces of 64 after a prefix) against one piece");
    Vec chunked_mma = prefill_logits(m, V, t, L, 64, max_seq, "mma");
    expect_close(chunked_mma, f32, 2e-2, label + " chunked prefill (mma, pieces of 64 after a prefix) against one fp32 piece");
    Vec unset = prefill_logits(m, V, t, L, L, max_seq, nullptr);
    check(unset == mma, label + " prefill logits, NMC_PREFILL_ATTENTION unset == mma (bit for bit)");
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

// nmc_k_prefill_attention as floats (BF16 outputs widened); false (with a FAIL line) when the call fails
static bool prefill_attention_run(int impl, int rows, int len0, int qH, int kvH, int hd, const Vec &q, const Vec &k,
                                  const Vec &v, int out_dtype, Vec &out, int reps, float *ms, const std::string &what) {
    const size_t n = (size_t)rows * qH * hd;
    std::vector<uint16_t> bits(out_dtype == NMC_BF16 ? n : 0);
    out.assign(n, 0.0f);
    void *dst = out_dtype == NMC_BF16 ? (void *)bits.data() : (void *)out.data();
    if (nmc_k_prefill_attention(impl, rows, len0, qH, kvH, hd, 1.0f / std::sqrt((float)hd), q.data(), k.data(), v.data(),
                                out_dtype, dst, reps, ms) != NMC_OK) {
        check(false, what + ": " + nmc_last_error());
        return false;
    }
    for (size_t i = 0; i < bits.size(); i++) {
        const uint32_t u = (uint32_t)bits[i] << 16;
        memcpy(&out[i], &u, 4);
    }
    return true;
}

static void prefill_attention_kernel_tests() {
    struct Case { int len0, rows, qH, kvH, hd, dt; };
    for (Case c : {Case{0, 1, 5, 1, 64, NMC_F32}, Case{37, 300, 10, 2, 128, NMC_BF16}, Case{1000, 77, 4, 1, 128, NMC_F32},
                   Case{130, 513, 8, 8, 64, NMC_BF16}, Case{4000, 200, 40, 8, 128, NMC_BF16}, Case{0, 8192, 40, 8, 128, NMC_BF16}}) {
        const int keys = c.len0 + c.rows;
        const Vec q = randn((size_t)c.rows * c.qH * c.hd, 71 + c.rows), k = randn((size_t)keys * c.kvH * c.hd, 72 + keys),
                  v = randn((size_t)keys * c.kvH * c.hd, 73 + keys);
        char name[160];
        snprintf(name, sizeof name, "prefill attention kernel prefix %d rows %d heads %d:%d hd %d out %s", c.len0, c.rows,
                 c.qH, c.kvH, c.hd, c.dt == NMC_F32 ? "f32" : "bf16");
        Vec want, got, routed;
        if (!prefill_attention_run(0, c.rows, c.len0, c.qH, c.kvH, c.hd, q, k, v, c.dt, want, 0, nullptr, name)) continue;
        if (!prefill_attention_run(3, c.rows, c.len0, c.qH, c.kvH, c.hd, q, k, v, c.dt, got, 0, nullptr, name)) continue;
        expect_close(got, want, 2e-2, std::string(name) + ", mma against the fp32 kernel (same BF16 cache)");
        set_switch("NMC_PREFILL_ATTENTION", "mma");
        const bool ran = prefill_attention_run(-1, c.rows, c.len0, c.qH, c.kvH, c.hd, q, k, v, c.dt, routed, 0, nullptr, name);
        set_switch("NMC_PREFILL_ATTENTION", nullptr);
        if (ran) check(routed == got, std::string(name) + ", NMC_PREFILL_ATTENTION=mma runs the mma kernel (identical output)");
        const bool ran_unset = prefill_attention_run(-1, c.rows, c.len0, c.qH, c.kvH, c.hd, q, k, v, c.dt, routed, 0, nullptr, name);
        if (ran_unset) check(routed == got, std::string(name) + ", NMC_PREFILL_ATTENTION unset == mma (bit for bit)");
    }
    // the Nano-9B-v2 attention layer: rows 8192, heads 40:8, hd 128 (BF16 out, as a BF16 model's prefill)
    const int L = 8192, qH = 40, kvH = 8, hd = 128;
    const Vec q = randn((size_t)L * qH * hd, 81), k = randn((size_t)L * kvH * hd, 82), v = randn((size_t)L * kvH * hd, 83);
    Vec out;
    float ms_mma = 0, ms_flash = 0;
    if (!prefill_attention_run(3, L, 0, qH, kvH, hd, q, k, v, NMC_BF16, out, 5, &ms_mma, "9B attention timing (mma)")) return;
    if (!prefill_attention_run(2, L, 0, qH, kvH, hd, q, k, v, NMC_BF16, out, 5, &ms_flash, "9B attention timing (flash)")) return;
    const double gflop = 4.0 * hd * qH * ((double)L * (L + 1) / 2) / 1e9;  // QK^T and PV over the causal triangle
    printf("INFO prefill attention rows %d heads %d:%d hd %d (9B layer, %.0f GFLOP causal) ms: mma %.3f (%.0f TFLOP/s), "
           "flash (the previous default) %.3f (%.0f TFLOP/s); mma %.2fx\n", L, qH, kvH, hd, gflop, ms_mma, gflop / ms_mma, ms_flash,
           gflop / ms_flash, ms_flash / ms_mma);
    fflush(stdout);
}
