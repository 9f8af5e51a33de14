// Part of nmc_selftest (selftest.cpp includes it after selftest_decode_fuse.h). NMC_DECODE_PDL=1, the
// decode step's small kernels with programmatic dependent launch (src/kernels/pdl.cuh): the same
// kernels and arithmetic, only their start overlaps the kernel before, so the logits must equal the
// plain launches' bit for bit:
//   `... NMC_DECODE_PDL=1 == unset, R-row decode`  R = 1 (5 tokens), 2 and 3 rows (gemv_fp8's
//        several-row kernel), graphs on (the default) and off, BF16 and FP8 (per channel, blocks),
//        also with NMC_DECODE_FUSE=1 (the GEMVs with the norm inside)
//   `... unknown NMC_DECODE_PDL refused`
#pragma once

// the logits of 5 one-row steps, then one 2-row and one 3-row step, under the switches given
static Vec decode_pdl_run(nmc_model *m, const Shape &s, const std::vector<int32_t> &t, int prompt, const char *pdl,
                          const char *fuse, bool graphs) {
    const int V = s.vocab, steps = 5;
    set_switch("NMC_DECODE_PDL", pdl);
    set_switch("NMC_DECODE_FUSE", fuse);
    nmc_session *ss = nullptr;
    ok_or_die(nmc_session_create(m, 3, prompt + steps + 4, prompt, &ss), "session decode pdl");
    ok_or_die(nmc_session_use_graphs(ss, graphs ? 1 : 0), "graphs");
    for (int slot = 0; slot < 3; slot++) {
        ok_or_die(nmc_slot_reset(ss, slot), "reset");
        ok_or_die(nmc_prefill(ss, slot, t.data(), prompt - slot, 0, nullptr), "prefill prompt");
    }
    Vec all, logits((size_t)3 * V);
    for (int i = 0; i < steps; i++) {
        int32_t slot = 0, tok = t[prompt + i];
        ok_or_die(nmc_decode(ss, 1, &slot, &tok, logits.data()), "decode 1 row");
        all.insert(all.end(), logits.begin(), logits.begin() + V);
    }
    for (int rows = 2; rows <= 3; rows++) {
        int32_t slots[3] = {1, 2, 0}, toks[3] = {t[prompt], t[prompt + 1], t[prompt + 2]};
        ok_or_die(nmc_decode(ss, rows, slots, toks, logits.data()), "decode rows");
        all.insert(all.end(), logits.begin(), logits.begin() + (size_t)rows * V);
    }
    nmc_session_destroy(ss);
    set_switch("NMC_DECODE_PDL", nullptr);
    set_switch("NMC_DECODE_FUSE", nullptr);
    return all;
}

// block -1: BF16 weights; 0, 128: FP8 per channel, 128 x 128 blocks
static void decode_pdl_tests(const Shape &s, const std::string &label, int prompt, int block) {
    const std::vector<int32_t> t = tokens(prompt + 8, s.vocab, 47);
    nmc_model *m = random_model(s, NMC_BF16, 15);
    if (block >= 0) ok_or_die(nmc_model_quantize_fp8(m, block), "quantize");
    const std::string name = label + (block < 0 ? " bf16" : block ? " fp8 block " + std::to_string(block) : " fp8 per-channel");
    for (const char *fuse : {(const char *)nullptr, "1"}) {
        for (bool graphs : {true, false}) {
            const Vec plain = decode_pdl_run(m, s, t, prompt, nullptr, fuse, graphs);
            const Vec pdl = decode_pdl_run(m, s, t, prompt, "1", fuse, graphs);
            double worst = 0;
            for (size_t i = 0; i < plain.size() && i < pdl.size(); i++) worst = std::max(worst, (double)std::fabs(pdl[i] - plain[i]));
            char buf[300];
            snprintf(buf, sizeof buf, "%s: NMC_DECODE_PDL=1 == unset, 1-row (5 tokens), 2- and 3-row decode, graphs %s%s "
                     "(largest difference %.3g, want 0)", name.c_str(), graphs ? "on" : "off",
                     fuse ? ", NMC_DECODE_FUSE=1" : "", worst);
            check(!plain.empty() && pdl == plain, buf);
        }
    }
    {  // an unknown value is refused at the decode
        set_switch("NMC_DECODE_PDL", "yes");
        nmc_session *ss = nullptr;
        ok_or_die(nmc_session_create(m, 1, prompt + 4, prompt, &ss), "session decode pdl");
        ok_or_die(nmc_prefill(ss, 0, t.data(), prompt, 0, nullptr), "prefill prompt");
        int32_t slot = 0, tok = t[prompt];
        Vec logits(s.vocab);
        expect_error(nmc_decode(ss, 1, &slot, &tok, logits.data()), "NMC_DECODE_PDL", name + ": unknown NMC_DECODE_PDL refused");
        nmc_session_destroy(ss);
        set_switch("NMC_DECODE_PDL", nullptr);
    }
    nmc_model_destroy(m);
}
