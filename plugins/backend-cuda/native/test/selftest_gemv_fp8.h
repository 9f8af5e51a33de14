// FP8 decode GEMV self-tests (included by selftest.cpp after its model helpers): the warp-per-row
// kernel (fp8.cu gemv_fp8) against a double reference, through nmc_k_gemv_fp8:
//   kernel   random E4M3 codes (no NaN), per-channel and 128x128 block scales, beta 0 and 1: the
//            Nano-9B-v2 decode matrices at 1 row (in_proj 4480 -> 22656, mlp.up 4480 -> 15680,
//            out_proj 10240 -> 4480, mlp.down 15680 -> 4480) and ragged shapes at 1 and 2 rows, within
//            1e-5 of max |ref| (exact products, fp32 sums); two cases of subnormal codes only
//   timing   INFO line per 9B matrix, 1 row, per-channel and 128x128 blocks: microseconds and GB/s
//            (Q + scales + x bytes / time) of gemv_fp8, Q cycled over copies (>= 256 MB) so every
//            repeat streams from HBM (not asserted)
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

static bool gemv_fp8_run(int rows, int in, int out, int block, const std::vector<uint8_t> &q, const Vec &scale, const Vec &x,
                         float beta, const Vec &y0, Vec &y, int reps, float *ms, const std::string &what) {
    y = y0;
    if (nmc_k_gemv_fp8(rows, in, out, block, q.data(), scale.data(), x.data(), beta, y.data(), reps, ms) != NMC_OK) {
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
        Vec got;
        if (!gemv_fp8_run(c.rows, c.in, c.out, c.block, q, scale, x, c.beta, y0, got, 0, nullptr, name)) continue;
        expect_close(got, want, 1e-5, std::string(name) + ", gemv_fp8 against the double reference");
    }
    // timing at batch 1: the four 9B matrices, both scale layouts
    struct Timed { const char *label; int in, out; };
    for (int block : {0, 128}) {
        double total = 0;
        for (Timed t : {Timed{"in_proj", 4480, 22656}, Timed{"out_proj", 10240, 4480}, Timed{"mlp.up", 4480, 15680},
                        Timed{"mlp.down", 15680, 4480}}) {
            std::vector<uint8_t> q;
            Vec scale, y;
            random_fp8(t.out, t.in, block, 7 + t.in, q, scale);
            const Vec x = randn(t.in, 8), y0((size_t)t.out, 0.0f);
            float ms = 0;
            if (!gemv_fp8_run(1, t.in, t.out, block, q, scale, x, 0.0f, y0, y, 50, &ms, "gemv fp8 timing")) continue;
            const double bytes = (double)t.out * t.in + scale.size() * 4.0 + t.in * 2.0 + t.out * 4.0;
            printf("INFO gemv fp8 batch 1 %s %d -> %d %s us: gemv_fp8 %.1f (%.0f GB/s)\n", t.label, t.in, t.out,
                   block ? "128x128 blocks" : "per-channel", ms * 1e3, bytes / (ms * 1e6));
            total += ms;
        }
        printf("INFO gemv fp8 batch 1, the four 9B matrices of a layer pair %s us: gemv_fp8 %.1f\n", block ? "128x128 blocks" : "per-channel",
               total * 1e3);
        fflush(stdout);
    }
}
