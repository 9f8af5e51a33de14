// FP8 lm_head self-tests (included by selftest.cpp after selftest_gemv_fp8.h; opt-in head:
// nmc_model_quantize_lm_head_fp8, NMC_FP8_LM_HEAD=1). Models: one random BF16 model per case with
// FP8 linears (per channel or 128 x 128 blocks), the head BF16 (A), FP8 (B) or, untied, BF16 holding
// the dequantised FP8 head (C: Q * scale rounded to BF16, from nmc_k_quantize_fp8 on the host):
//   accuracy  B against A over every prefill position: worst |logit_B - logit_A| relative to that
//             position's logit range, and top-1 agreement (printed; bounds 5e-2 and 3/4 for random
//             weights, where E4M3's 2^-4 rounding should give ~1e-2 and most positions agree)
//   exactness B against C (the same head values, FP8 GEMV vs BF16 GEMV: within 1e-2 of the largest
//             logit); B's weight bytes against A's (untied: vocab x hidden - scales less; tied: that
//             much more, the FP8 copy next to the BF16 embedding)
//   paths     prefill's logits 80 rows at a time (pieces of 64 and 16 rows, checked by exactness);
//             decode of R = 1, 2, 5, 8, 16, 40, 64, 70 rows of different lengths (gemv_fp8, the
//             tensor-core GEMV or skinny GEMM, 70: a piece of 64 and one of 6) against B's prefill
//             rows within 2e-2; prefill of the last row only against all rows; greedy nmc_decode_sample equal to the argmax of decode's
//             logits; hidden 80 (no multiple of 64): past 8 rows the 8-row CUDA-core GEMV pieces
//   switch    NMC_FP8_LM_HEAD=1: nmc_model_quantize_fp8 quantises the head too (B's logits bit for
//             bit), and finalize of an FP8 checkpoint with it; =0 and unset: BF16 head; another value:
//             one error, the model unchanged; the call's errors
//   timing    INFO line: the 1-row decode step of a head-only model of Nano-9B-v2's head (131072 x 4480,
//             one 64-wide MLP layer) with the BF16 head and the FP8 head (gemv_fp8)
#pragma once

#include <chrono>

// A random BF16 model (seed 5), the head set from `head` (BF16 bits [vocab, d]) unless empty, or
// from `head_f32` when given, the linears quantised with `block`, then the head when fp8_head.
static nmc_model *head_model(const Shape &s, int block, bool tied, const std::vector<uint16_t> &head, bool fp8_head,
                             const Vec *head_f32 = nullptr) {
    nmc_model *m = random_model(s, NMC_BF16, 5, tied);
    const int64_t shape[2] = {s.vocab, s.d};
    if (head_f32 != nullptr) {
        ok_or_die(nmc_model_set_tensor(m, "lm_head.weight", NMC_F32, 2, shape, head_f32->data()), "set head f32");
    } else if (!head.empty()) {
        ok_or_die(nmc_model_set_tensor(m, "lm_head.weight", NMC_BF16, 2, shape, head.data()), "set head");
    }
    ok_or_die(nmc_model_quantize_fp8(m, block), "quantize");
    if (fp8_head) ok_or_die(nmc_model_quantize_lm_head_fp8(m, block), "quantize lm_head");
    return m;
}

// Every position's logits of one prefill of t: a session of 80 slots and pieces of 128 tokens, so
// the logits come in 80 rows at a time (an FP8 head: pieces of 64 and 16 rows, every row different).
static Vec head_prefill(nmc_model *m, const std::vector<int32_t> &t, int vocab, int max_seq) {
    nmc_session *ss = nullptr;
    ok_or_die(nmc_session_create(m, 80, max_seq, 128, &ss), "session");
    Vec all(t.size() * (size_t)vocab);
    ok_or_die(nmc_prefill(ss, 0, t.data(), (int)t.size(), 1, all.data()), "prefill");
    nmc_session_destroy(ss);
    return all;
}

// The accuracy trade of got against want (rows of vocab): the worst max |got - want| of a row over
// that row's range max - min of want, and how many rows have the same argmax.
static double head_trade(const Vec &got, const Vec &want, int rows, int vocab, int *agree) {
    double worst = 0;
    *agree = 0;
    for (int r = 0; r < rows; r++) {
        const float *g = got.data() + (size_t)r * vocab, *w = want.data() + (size_t)r * vocab;
        double lo = w[0], hi = w[0], e = 0;
        for (int i = 0; i < vocab; i++) {
            lo = std::min(lo, (double)w[i]);
            hi = std::max(hi, (double)w[i]);
            e = std::max(e, std::fabs((double)g[i] - w[i]));
        }
        worst = std::max(worst, e / std::max(hi - lo, 1e-30));
        *agree += argmax(g, vocab) == argmax(w, vocab);
    }
    return worst;
}

// Random BF16 head bits [vocab, d], U(-a, a), a = 1/sqrt(d) (the random init's linear range), and
// its FP8 dequantisation Q * scale (fp32; set_tensor rounds it to BF16) as the kernel quantises it.
static void head_weights(const Shape &s, int block, std::vector<uint16_t> &w, Vec &dequant) {
    std::mt19937 g(77);
    const float a = 1.0f / std::sqrt((float)s.d);
    std::uniform_real_distribution<float> u(-a, a);
    w.resize((size_t)s.vocab * s.d);
    for (uint16_t &x : w) x = to_bf16(u(g));
    std::vector<uint8_t> q(w.size());
    const int scols = block > 0 ? (s.d + block - 1) / block : 1;
    Vec scale(block > 0 ? (size_t)((s.vocab + block - 1) / block) * scols : (size_t)s.vocab);
    ok_or_die(nmc_k_quantize_fp8(w.data(), s.vocab, s.d, block, q.data(), scale.data()), "nmc_k_quantize_fp8 head");
    dequant.resize(w.size());
    for (int o = 0; o < s.vocab; o++)
        for (int i = 0; i < s.d; i++) {
            const float sc = block > 0 ? scale[(size_t)(o / block) * scols + i / block] : scale[o];
            dequant[(size_t)o * s.d + i] = (float)e4m3_value(q[(size_t)o * s.d + i]) * sc;
        }
}

// Decode of R rows on the FP8-head model m: row j (slot 79 - j) after the prompt t[0, n - j) decodes
// t[n - j], so the rows differ and row j must equal `all`'s row n - j (m's prefill of t, every
// position); then the same rows sampled greedily on the device against the argmax of those logits.
static void head_decode_paths(nmc_model *m, const std::vector<int32_t> &t, int n, const Vec &all, int vocab, int max_seq,
                              const std::string &name) {
    nmc_session *ss = nullptr;
    ok_or_die(nmc_session_create(m, 80, max_seq, 64, &ss), "session 80 slots");
    char buf[200];
    for (int R : {1, 2, 5, 8, 16, 40, 64, 70}) {
        std::vector<int32_t> slots(R), next(R), sampled(R);
        Vec got((size_t)R * vocab);
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < R; j++) {
                slots[j] = 79 - j;
                next[j] = t[n - j];
                ok_or_die(nmc_slot_reset(ss, slots[j]), "reset");
                ok_or_die(nmc_prefill(ss, slots[j], t.data(), n - j, 0, nullptr), "prefill prompt");
            }
            if (pass == 0) {
                ok_or_die(nmc_decode(ss, R, slots.data(), next.data(), got.data()), "decode");
            } else {
                std::vector<nmc_sampling> greedy(R, nmc_sampling{0.0f, 1.0f, 1});
                ok_or_die(nmc_decode_sample(ss, R, slots.data(), next.data(), greedy.data(), sampled.data()), "decode sample");
            }
        }
        double worst = 0;
        int same = 0;
        for (int j = 0; j < R; j++) {
            worst = std::max(worst, max_rel_err(rows_of(got, j, 1, vocab), rows_of(all, n - j, 1, vocab)));
            same += sampled[j] == argmax(got.data() + (size_t)j * vocab, vocab);
        }
        snprintf(buf, sizeof buf, ": %d-row decode close to prefill (max err %.2e)", R, worst);
        check(worst < 2e-2, name + buf);
        snprintf(buf, sizeof buf, ": %d-row greedy decode_sample == argmax of the decode logits (%d/%d)", R, same, R);
        check(same == R, name + buf);
    }
    nmc_session_destroy(ss);
}

static void lm_head_fp8_tests(const Shape &s, const std::string &label, int block, bool tied) {
    const int V = s.vocab, L = 150, max_seq = 200;
    const std::vector<int32_t> t = tokens(L, V, 31);
    const std::string name = "lm_head fp8 " + label + (block ? " block " + std::to_string(block) : " per-channel") +
                             (tied ? " tied" : " untied");
    std::vector<uint16_t> head;
    Vec dequant;
    if (!tied) head_weights(s, block, head, dequant);
    nmc_model *a = head_model(s, block, tied, head, false), *b = head_model(s, block, tied, head, true);
    // 1. bytes: the head's BF16 copy freed (untied) or kept next to the FP8 one (tied)
    const int64_t n = (int64_t)V * s.d, scales = block > 0 ? (int64_t)((V + block - 1) / block) * ((s.d + block - 1) / block) : V;
    const int64_t diff = nmc_model_weight_bytes(b) - nmc_model_weight_bytes(a);
    char buf[240];
    snprintf(buf, sizeof buf, ": weight bytes %+lld against the BF16 head (want %+lld)", (long long)diff,
             (long long)(tied ? n + 4 * scales : 4 * scales - n));
    check(diff == (tied ? n + 4 * scales : 4 * scales - n), name + buf);
    // 2. the accuracy trade: B against A over every prefill position
    const Vec want = head_prefill(a, t, V, max_seq), got = head_prefill(b, t, V, max_seq);
    int agree = 0;
    const double err = head_trade(got, want, L, V, &agree);
    snprintf(buf, sizeof buf, ": prefill logits against the BF16 head: max err %.2e of the logit range, top-1 agreement %d/%d",
             err, agree, L);
    check(err < 5e-2 && agree >= 3 * L / 4, name + buf);
    // 3. exactness: the same head values through BF16 (C)
    if (!tied) {
        nmc_model *c = head_model(s, block, false, head, false, &dequant);
        expect_close(got, head_prefill(c, t, V, max_seq), 1e-2, name + ": prefill logits equal to a BF16 head of Q * scale");
        nmc_model_destroy(c);
    }
    // 4. prefill of the last row only, and decode of 1 to 70 rows, against B's prefill
    {
        nmc_session *ss = nullptr;
        ok_or_die(nmc_session_create(b, 1, max_seq, 64, &ss), "session last row");
        Vec last(V);
        ok_or_die(nmc_prefill(ss, 0, t.data(), L, 0, last.data()), "prefill last row");
        expect_close(last, rows_of(got, L - 1, 1, V), 1e-2, name + ": prefill's last row (1-row GEMV) against all rows");
        nmc_session_destroy(ss);
    }
    head_decode_paths(b, t, L - 1, got, V, max_seq, name);
    // 5. the call again: the same block does nothing, another is refused
    check(nmc_model_quantize_lm_head_fp8(b, block) == NMC_OK, name + ": a second call with the same block does nothing");
    expect_error(nmc_model_quantize_lm_head_fp8(b, block ? 0 : 128), "FP8 already", name + ": another block refused");
    // 6. NMC_FP8_LM_HEAD: =1 quantises the head with the linears (B's logits bit for bit); =0: BF16
    set_switch("NMC_FP8_LM_HEAD", "1");
    nmc_model *d = head_model(s, block, tied, head, false);
    set_switch("NMC_FP8_LM_HEAD", "0");
    nmc_model *z = head_model(s, block, tied, head, false);
    set_switch("NMC_FP8_LM_HEAD", nullptr);
    check(nmc_model_weight_bytes(d) == nmc_model_weight_bytes(b), name + ": NMC_FP8_LM_HEAD=1: the FP8 head's bytes");
    check(head_prefill(d, t, V, max_seq) == got, name + ": NMC_FP8_LM_HEAD=1: the FP8 head's logits (bit for bit)");
    check(nmc_model_weight_bytes(z) == nmc_model_weight_bytes(a), name + ": NMC_FP8_LM_HEAD=0: the BF16 head");
    nmc_model_destroy(d);
    nmc_model_destroy(z);
    nmc_model_destroy(a);
    nmc_model_destroy(b);
}

// The switch's and the call's errors; an FP8 checkpoint's head quantised at finalize.
static void lm_head_fp8_error_tests(const Shape &s) {
    nmc_model *m = random_model(s, NMC_BF16, 5);
    expect_error(nmc_model_quantize_lm_head_fp8(m, -1), "block -1", "lm_head fp8: block -1 needs FP8 linears");
    const int64_t bytes = nmc_model_weight_bytes(m);
    set_switch("NMC_FP8_LM_HEAD", "yes");
    expect_error(nmc_model_quantize_fp8(m, 0), "NMC_FP8_LM_HEAD must be 0 or 1", "lm_head fp8: unknown NMC_FP8_LM_HEAD refused");
    set_switch("NMC_FP8_LM_HEAD", nullptr);
    check(nmc_model_weight_bytes(m) == bytes, "lm_head fp8: the refused switch changed nothing");
    ok_or_die(nmc_model_quantize_fp8(m, 0), "quantize after the refused switch");
    expect_error(nmc_model_quantize_lm_head_fp8(m, 100), "multiple of 16", "lm_head fp8: block checked");
    nmc_model_destroy(m);
    nmc_model *f32 = random_model(s, NMC_F32, 5);
    expect_error(nmc_model_quantize_lm_head_fp8(f32, 0), "NMC_BF16", "lm_head fp8: needs BF16 compute");
    nmc_model_destroy(f32);
    Shape odd = s;
    odd.d = 72;
    nmc_model *o = random_model(odd, NMC_BF16, 5);
    expect_error(nmc_model_quantize_lm_head_fp8(o, 0), "multiple of 16", "lm_head fp8: hidden 72 refused");
    nmc_model_destroy(o);
    // the head alone (BF16 linears), tied: the table and random init are closed to changes
    nmc_model *h = random_model(s, NMC_BF16, 5, 1);
    ok_or_die(nmc_model_quantize_lm_head_fp8(h, 0), "quantize tied head alone");
    const int64_t shape[2] = {s.vocab, s.d};
    std::vector<float> e((size_t)s.vocab * s.d, 0.5f);
    expect_error(nmc_model_set_tensor(h, "backbone.embeddings.weight", NMC_F32, 2, shape, e.data()), "FP8 copy",
                 "lm_head fp8: a tied table cannot change under its FP8 copy");
    expect_error(nmc_model_init_random(h, 3), "FP8 already", "lm_head fp8: init_random refused after the head");
    nmc_model_destroy(h);
    // an FP8 checkpoint (one linear set as FP8 codes) finalized with NMC_FP8_LM_HEAD=1: head quantised
    for (const char *v : {(const char *)"1", (const char *)nullptr}) {
        nmc_model *c = random_model(s, NMC_BF16, 5, 0, false);
        const int out = s.d, in = s.mlp;  // layer 2's MLP down_proj [d, mlp] of the "M*-..." pattern
        std::vector<uint16_t> w((size_t)out * in, to_bf16(0.01f));
        std::vector<uint8_t> q(w.size());
        Vec scale(out);
        ok_or_die(nmc_k_quantize_fp8(w.data(), out, in, 0, q.data(), scale.data()), "quantize host");
        ok_or_die(nmc_model_set_fp8_tensor(c, "backbone.layers.2.mixer.down_proj.weight", out, in, q.data(), 0, out, 1, scale.data()),
                  "set fp8 tensor");
        const int64_t before = nmc_model_weight_bytes(c);
        set_switch("NMC_FP8_LM_HEAD", v);
        ok_or_die(nmc_model_finalize(c), "finalize fp8 checkpoint");
        set_switch("NMC_FP8_LM_HEAD", nullptr);
        const int64_t want = v ? before - (int64_t)s.vocab * s.d + 4 * s.vocab : before;
        check(nmc_model_weight_bytes(c) == want, std::string("lm_head fp8: an FP8 checkpoint's finalize, NMC_FP8_LM_HEAD ") +
                                                     (v ? "=1 quantises the head" : "unset keeps it BF16"));
        nmc_model_destroy(c);
    }
}

// 1-row decode steps per second of a head-only model of Nano-9B-v2's head shape: BF16 head, FP8
// head (per channel and 128 x 128 blocks; gemv_fp8). Not asserted.
static double head_step_ms(nmc_model *m, int steps) {
    nmc_session *ss = nullptr;
    ok_or_die(nmc_session_create(m, 1, steps + 16, 8, &ss), "session timing");
    const std::vector<int32_t> t = tokens(4, 131072, 5);
    ok_or_die(nmc_prefill(ss, 0, t.data(), 4, 0, nullptr), "prefill timing");
    int32_t slot = 0, tok = t[3];
    for (int i = 0; i < 5; i++) ok_or_die(nmc_decode(ss, 1, &slot, &tok, nullptr), "decode warm-up");
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; i++) ok_or_die(nmc_decode(ss, 1, &slot, &tok, nullptr), "decode timing");
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / steps;
    nmc_session_destroy(ss);
    return ms;
}

static void lm_head_fp8_timing() {
    const Shape s{131072, 4480, 64, 1, 1, 16, 1, 16, 1, 16, 8, "-"};
    for (int block : {0, 128}) {
        nmc_model *m = random_model(s, NMC_BF16, 5);
        ok_or_die(nmc_model_quantize_fp8(m, block), "quantize timing");
        const double bf16 = head_step_ms(m, 200);
        ok_or_die(nmc_model_quantize_lm_head_fp8(m, block), "quantize head timing");
        const double fp8 = head_step_ms(m, 200);
        printf("INFO lm_head 131072 x 4480 (Nano-9B-v2 head, %s) 1-row decode step of a head-only model ms: BF16 head %.3f, "
               "FP8 head %.3f (%.2fx); head bytes %.0f MB -> %.0f MB\n",
               block ? "block 128" : "per channel", bf16, fp8, bf16 / fp8, 131072.0 * 4480 * 2 / 1e6, 131072.0 * 4480 / 1e6);
        fflush(stdout);
        nmc_model_destroy(m);
    }
}
