// FP8 decode GEMV self-tests (included by selftest.cpp after its model helpers): the kernel with x in
// registers (kernels/gemv_fp8_xreg.cu, NMC_GEMV_FP8=xreg, opt-in) against the warp-per-row kernel
// (fp8.cu gemv_fp8, the default) and a double reference, through nmc_k_gemv_fp8:
//   kernel   random E4M3 codes (no NaN), per-channel and 128x128 block scales, beta 0 and 1: the
//            Nano-9B-v2 decode matrices at 1 row (in_proj 4480 -> 22656, mlp.up 4480 -> 15680,
//            out_proj 10240 -> 4480, mlp.down 15680 -> 4480) and ragged shapes at 1 and 2 rows; xreg
//            and gemv_fp8 within 1e-5 of max |ref| of the reference and of each other (the same exact
//            products, another fp32 summation order; two cases of subnormal codes only: xreg's bit
//            conversion relies on mul.rn.bf16x2 keeping subnormals); NMC_GEMV_FP8 unset runs gemv_fp8 and =xreg the
//            new kernel (identical outputs), an unknown value is refused
//   timing   INFO line per 9B matrix, 1 row, per-channel and 128x128 blocks: microseconds and GB/s
//            (Q + scales + x bytes / time) of gemv_fp8 and xreg, Q cycled over copies (>= 256 MB) so
//            every repeat streams from HBM (not asserted)
//   model    nano-like heads FP8 models (per-channel, 128x128): token-by-token decode (1 row) and a
//            2-row decode with NMC_GEMV_FP8=xreg against unset within 1e-2 of the largest logit (fp32
//            order differs, then BF16 rounding of the next layer's input, as the skinny tests)
#pragma once

// q [out, in] random non-NaN E4M3 codes (subnormal: only the codes of exponent 0, zeros and
// subnormals), scales in [0.01, 0.03)
static void random_fp8(int out, int in, int block, uint32_t seed, std::vector<uint8_t> &q, Vec &scale, bool subnormal = false) {
    std::mt19937 g(seed);
    q.resize((size_t)out * in);
    for (uint8_t &c : q) {
        do c = (uint8_t)(g() & (subnormal ? 0x87 : 255)); while ((c & 0x7f) == 0x7f);
    }
    scale.resize(block > 0 ? (size_t)((out + block - 1) / block) * ((in + block - 1) / block) : (size_t)out);
    for (float &s : scale) s = 0.01f * (1.0f + (float)(g() % 100) / 50.0f);
}

static double e4m3_value(uint8_t c) {
    const int e = (c >> 3) & 15, m = c & 7;
    const double v = e == 0 ? std::ldexp(m / 8.0, -6) : std::ldexp(1.0 + m / 8.0, e - 7);
    return c & 0x80 ? -v : v;
}

// y = x (q * scale)^T + beta y0 in double, x rounded to BF16 as the kernels read it
static Vec gemv_fp8_reference(int rows, int in, int out, int block, const std::vector<uint8_t> &q, const Vec &scale, const Vec &x,
                              float beta, const Vec &y0) {
    const int scols = block > 0 ? (in + block - 1) / block : 0;
    std::vector<double> wv(256);
    for (int c = 0; c < 256; c++) wv[c] = e4m3_value((uint8_t)c);
    Vec xb(x.size()), y((size_t)rows * out);
    for (size_t i = 0; i < x.size(); i++) xb[i] = bf16_round(x[i]);
    for (int r = 0; r < rows; r++)
        for (int o = 0; o < out; o++) {
            const uint8_t *qr = q.data() + (size_t)o * in;
            const float *xr = xb.data() + (size_t)r * in;
            double s = 0;
            if (block > 0) {
                for (int k = 0; k < in; k++) s += (double)xr[k] * wv[qr[k]] * scale[(size_t)(o / block) * scols + k / block];
            } else {
                for (int k = 0; k < in; k++) s += (double)xr[k] * wv[qr[k]];
                s *= scale[o];
            }
            y[(size_t)r * out + o] = (float)(s + (double)beta * y0[(size_t)r * out + o]);
        }
    return y;
}

static bool gemv_fp8_run(int impl, int rows, int in, int out, int block, const std::vector<uint8_t> &q, const Vec &scale,
                         const Vec &x, float beta, const Vec &y0, Vec &y, int reps, float *ms, const std::string &what) {
    y = y0;
    if (nmc_k_gemv_fp8(impl, rows, in, out, block, q.data(), scale.data(), x.data(), beta, y.data(), reps, ms) != NMC_OK) {
        check(false, what + ": " + nmc_last_error());
        return false;
    }
    return true;
}

static void gemv_fp8_kernel_tests() {
    struct Case { int rows, in, out, block; float beta; const char *label; bool subnormal = false; };
    char name[200];
    for (Case c : {Case{1, 4480, 22656, 0, 0.0f, "9B in_proj"}, Case{1, 4480, 15680, 128, 1.0f, "9B mlp.up"},
                   Case{1, 10240, 4480, 0, 1.0f, "9B out_proj"}, Case{1, 15680, 4480, 128, 0.0f, "9B mlp.down"},
                   Case{1, 15680, 4480, 0, 0.0f, "9B mlp.down"}, Case{1, 592, 37, 0, 0.0f, "ragged"},
                   Case{2, 1040, 1001, 128, 1.0f, "ragged"}, Case{2, 6000, 100, 0, 1.0f, "ragged"},
                   Case{1, 6000, 77, 128, 0.0f, "ragged"}, Case{2, 208, 131, 0, 0.0f, "ragged"},
                   Case{1, 4480, 300, 0, 0.0f, "subnormal codes only", true}, Case{2, 1040, 64, 128, 0.0f, "subnormal codes only", true}}) {
        snprintf(name, sizeof name, "gemv fp8 %s rows %d in %d out %d %s beta %g", c.label, c.rows, c.in, c.out,
                 c.block ? "128x128 blocks" : "per-channel", c.beta);
        std::vector<uint8_t> q;
        Vec scale;
        random_fp8(c.out, c.in, c.block, 91 + c.in + c.out, q, scale, c.subnormal);
        const Vec x = randn((size_t)c.rows * c.in, 92 + c.in), y0 = randn((size_t)c.rows * c.out, 93 + c.out);
        const Vec want = gemv_fp8_reference(c.rows, c.in, c.out, c.block, q, scale, x, c.beta, y0);
        Vec old, xreg, routed;
        if (!gemv_fp8_run(0, c.rows, c.in, c.out, c.block, q, scale, x, c.beta, y0, old, 0, nullptr, name)) continue;
        if (!gemv_fp8_run(1, c.rows, c.in, c.out, c.block, q, scale, x, c.beta, y0, xreg, 0, nullptr, name)) continue;
        expect_close(xreg, want, 1e-5, std::string(name) + ", xreg (x in registers) against the double reference");
        expect_close(old, want, 1e-5, std::string(name) + ", gemv_fp8 against the double reference");
        expect_close(xreg, old, 1e-5, std::string(name) + ", xreg against gemv_fp8");
        set_switch("NMC_GEMV_FP8", "xreg");
        if (gemv_fp8_run(-1, c.rows, c.in, c.out, c.block, q, scale, x, c.beta, y0, routed, 0, nullptr, name))
            check(routed == xreg, std::string(name) + ", NMC_GEMV_FP8=xreg runs the xreg kernel (identical output)");
        set_switch("NMC_GEMV_FP8", nullptr);
        if (gemv_fp8_run(-1, c.rows, c.in, c.out, c.block, q, scale, x, c.beta, y0, routed, 0, nullptr, name))
            check(routed == old, std::string(name) + ", NMC_GEMV_FP8 unset runs gemv_fp8 (identical output)");
    }
    {  // an unknown NMC_GEMV_FP8 is refused
        std::vector<uint8_t> q;
        Vec scale, y;
        random_fp8(8, 64, 0, 5, q, scale);
        const Vec x = randn(64, 6), y0(8, 0.0f);
        set_switch("NMC_GEMV_FP8", "fast");
        y = y0;
        expect_error(nmc_k_gemv_fp8(-1, 1, 64, 8, 0, q.data(), scale.data(), x.data(), 0.0f, y.data(), 0, nullptr), "NMC_GEMV_FP8",
                     "gemv fp8: unknown NMC_GEMV_FP8 rejected");
        set_switch("NMC_GEMV_FP8", nullptr);
    }
    // timing at batch 1: the four 9B matrices, both scale layouts
    struct Timed { const char *label; int in, out; };
    for (int block : {0, 128}) {
        double total_old = 0, total_new = 0;
        for (Timed t : {Timed{"in_proj", 4480, 22656}, Timed{"out_proj", 10240, 4480}, Timed{"mlp.up", 4480, 15680},
                        Timed{"mlp.down", 15680, 4480}}) {
            std::vector<uint8_t> q;
            Vec scale, y;
            random_fp8(t.out, t.in, block, 7 + t.in, q, scale);
            const Vec x = randn(t.in, 8), y0((size_t)t.out, 0.0f);
            float ms_old = 0, ms_new = 0;
            if (!gemv_fp8_run(0, 1, t.in, t.out, block, q, scale, x, 0.0f, y0, y, 50, &ms_old, "gemv fp8 timing (old)")) continue;
            if (!gemv_fp8_run(1, 1, t.in, t.out, block, q, scale, x, 0.0f, y0, y, 50, &ms_new, "gemv fp8 timing (xreg)")) continue;
            const double bytes = (double)t.out * t.in + scale.size() * 4.0 + t.in * 2.0 + t.out * 4.0;
            printf("INFO gemv fp8 batch 1 %s %d -> %d %s us: gemv_fp8 %.1f (%.0f GB/s), xreg %.1f (%.0f GB/s); xreg %.2fx\n", t.label,
                   t.in, t.out, block ? "128x128 blocks" : "per-channel", ms_old * 1e3, bytes / (ms_old * 1e6), ms_new * 1e3,
                   bytes / (ms_new * 1e6), ms_old / ms_new);
            total_old += ms_old, total_new += ms_new;
        }
        printf("INFO gemv fp8 batch 1, the four 9B matrices of a layer pair %s us: gemv_fp8 %.1f, xreg %.1f; xreg %.2fx\n",
               block ? "128x128 blocks" : "per-channel", total_old * 1e3, total_new * 1e3, total_new > 0 ? total_old / total_new : 0.0);
        fflush(stdout);
    }
}

// Decode logits with NMC_GEMV_FP8=xreg against unset: token by token (1 row) after a prefilled
// prompt, then 2 rows (two slots) at once
static void gemv_fp8_model_tests(const Shape &s, const std::string &label, int prompt, int block) {
    const int V = s.vocab, steps = 4, max_seq = prompt + steps + 2;
    const std::vector<int32_t> t = tokens(prompt + steps, V, 41);
    nmc_model *m = random_model(s, NMC_BF16, 12);
    ok_or_die(nmc_model_quantize_fp8(m, block), "quantize");
    const std::string name = label + (block ? " fp8 block " + std::to_string(block) : " fp8 per-channel");
    Vec got[2][2];  // [switch unset, xreg][1 row, 2 rows]
    for (int impl = 0; impl < 2; impl++) {
        set_switch("NMC_GEMV_FP8", impl ? "xreg" : nullptr);
        nmc_session *ss = nullptr;
        ok_or_die(nmc_session_create(m, 2, max_seq, prompt, &ss), "session gemv fp8");
        for (int slot = 0; slot < 2; slot++) {
            ok_or_die(nmc_slot_reset(ss, slot), "reset");
            ok_or_die(nmc_prefill(ss, slot, t.data(), prompt, 0, nullptr), "prefill prompt");
        }
        Vec logits(V);
        for (int i = 0; i < steps; i++) {  // slot 0, one row a step
            int32_t slot = 0, tok = t[prompt + i];
            ok_or_die(nmc_decode(ss, 1, &slot, &tok, logits.data()), "decode 1 row");
            got[impl][0].insert(got[impl][0].end(), logits.begin(), logits.end());
        }
        int32_t slots[2] = {1, 0}, toks[2] = {t[prompt], t[prompt + steps - 1]};
        got[impl][1].assign((size_t)2 * V, 0.0f);
        ok_or_die(nmc_decode(ss, 2, slots, toks, got[impl][1].data()), "decode 2 rows");
        nmc_session_destroy(ss);
    }
    set_switch("NMC_GEMV_FP8", nullptr);
    expect_close(got[1][0], got[0][0], 1e-2, name + ": 1-row decode, 4 tokens, NMC_GEMV_FP8=xreg against unset (gemv_fp8)");
    expect_close(got[1][1], got[0][1], 1e-2, name + ": 2-row decode, NMC_GEMV_FP8=xreg against unset (gemv_fp8)");
    check(got[1][0] != got[0][0], name + ": NMC_GEMV_FP8=xreg changes the 1-row logits (the new kernel ran)");
    nmc_model_destroy(m);
}
