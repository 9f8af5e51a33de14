// NMC_DECODE_FUSE self-tests (included by selftest.cpp after its model helpers):
//   norm+gemv  nmc_k_norm_gemv: the GEMV with the RMSNorm inside (fused 1) against rms_norm then the GEMV
//              (fused 0), which must be EQUAL bit for bit, and against a host reference (the norm in
//              double rounded to BF16, the GEMV in double: 1e-3 of max |ref|, a BF16 x may round the
//              other way); gemv_bf16 (1 row), gemv_fp8 and gemv_fp8_xreg (1 and 2 rows, per-channel and
//              128x128 blocks) at the Nano-9B-v2 decode inputs (hidden 4480 -> in_proj 22656, qkv 7168,
//              mlp.up 15680) and odd shapes (1040, 208, 16 wide)
//   gated      nmc_k_gated_norm_decode: the decode-rows kernel (fused 1) against today's (fused 0) and a
//              double reference, F32 out 1e-5, BF16 out 1e-2 (a rounding either side), 9B's inner 8960 in
//              8 groups with z inside the 20096-wide proj row, and odd groups (20, 1284, 4100)
//   timing     INFO lines: microseconds of unfused (rms_norm + GEMV; the gated norm of today) and fused
//              at batch 1 and 2, the weights cycled over copies (>= 256 MB) so every run streams from HBM
//   model      nano-like heads BF16 and FP8 (per-channel, 128x128) models: token-by-token decode and a
//              2-row decode with NMC_DECODE_FUSE=1 against unset, within 1e-2 of the largest logit (the
//              gated norm sums in another order); an unknown value is refused
#pragma once

// the host reference of nmc_k_norm_gemv: xn = BF16(w h / sqrt(mean(h^2) + eps)) in double, y in double
static Vec norm_gemv_reference(int kind, int rows, int dim, int out, int block, const Vec &h, const Vec &nw, float eps,
                               const std::vector<uint16_t> &wb, const std::vector<uint8_t> &q, const Vec &scale, float beta,
                               const Vec &y0) {
    Vec y((size_t)rows * out);
    const int scols = block > 0 ? (dim + block - 1) / block : 0;
    std::vector<double> xn(dim);
    for (int r = 0; r < rows; r++) {
        double ss = 0;
        for (int c = 0; c < dim; c++) ss += (double)h[(size_t)r * dim + c] * h[(size_t)r * dim + c];
        const double inv = 1.0 / std::sqrt(ss / dim + eps);
        for (int c = 0; c < dim; c++) xn[c] = bf16_round((float)(nw[c] * (h[(size_t)r * dim + c] * inv)));
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int c = 0; c < dim; c++) {
                const size_t at = (size_t)o * dim + c;
                if (kind == 0) s += xn[c] * from_bf16(wb[at]);
                else s += xn[c] * e4m3_value(q[at]) * (block > 0 ? scale[(size_t)(o / block) * scols + c / block] : 1.0);
            }
            if (kind > 0 && block == 0) s *= scale[o];
            y[(size_t)r * out + o] = (float)(s + (double)beta * y0[(size_t)r * out + o]);
        }
    }
    return y;
}

static void decode_fuse_kernel_tests() {
    const char *names[] = {"gemv_bf16", "gemv_fp8", "gemv_fp8_xreg"};
    const float eps = 1e-5f;
    char name[240];
    struct Case { int kind, rows, dim, out, block; float beta; const char *label; };
    for (Case c : {Case{0, 1, 4480, 22656, 0, 0.0f, "9B in_proj"}, Case{1, 1, 4480, 22656, 0, 0.0f, "9B in_proj"},
                   Case{2, 1, 4480, 22656, 0, 0.0f, "9B in_proj"}, Case{1, 2, 4480, 7168, 128, 0.0f, "9B qkv"},
                   Case{2, 2, 4480, 15680, 128, 0.0f, "9B mlp.up"}, Case{2, 1, 4480, 7168, 128, 1.0f, "9B qkv"},
                   Case{0, 1, 1040, 77, 0, 1.0f, "odd"}, Case{0, 1, 208, 19, 0, 0.0f, "odd"}, Case{1, 2, 1040, 1001, 0, 1.0f, "odd"},
                   Case{1, 1, 208, 19, 128, 0.0f, "odd"}, Case{2, 2, 1040, 77, 128, 1.0f, "odd"}, Case{2, 1, 16, 9, 0, 0.0f, "odd"},
                   Case{1, 2, 16, 300, 0, 1.0f, "odd"}}) {
        snprintf(name, sizeof name, "norm+%s %s rows %d dim %d out %d%s beta %g", names[c.kind], c.label, c.rows, c.dim, c.out,
                 c.kind == 0 ? "" : c.block ? " 128x128 blocks" : " per-channel", c.beta);
        Vec h = randn((size_t)c.rows * c.dim, 301 + c.dim, 3.0f), nw = randn(c.dim, 302 + c.dim, 0.3f);
        for (size_t i = 0; i < h.size(); i += 7) h[i] += 20.0f;  // a few large channels
        for (float &v : nw) v += 1.0f;
        const Vec y0 = randn((size_t)c.rows * c.out, 303 + c.out);
        std::vector<uint16_t> wb;
        std::vector<uint8_t> q;
        Vec scale;
        if (c.kind == 0) {
            const Vec wf = randn((size_t)c.out * c.dim, 304 + c.out, 0.05f);
            wb.resize(wf.size());
            for (size_t i = 0; i < wf.size(); i++) wb[i] = to_bf16(wf[i]);
        } else {
            random_fp8(c.out, c.dim, c.block, 305 + c.dim + c.out, q, scale);
        }
        const void *w = c.kind == 0 ? (const void *)wb.data() : (const void *)q.data();
        Vec unfused = y0, fused = y0;
        if (nmc_k_norm_gemv(0, c.kind, c.rows, c.dim, c.out, c.block, h.data(), nw.data(), eps, w, scale.data(), c.beta,
                            unfused.data(), 0, nullptr) != NMC_OK ||
            nmc_k_norm_gemv(1, c.kind, c.rows, c.dim, c.out, c.block, h.data(), nw.data(), eps, w, scale.data(), c.beta,
                            fused.data(), 0, nullptr) != NMC_OK) {
            check(false, std::string(name) + ": " + nmc_last_error());
            continue;
        }
        const Vec want = norm_gemv_reference(c.kind, c.rows, c.dim, c.out, c.block, h, nw, eps, wb, q, scale, c.beta, y0);
        expect_close(unfused, want, 1e-3, std::string(name) + ", unfused (rms_norm + GEMV) against the host reference");
        check(fused == unfused, std::string(name) + ", NMC_DECODE_FUSE fused norm + GEMV equals unfused bit for bit");
    }
    // timing: the three decode inputs of the 9B, each kernel at 1 and 2 rows
    struct Timed { const char *label; int out; };
    for (int kind = 0; kind < 3; kind++)
        for (int rows = 1; rows <= (kind == 0 ? 1 : 2); rows++)
            for (Timed t : {Timed{"in_proj", 22656}, Timed{"qkv", 7168}, Timed{"mlp.up", 15680}}) {
                const int dim = 4480, block = kind == 0 ? 0 : 128;
                const Vec h = randn((size_t)rows * dim, 9, 3.0f), nw = randn(dim, 10, 1.0f), y0((size_t)rows * t.out, 0.0f);
                std::vector<uint16_t> wb;
                std::vector<uint8_t> q;
                Vec scale, y = y0;
                if (kind == 0) wb.assign((size_t)t.out * dim, to_bf16(0.01f));
                else random_fp8(t.out, dim, block, 11, q, scale);
                const void *w = kind == 0 ? (const void *)wb.data() : (const void *)q.data();
                float ms[2] = {0, 0};
                bool ok = true;
                for (int f = 0; f < 2; f++)
                    ok = ok && nmc_k_norm_gemv(f, kind, rows, dim, t.out, block, h.data(), nw.data(), 1e-5f, w, scale.data(), 0.0f, y.data(),
                                               100, &ms[f]) == NMC_OK;
                if (!ok) {
                    check(false, std::string("norm+gemv timing: ") + nmc_last_error());
                    continue;
                }
                printf("INFO decode fuse norm+%s rows %d 4480 -> %d (%s)%s us: unfused (rms_norm + GEMV) %.2f, fused %.2f; fused %.2fx\n",
                       names[kind], rows, t.out, t.label, kind ? " 128x128 blocks" : "", ms[0] * 1e3, ms[1] * 1e3,
                       ms[1] > 0 ? ms[0] / ms[1] : 0.0);
                fflush(stdout);
            }
}

static void decode_fuse_gated_tests() {
    struct Case { int rows, dim, groups, z_stride, dtype; const char *label; };
    char name[200];
    for (Case c : {Case{1, 8960, 8, 20096, NMC_F32, "9B"}, Case{1, 8960, 8, 20096, NMC_BF16, "9B"}, Case{2, 8960, 8, 20096, NMC_BF16, "9B"},
                   Case{2, 60, 3, 64, NMC_F32, "odd"}, Case{1, 2568, 2, 2568, NMC_F32, "odd"}, Case{2, 8200, 2, 8204, NMC_F32, "odd"},
                   Case{1, 8200, 2, 8200, NMC_BF16, "odd"}}) {
        snprintf(name, sizeof name, "gated norm rows %s rows %d dim %d groups %d z stride %d %s", c.label, c.rows, c.dim, c.groups,
                 c.z_stride, c.dtype == NMC_F32 ? "F32" : "BF16");
        const Vec y = randn((size_t)c.rows * c.dim, 401 + c.dim, 2.0f), z = randn((size_t)c.rows * c.z_stride, 402 + c.dim, 2.0f);
        Vec w = randn(c.dim, 403, 0.2f);
        for (float &v : w) v += 1.0f;
        Vec old((size_t)c.rows * c.dim), fused(old.size()), want(old.size());
        if (nmc_k_gated_norm_decode(0, c.rows, c.dim, c.groups, c.z_stride, y.data(), z.data(), w.data(), 1e-5f, c.dtype, old.data(), 0,
                                    nullptr) != NMC_OK ||
            nmc_k_gated_norm_decode(1, c.rows, c.dim, c.groups, c.z_stride, y.data(), z.data(), w.data(), 1e-5f, c.dtype, fused.data(), 0,
                                    nullptr) != NMC_OK) {
            check(false, std::string(name) + ": " + nmc_last_error());
            continue;
        }
        const int gs = c.dim / c.groups;
        for (int r = 0; r < c.rows; r++)
            for (int g = 0; g < c.groups; g++) {
                std::vector<double> t(gs);
                double ss = 0;
                for (int i = 0; i < gs; i++) {
                    const double zz = z[(size_t)r * c.z_stride + g * gs + i];
                    t[i] = y[(size_t)r * c.dim + g * gs + i] * zz / (1.0 + std::exp(-zz));
                    ss += t[i] * t[i];
                }
                const double inv = 1.0 / std::sqrt(ss / gs + 1e-5);
                for (int i = 0; i < gs; i++) want[(size_t)r * c.dim + g * gs + i] = (float)(w[g * gs + i] * t[i] * inv);
            }
        const double tol = c.dtype == NMC_F32 ? 1e-5 : 1e-2;
        expect_close(fused, want, tol, std::string(name) + ", fused (one block a row and group) against the double reference");
        expect_close(fused, old, tol, std::string(name) + ", fused against today's kernel");
    }
    for (int rows = 1; rows <= 2; rows++) {  // timing at the 9B shape, BF16 out as in decode
        const Vec y = randn((size_t)rows * 8960, 5), z = randn((size_t)rows * 20096, 6), w = randn(8960, 7);
        Vec out((size_t)rows * 8960);
        float ms[2] = {0, 0};
        bool ok = true;
        for (int f = 0; f < 2; f++)
            ok = ok && nmc_k_gated_norm_decode(f, rows, 8960, 8, 20096, y.data(), z.data(), w.data(), 1e-5f, NMC_BF16, out.data(), 200,
                                               &ms[f]) == NMC_OK;
        if (!ok) {
            check(false, std::string("gated norm timing: ") + nmc_last_error());
            continue;
        }
        printf("INFO decode fuse gated norm rows %d 8960 in 8 groups us: today %.2f, fused (block a group) %.2f; fused %.2fx\n", rows,
               ms[0] * 1e3, ms[1] * 1e3, ms[1] > 0 ? ms[0] / ms[1] : 0.0);
        fflush(stdout);
    }
}

// Decode logits with NMC_DECODE_FUSE=1 against unset (block -1: BF16 weights; 0, 128: FP8)
static void decode_fuse_model_tests(const Shape &s, const std::string &label, int prompt, int block) {
    const int V = s.vocab, steps = 4, max_seq = prompt + steps + 2;
    const std::vector<int32_t> t = tokens(prompt + steps, V, 43);
    nmc_model *m = random_model(s, NMC_BF16, 14);
    if (block >= 0) ok_or_die(nmc_model_quantize_fp8(m, block), "quantize");
    const std::string name = label + (block < 0 ? " bf16" : block ? " fp8 block " + std::to_string(block) : " fp8 per-channel");
    Vec got[2][2];  // [unset, fused][1 row, 2 rows]
    for (int fuse = 0; fuse < 2; fuse++) {
        set_switch("NMC_DECODE_FUSE", fuse ? "1" : nullptr);
        nmc_session *ss = nullptr;
        ok_or_die(nmc_session_create(m, 2, max_seq, prompt, &ss), "session decode fuse");
        for (int slot = 0; slot < 2; slot++) {
            ok_or_die(nmc_slot_reset(ss, slot), "reset");
            ok_or_die(nmc_prefill(ss, slot, t.data(), prompt, 0, nullptr), "prefill prompt");
        }
        Vec logits(V);
        for (int i = 0; i < steps; i++) {
            int32_t slot = 0, tok = t[prompt + i];
            ok_or_die(nmc_decode(ss, 1, &slot, &tok, logits.data()), "decode 1 row");
            got[fuse][0].insert(got[fuse][0].end(), logits.begin(), logits.end());
        }
        int32_t slots[2] = {1, 0}, toks[2] = {t[prompt], t[prompt + steps - 1]};
        got[fuse][1].assign((size_t)2 * V, 0.0f);
        ok_or_die(nmc_decode(ss, 2, slots, toks, got[fuse][1].data()), "decode 2 rows");
        nmc_session_destroy(ss);
    }
    expect_close(got[1][0], got[0][0], 1e-2, name + ": 1-row decode, 4 tokens, NMC_DECODE_FUSE=1 against unset");
    expect_close(got[1][1], got[0][1], 1e-2, name + ": 2-row decode, NMC_DECODE_FUSE=1 against unset");
    {  // an unknown value is refused at the decode
        set_switch("NMC_DECODE_FUSE", "yes");
        nmc_session *ss = nullptr;
        ok_or_die(nmc_session_create(m, 1, max_seq, prompt, &ss), "session decode fuse");
        ok_or_die(nmc_prefill(ss, 0, t.data(), prompt, 0, nullptr), "prefill prompt");
        int32_t slot = 0, tok = t[prompt];
        Vec logits(V);
        expect_error(nmc_decode(ss, 1, &slot, &tok, logits.data()), "NMC_DECODE_FUSE", name + ": unknown NMC_DECODE_FUSE refused");
        nmc_session_destroy(ss);
    }
    set_switch("NMC_DECODE_FUSE", nullptr);
    nmc_model_destroy(m);
}
