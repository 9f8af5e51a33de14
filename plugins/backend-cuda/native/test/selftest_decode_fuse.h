// NMC_DECODE_FUSE self-tests (included by selftest.cpp after its model helpers):
//   norm+gemv  nmc_k_norm_gemv: the GEMV with the RMSNorm inside (fused 1) against rms_norm then the GEMV
//              (fused 0), which must be EQUAL bit for bit, and against a host reference (the norm in
//              double rounded to BF16, the GEMV in double: 1e-3 of max |ref|, a BF16 x may round the
//              other way); gemv_bf16 (1 row), gemv_fp8 (1 and 2 rows, per-channel and 128x128 blocks) at
//              the Nano-9B-v2 decode inputs (hidden 4480 -> in_proj 22656, qkv 7168, mlp.up 15680) and odd
//              shapes (1040, 208, 16 wide)
//   relu2      nmc_k_norm_gemv_relu2: mlp.up's GEMV with the norm and the relu2 epilogue inside (fused 1)
//              against rms_norm, the GEMV, add_bias and relu2 (fused 0), EQUAL bit for bit, and the host
//              reference (relu(y + bias)^2 of the double GEMV: 1e-2 of max |ref|, BF16 out), at 9B's
//              mlp.up 4480 -> 15680 and odd shapes
//   gated      nmc_k_gated_norm_decode: the decode-rows kernel (fused 1) against today's (fused 0) and a
//              double reference, F32 out 1e-5, BF16 out 1e-2 (a rounding either side), 9B's inner 8960 in
//              8 groups with z inside the 20096-wide proj row, and odd groups (20, 1284, 4100)
//   timing     INFO lines: microseconds of unfused (rms_norm + GEMV [+ add_bias + relu2 at mlp.up]; the gated
//              norm of today) and fused
//              at batch 1 and 2, the weights cycled over copies (>= 256 MB) so every run streams from HBM
//   conv       nmc_k_norm_gemv_conv: in_proj's GEMV with the norm and the conv1d step inside against rms_norm,
//              the GEMV and conv_step: y, xbc and the windows EQUAL bit for bit, xbc against a host conv
//              (1e-4), 9B's in_proj and odd shapes (kernel 4, 2, 1); INFO timing lines at the 9B shape
//   gated+gemv nmc_k_gated_gemv: out_proj's GEMV with the gated norm inside against today's gated norm
//              kernel then the GEMV, EQUAL bit for bit, and a host reference (1e-3), 9B's 8960 in 8 groups
//              -> 4480 and odd shapes; INFO timing lines at that shape
//   model      nano-like heads (M, - and * layers) BF16 and FP8 (per-channel, 128x128) models: graph-captured
//              decode steps (1 row, 2 rows, 1 row after) with NMC_DECODE_FUSE=1 EQUAL to unset bit for bit
//              (BF16 2 rows: within 1e-2, see decode_fuse_model_tests), and fused without graphs equal to
//              with; an unknown value is refused
#pragma once

// A GEMV weight of `kind` (0 BF16; 1 FP8 codes and scales) for the fused-vs-unfused cases:
// BF16 random from bf16_seed (negative: every weight 0.01, for the timings), FP8 from random_fp8
struct TestWeight {
    std::vector<uint16_t> wb;
    std::vector<uint8_t> q;
    Vec scale;
    const void *w = nullptr;
    TestWeight(int kind, int out, int dim, int block, int bf16_seed, int fp8_seed) {
        if (kind != 0) {
            random_fp8(out, dim, block, fp8_seed, q, scale);
            w = q.data();
            return;
        }
        if (bf16_seed < 0) {
            wb.assign((size_t)out * dim, to_bf16(0.01f));
        } else {
            const Vec wf = randn((size_t)out * dim, bf16_seed, 0.05f);
            wb.resize(wf.size());
            for (size_t i = 0; i < wf.size(); i++) wb[i] = to_bf16(wf[i]);
        }
        w = wb.data();
    }
    TestWeight(const TestWeight &) = delete;
    TestWeight &operator=(const TestWeight &) = delete;
};

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
    const char *names[] = {"gemv_bf16", "gemv_fp8"};
    const float eps = 1e-5f;
    char name[240];
    struct Case { int kind, rows, dim, out, block; float beta; const char *label; };
    for (Case c : {Case{0, 1, 4480, 22656, 0, 0.0f, "9B in_proj"}, Case{1, 1, 4480, 22656, 0, 0.0f, "9B in_proj"},
                   Case{1, 2, 4480, 7168, 128, 0.0f, "9B qkv"}, Case{1, 2, 4480, 15680, 128, 0.0f, "9B mlp.up"},
                   Case{1, 1, 4480, 7168, 128, 1.0f, "9B qkv"}, Case{0, 1, 1040, 77, 0, 1.0f, "odd"}, Case{0, 1, 208, 19, 0, 0.0f, "odd"},
                   Case{1, 2, 1040, 1001, 0, 1.0f, "odd"}, Case{1, 1, 208, 19, 128, 0.0f, "odd"}, Case{1, 2, 1040, 77, 128, 1.0f, "odd"},
                   Case{1, 1, 16, 9, 0, 0.0f, "odd"}, Case{1, 2, 16, 300, 0, 1.0f, "odd"}}) {
        snprintf(name, sizeof name, "norm+%s %s rows %d dim %d out %d%s beta %g", names[c.kind], c.label, c.rows, c.dim, c.out,
                 c.kind == 0 ? "" : c.block ? " 128x128 blocks" : " per-channel", c.beta);
        Vec h = randn((size_t)c.rows * c.dim, 301 + c.dim, 3.0f), nw = randn(c.dim, 302 + c.dim, 0.3f);
        for (size_t i = 0; i < h.size(); i += 7) h[i] += 20.0f;  // a few large channels
        for (float &v : nw) v += 1.0f;
        const Vec y0 = randn((size_t)c.rows * c.out, 303 + c.out);
        const TestWeight tw(c.kind, c.out, c.dim, c.block, 304 + c.out, 305 + c.dim + c.out);
        const Vec &scale = tw.scale;
        const void *w = tw.w;
        Vec unfused = y0, fused = y0;
        if (nmc_k_norm_gemv(0, c.kind, c.rows, c.dim, c.out, c.block, h.data(), nw.data(), eps, w, scale.data(), c.beta,
                            unfused.data(), 0, nullptr) != NMC_OK ||
            nmc_k_norm_gemv(1, c.kind, c.rows, c.dim, c.out, c.block, h.data(), nw.data(), eps, w, scale.data(), c.beta,
                            fused.data(), 0, nullptr) != NMC_OK) {
            check(false, std::string(name) + ": " + nmc_last_error());
            continue;
        }
        const Vec want = norm_gemv_reference(c.kind, c.rows, c.dim, c.out, c.block, h, nw, eps, tw.wb, tw.q, scale, c.beta, y0);
        expect_close(unfused, want, 1e-3, std::string(name) + ", unfused (rms_norm + GEMV) against the host reference");
        check(fused == unfused, std::string(name) + ", NMC_DECODE_FUSE fused norm + GEMV equals unfused bit for bit");
    }
    // the relu2 epilogue (mlp.up): bias on the odd shapes
    for (Case c : {Case{0, 1, 4480, 15680, 0, 0.0f, "9B mlp.up"}, Case{1, 2, 4480, 15680, 128, 0.0f, "9B mlp.up"},
                   Case{1, 1, 4480, 15680, 0, 0.0f, "9B mlp.up"}, Case{0, 1, 1040, 77, 0, 0.0f, "odd"},
                   Case{1, 1, 208, 19, 128, 0.0f, "odd"}, Case{1, 2, 1040, 77, 0, 0.0f, "odd"}}) {
        const bool with_bias = std::string(c.label) == "odd";
        snprintf(name, sizeof name, "norm+%s+relu2 %s rows %d dim %d out %d%s%s", names[c.kind], c.label, c.rows, c.dim, c.out,
                 c.kind == 0 ? "" : c.block ? " 128x128 blocks" : " per-channel", with_bias ? " bias" : "");
        Vec h = randn((size_t)c.rows * c.dim, 311 + c.dim, 3.0f), nw = randn(c.dim, 312 + c.dim, 0.3f);
        for (float &v : nw) v += 1.0f;
        const Vec bias = randn(c.out, 313 + c.out, 0.5f), zero((size_t)c.rows * c.out, 0.0f);
        const TestWeight tw(c.kind, c.out, c.dim, c.block, 314 + c.out, 315 + c.dim + c.out);
        const Vec &scale = tw.scale;
        const void *w = tw.w;
        Vec unfused((size_t)c.rows * c.out), fused(unfused.size());
        const float *b = with_bias ? bias.data() : nullptr;
        if (nmc_k_norm_gemv_relu2(0, c.kind, c.rows, c.dim, c.out, c.block, h.data(), nw.data(), eps, w, scale.data(), b, unfused.data(), 0,
                                  nullptr) != NMC_OK ||
            nmc_k_norm_gemv_relu2(1, c.kind, c.rows, c.dim, c.out, c.block, h.data(), nw.data(), eps, w, scale.data(), b, fused.data(), 0,
                                  nullptr) != NMC_OK) {
            check(false, std::string(name) + ": " + nmc_last_error());
            continue;
        }
        Vec want = norm_gemv_reference(c.kind, c.rows, c.dim, c.out, c.block, h, nw, eps, tw.wb, tw.q, scale, 0.0f, zero);
        for (size_t i = 0; i < want.size(); i++) {
            const float v = std::max(want[i] + (with_bias ? bias[i % c.out] : 0.0f), 0.0f);
            want[i] = v * v;
        }
        expect_close(unfused, want, 1e-2, std::string(name) + ", unfused (rms_norm + GEMV + add_bias + relu2) against the host reference");
        check(fused == unfused, std::string(name) + ", NMC_DECODE_FUSE GEMV with norm and relu2 inside equals unfused bit for bit");
    }
    // timing: the three decode inputs of the 9B, each kernel at 1 and 2 rows
    struct Timed { const char *label; int out; };
    for (int kind = 0; kind < 2; kind++)
        for (int rows = 1; rows <= (kind == 0 ? 1 : 2); rows++)
            for (Timed t : {Timed{"in_proj", 22656}, Timed{"qkv", 7168}, Timed{"mlp.up", 15680}}) {
                const int dim = 4480, block = kind == 0 ? 0 : 128;
                const Vec h = randn((size_t)rows * dim, 9, 3.0f), nw = randn(dim, 10, 1.0f), y0((size_t)rows * t.out, 0.0f);
                Vec y = y0;
                const TestWeight tw(kind, t.out, dim, block, -1, 11);
                const Vec &scale = tw.scale;
                const void *w = tw.w;
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
                if (t.out != 15680) continue;
                Vec act = y0;  // mlp.up with its epilogue: + add_bias + relu2 unfused, all in one kernel fused
                const Vec bias = randn(t.out, 12, 0.5f);
                for (int f = 0; f < 2; f++)
                    ok = ok && nmc_k_norm_gemv_relu2(f, kind, rows, dim, t.out, block, h.data(), nw.data(), 1e-5f, w, scale.data(), bias.data(),
                                                     act.data(), 100, &ms[f]) == NMC_OK;
                if (!ok) {
                    check(false, std::string("norm+gemv+relu2 timing: ") + nmc_last_error());
                    continue;
                }
                printf("INFO decode fuse norm+%s+bias+relu2 rows %d 4480 -> %d (mlp.up)%s us: unfused (rms_norm + GEMV + add_bias + relu2) %.2f, "
                       "fused %.2f; fused %.2fx\n",
                       names[kind], rows, t.out, kind ? " 128x128 blocks" : "", ms[0] * 1e3, ms[1] * 1e3, ms[1] > 0 ? ms[0] / ms[1] : 0.0);
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

// in_proj's GEMV with the norm and the conv1d step inside (nmc_k_norm_gemv_conv fused 1) against rms_norm,
// the GEMV and conv_step (fused 0): y, xbc and the windows EQUAL bit for bit; the unfused xbc against a
// host conv + SiLU of the unfused y (1e-4 of max |ref|); INFO timing at 9B's in_proj (conv channels
// 8960 + 2 x 8 x 128 after z's 8960)
static void decode_fuse_conv_tests() {
    const char *names[] = {"gemv_bf16", "gemv_fp8"};
    struct Case { int kind, rows, dim, out, first, channels, k, block; bool bias; const char *label; };
    char name[240];
    for (Case c : {Case{0, 1, 4480, 22656, 8960, 11008, 4, 0, true, "9B in_proj"}, Case{1, 2, 4480, 22656, 8960, 11008, 4, 128, true, "9B in_proj"},
                   Case{1, 1, 4480, 22656, 8960, 11008, 4, 0, true, "9B in_proj"}, Case{0, 1, 208, 77, 20, 40, 2, 0, false, "odd"},
                   Case{1, 2, 1040, 300, 100, 150, 1, 0, true, "odd"}, Case{1, 2, 1040, 77, 7, 60, 4, 128, false, "odd"}}) {
        snprintf(name, sizeof name, "norm+%s+conv %s rows %d dim %d out %d conv k %d on %d channels%s%s", names[c.kind], c.label, c.rows, c.dim,
                 c.out, c.k, c.channels, c.kind == 0 ? "" : c.block ? " 128x128 blocks" : " per-channel", c.bias ? " bias" : "");
        Vec h = randn((size_t)c.rows * c.dim, 321 + c.dim, 3.0f), nw = randn(c.dim, 322 + c.dim, 0.3f);
        for (float &v : nw) v += 1.0f;
        const Vec cw = randn((size_t)c.channels * c.k, 323, 0.5f), cb = randn(c.channels, 324, 0.5f);
        const int slots_n = 3;
        const int32_t slots[2] = {2, 0};
        const Vec win0 = randn((size_t)slots_n * c.channels * (c.k - 1) + 1, 325);
        const TestWeight tw(c.kind, c.out, c.dim, c.block, 326 + c.out, 327 + c.dim + c.out);
        const Vec &scale = tw.scale;
        const void *w = tw.w;
        Vec y[2], xbc[2], win[2];
        bool ok = true;
        for (int f = 0; f < 2; f++) {
            y[f].assign((size_t)c.rows * c.out, 0.0f), xbc[f].assign((size_t)c.rows * c.channels, 0.0f), win[f] = win0;
            ok = ok && nmc_k_norm_gemv_conv(f, c.kind, c.rows, c.dim, c.out, c.block, h.data(), nw.data(), 1e-5f, w, scale.data(), c.first,
                                            c.channels, c.k, cw.data(), c.bias ? cb.data() : nullptr, slots_n, slots, win[f].data(), y[f].data(),
                                            xbc[f].data(), 0, nullptr) == NMC_OK;
        }
        if (!ok) {
            check(false, std::string(name) + ": " + nmc_last_error());
            continue;
        }
        Vec want(xbc[0].size());
        for (int r = 0; r < c.rows; r++)
            for (int ch = 0; ch < c.channels; ch++) {
                double acc = c.bias ? cb[ch] : 0.0;
                for (int k = 0; k + 1 < c.k; k++) acc += (double)cw[(size_t)ch * c.k + k] * win0[((size_t)slots[r] * c.channels + ch) * (c.k - 1) + k];
                acc += (double)cw[(size_t)ch * c.k + c.k - 1] * y[0][(size_t)r * c.out + c.first + ch];
                want[(size_t)r * c.channels + ch] = (float)(acc / (1.0 + std::exp(-acc)));
            }
        expect_close(xbc[0], want, 1e-4, std::string(name) + ", unfused conv_step against the host conv + SiLU of the unfused y");
        check(y[1] == y[0] && xbc[1] == xbc[0] && win[1] == win[0],
              std::string(name) + ", NMC_DECODE_FUSE GEMV with norm and conv step inside equals unfused bit for bit (y, xbc, windows)");
    }
    for (int kind = 0; kind < 2; kind++)  // timing: 9B's in_proj with its conv step
        for (int rows = 1; rows <= (kind == 0 ? 1 : 2); rows++) {
            const int dim = 4480, out = 22656, first = 8960, channels = 11008, block = kind == 0 ? 0 : 128;
            const Vec h = randn((size_t)rows * dim, 31, 3.0f), nw = randn(dim, 32, 1.0f), cw = randn((size_t)channels * 4, 33, 0.5f);
            Vec win = randn((size_t)2 * channels * 3, 34), y((size_t)rows * out), xbc((size_t)rows * channels);
            const int32_t slots[2] = {1, 0};
            const TestWeight tw(kind, out, dim, block, -1, 35);
            const Vec &scale = tw.scale;
            const void *w = tw.w;
            float ms[2] = {0, 0};
            bool ok = true;
            for (int f = 0; f < 2; f++)
                ok = ok && nmc_k_norm_gemv_conv(f, kind, rows, dim, out, block, h.data(), nw.data(), 1e-5f, w, scale.data(), first, channels, 4,
                                                cw.data(), nullptr, 2, slots, win.data(), y.data(), xbc.data(), 100, &ms[f]) == NMC_OK;
            if (!ok) {
                check(false, std::string("norm+gemv+conv timing: ") + nmc_last_error());
                continue;
            }
            printf("INFO decode fuse norm+%s+conv rows %d 4480 -> 22656 (in_proj + conv step)%s us: unfused (rms_norm + GEMV + conv_step) %.2f, "
                   "fused %.2f; fused %.2fx\n",
                   names[kind], rows, kind ? " 128x128 blocks" : "", ms[0] * 1e3, ms[1] * 1e3, ms[1] > 0 ? ms[0] / ms[1] : 0.0);
            fflush(stdout);
        }
}

// out_proj's GEMV with the gated norm inside (nmc_k_gated_gemv fused 1) against today's gated norm kernel
// then the GEMV (fused 0): EQUAL bit for bit; the unfused against a host reference (the gated norm in
// double rounded to BF16, the GEMV in double: 1e-3 of max |ref|); INFO timing at 9B's out_proj
static void decode_fuse_gated_gemv_tests() {
    const char *names[] = {"gemv_bf16", "gemv_fp8"};
    struct Case { int kind, rows, dim, groups, out, block; float beta; const char *label; };
    char name[240];
    for (Case c : {Case{0, 1, 8960, 8, 4480, 0, 1.0f, "9B out_proj"}, Case{1, 1, 8960, 8, 4480, 0, 1.0f, "9B out_proj"},
                   Case{1, 2, 8960, 8, 4480, 128, 1.0f, "9B out_proj"}, Case{1, 1, 8960, 8, 4480, 128, 1.0f, "9B out_proj"},
                   Case{1, 2, 8960, 8, 4480, 0, 1.0f, "9B out_proj"}, Case{0, 1, 80, 4, 19, 0, 0.0f, "odd"},
                   Case{1, 2, 160, 8, 77, 0, 1.0f, "odd"}, Case{1, 2, 3072, 2, 300, 128, 0.0f, "odd"}}) {
        const int zs = c.dim * 2 + 64, gs = c.dim / c.groups;
        snprintf(name, sizeof name, "gated+%s %s rows %d dim %d in %d groups out %d%s beta %g", names[c.kind], c.label, c.rows, c.dim, c.groups,
                 c.out, c.kind == 0 ? "" : c.block ? " 128x128 blocks" : " per-channel", c.beta);
        const Vec y = randn((size_t)c.rows * c.dim, 501 + c.dim, 2.0f), z = randn((size_t)c.rows * zs, 502 + c.dim, 2.0f);
        Vec gw = randn(c.dim, 503, 0.2f);
        for (float &v : gw) v += 1.0f;
        const Vec y0 = randn((size_t)c.rows * c.out, 504 + c.out);
        const TestWeight tw(c.kind, c.out, c.dim, c.block, 505 + c.out, 506 + c.dim + c.out);
        const Vec &scale = tw.scale;
        const void *w = tw.w;
        Vec unfused = y0, fused = y0;
        if (nmc_k_gated_gemv(0, c.kind, c.rows, c.dim, c.groups, zs, y.data(), z.data(), gw.data(), 1e-5f, c.out, c.block, w, scale.data(),
                             c.beta, unfused.data(), 0, nullptr) != NMC_OK ||
            nmc_k_gated_gemv(1, c.kind, c.rows, c.dim, c.groups, zs, y.data(), z.data(), gw.data(), 1e-5f, c.out, c.block, w, scale.data(),
                             c.beta, fused.data(), 0, nullptr) != NMC_OK) {
            check(false, std::string(name) + ": " + nmc_last_error());
            continue;
        }
        // host reference: x = BF16(gated norm in double), then the GEMV in double
        Vec want((size_t)c.rows * c.out);
        const int scols = c.block > 0 ? (c.dim + c.block - 1) / c.block : 0;
        std::vector<double> x(c.dim);
        for (int r = 0; r < c.rows; r++) {
            for (int g = 0; g < c.groups; g++) {
                double ss = 0;
                for (int i = 0; i < gs; i++) {
                    const double zz = z[(size_t)r * zs + g * gs + i];
                    x[g * gs + i] = y[(size_t)r * c.dim + g * gs + i] * zz / (1.0 + std::exp(-zz));
                    ss += x[g * gs + i] * x[g * gs + i];
                }
                const double inv = 1.0 / std::sqrt(ss / gs + 1e-5);
                for (int i = 0; i < gs; i++) x[g * gs + i] = bf16_round((float)(gw[g * gs + i] * x[g * gs + i] * inv));
            }
            for (int o = 0; o < c.out; o++) {
                double acc = 0;
                for (int i = 0; i < c.dim; i++) {
                    const size_t at = (size_t)o * c.dim + i;
                    if (c.kind == 0) acc += x[i] * from_bf16(tw.wb[at]);
                    else acc += x[i] * e4m3_value(tw.q[at]) * (c.block > 0 ? scale[(size_t)(o / c.block) * scols + i / c.block] : 1.0);
                }
                if (c.kind > 0 && c.block == 0) acc *= scale[o];
                want[(size_t)r * c.out + o] = (float)(acc + (double)c.beta * y0[(size_t)r * c.out + o]);
            }
        }
        expect_close(unfused, want, 1e-3, std::string(name) + ", unfused (gated norm + GEMV) against the host reference");
        check(fused == unfused, std::string(name) + ", NMC_DECODE_FUSE GEMV with the gated norm inside equals unfused bit for bit");
    }
    for (int kind = 0; kind < 2; kind++)  // timing: 9B's out_proj (8960 -> 4480, beta 1: into h)
        for (int rows = 1; rows <= (kind == 0 ? 1 : 2); rows++) {
            const int dim = 8960, out = 4480, zs = 20096, block = kind == 0 ? 0 : 128;
            const Vec y = randn((size_t)rows * dim, 21, 2.0f), z = randn((size_t)rows * zs, 22, 2.0f), gw = randn(dim, 23, 1.0f);
            Vec yo((size_t)rows * out, 0.0f);
            const TestWeight tw(kind, out, dim, block, -1, 24);
            const Vec &scale = tw.scale;
            const void *w = tw.w;
            float ms[2] = {0, 0};
            bool ok = true;
            for (int f = 0; f < 2; f++)
                ok = ok && nmc_k_gated_gemv(f, kind, rows, dim, 8, zs, y.data(), z.data(), gw.data(), 1e-5f, out, block, w, scale.data(), 1.0f,
                                            yo.data(), 100, &ms[f]) == NMC_OK;
            if (!ok) {
                check(false, std::string("gated+gemv timing: ") + nmc_last_error());
                continue;
            }
            printf("INFO decode fuse gated+%s rows %d 8960 -> 4480 (out_proj)%s us: unfused (gated norm + GEMV) %.2f, fused %.2f; fused %.2fx\n",
                   names[kind], rows, kind ? " 128x128 blocks" : "", ms[0] * 1e3, ms[1] * 1e3, ms[1] > 0 ? ms[0] / ms[1] : 0.0);
            fflush(stdout);
        }
}

// Decode logits with NMC_DECODE_FUSE=1 against unset (block -1: BF16 weights; 0, 128: FP8), every step
// graph-captured (and once more fused without graphs): 4 one-row steps, a 2-row step, one more 1-row step
// (after the 2-row one, so the states it left are read). EQUAL bit for bit where every fused GEMV takes
// its x (FP8 at 1-2 rows, BF16 at 1 row); BF16 at 2 rows (cuBLAS, so the gated norm runs alone, by the
// decode-rows kernel in another order) and the step after it within 1e-2 of the largest logit.
static void decode_fuse_model_tests(const Shape &s, const std::string &label, int prompt, int block) {
    const int V = s.vocab, steps = 4, max_seq = prompt + steps + 4;
    const std::vector<int32_t> t = tokens(prompt + steps + 2, V, 43);
    nmc_model *m = random_model(s, NMC_BF16, 14);
    if (block >= 0) ok_or_die(nmc_model_quantize_fp8(m, block), "quantize");
    const std::string name = label + (block < 0 ? " bf16" : block ? " fp8 block " + std::to_string(block) : " fp8 per-channel");
    Vec got[3][3];  // [unset, fused, fused without graphs][1-row steps, 2 rows, the 1-row step after]
    for (int run = 0; run < 3; run++) {
        set_switch("NMC_DECODE_FUSE", run ? "1" : nullptr);
        nmc_session *ss = nullptr;
        ok_or_die(nmc_session_create(m, 2, max_seq, prompt, &ss), "session decode fuse");
        if (run == 2) ok_or_die(nmc_session_use_graphs(ss, 0), "graphs off");
        for (int slot = 0; slot < 2; slot++) {
            ok_or_die(nmc_slot_reset(ss, slot), "reset");
            ok_or_die(nmc_prefill(ss, slot, t.data(), prompt, 0, nullptr), "prefill prompt");
        }
        Vec logits(V);
        for (int i = 0; i < steps; i++) {
            int32_t slot = 0, tok = t[prompt + i];
            ok_or_die(nmc_decode(ss, 1, &slot, &tok, logits.data()), "decode 1 row");
            got[run][0].insert(got[run][0].end(), logits.begin(), logits.end());
        }
        int32_t slots[2] = {1, 0}, toks[2] = {t[prompt], t[prompt + steps]};
        got[run][1].assign((size_t)2 * V, 0.0f);
        ok_or_die(nmc_decode(ss, 2, slots, toks, got[run][1].data()), "decode 2 rows");
        int32_t slot = 1, tok = t[prompt + 1];
        got[run][2].assign(V, 0.0f);
        ok_or_die(nmc_decode(ss, 1, &slot, &tok, got[run][2].data()), "decode 1 row after 2");
        nmc_session_destroy(ss);
    }
    check(got[1][0] == got[0][0], name + ": 1-row decode, 4 graph-captured steps, NMC_DECODE_FUSE=1 equals unset bit for bit");
    if (block >= 0) {
        check(got[1][1] == got[0][1], name + ": 2-row decode, NMC_DECODE_FUSE=1 equals unset bit for bit");
        check(got[1][2] == got[0][2], name + ": 1-row decode after a 2-row step, NMC_DECODE_FUSE=1 equals unset bit for bit");
    } else {  // the 2-row step's states differ by the gated norm's order, so the step after too
        expect_close(got[1][1], got[0][1], 1e-2, name + ": 2-row decode (cuBLAS, gated norm alone), NMC_DECODE_FUSE=1 against unset");
        expect_close(got[1][2], got[0][2], 1e-2, name + ": 1-row decode after a 2-row step, NMC_DECODE_FUSE=1 against unset");
    }
    check(got[2][0] == got[1][0] && got[2][1] == got[1][1] && got[2][2] == got[1][2],
          name + ": NMC_DECODE_FUSE=1 decode without graphs equals with graphs bit for bit");
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
