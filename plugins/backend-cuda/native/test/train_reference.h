// CPU references (double accumulation) of the trainer's kernels, for test/train_selftest.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace tref {

using Vec = std::vector<float>;

// Causal GQA attention of the trainer and its backward. qkv [B L, (qH + 2 kvH) hd] fused rows,
// dout [B L, qH hd]; out (same as dout), lse [B, qH, L], dqkv (as qkv; dk, dv summed per group).
struct Attn {
    Vec out, lse, dqkv;
};

inline Attn attention(int B, int L, int qH, int kvH, int hd, const Vec &qkv, const Vec &dout) {
    const int ld = (qH + 2 * kvH) * hd, qw = qH * hd, kw = kvH * hd;
    const double scale = 1.0 / std::sqrt((double)hd);
    Attn r;
    r.out.assign((size_t)B * L * qw, 0.0f);
    r.lse.assign((size_t)B * qH * L, 0.0f);
    std::vector<double> dq((size_t)B * L * ld, 0.0);
    std::vector<double> p(L), dp(L);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < qH; h++) {
            const int kvh = h / (qH / kvH);
            auto q = [&](int t, int d) { return (double)qkv[((size_t)b * L + t) * ld + h * hd + d]; };
            auto k = [&](int t, int d) { return (double)qkv[((size_t)b * L + t) * ld + qw + kvh * hd + d]; };
            auto v = [&](int t, int d) { return (double)qkv[((size_t)b * L + t) * ld + qw + kw + kvh * hd + d]; };
            auto g = [&](int t, int d) { return (double)dout[((size_t)b * L + t) * qw + h * hd + d]; };
            for (int i = 0; i < L; i++) {
                // 1. p = softmax_j<=i(q_i . k_j scale)
                double mx = -1e300;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int d = 0; d < hd; d++) s += q(i, d) * k(j, d);
                    p[j] = s * scale;
                    mx = std::max(mx, p[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) sum += (p[j] = std::exp(p[j] - mx));
                for (int j = 0; j <= i; j++) p[j] /= sum;
                r.lse[((size_t)b * qH + h) * L + i] = (float)(mx + std::log(sum));
                // 2. o_i = sum_j p_j v_j
                for (int d = 0; d < hd; d++) {
                    double acc = 0;
                    for (int j = 0; j <= i; j++) acc += p[j] * v(j, d);
                    r.out[((size_t)b * L + i) * qw + h * hd + d] = (float)acc;
                }
                // 3. dp_j = dO_i . v_j; ds_j = p_j (dp_j - sum_j' p_j' dp_j')
                double dot = 0;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int d = 0; d < hd; d++) s += g(i, d) * v(j, d);
                    dp[j] = s;
                    dot += p[j] * s;
                }
                for (int j = 0; j <= i; j++) {
                    double ds = p[j] * (dp[j] - dot);
                    for (int d = 0; d < hd; d++) {
                        dq[((size_t)b * L + i) * ld + h * hd + d] += ds * k(j, d) * scale;            // dq_i
                        dq[((size_t)b * L + j) * ld + qw + kvh * hd + d] += ds * q(i, d) * scale;     // dk_j
                        dq[((size_t)b * L + j) * ld + qw + kw + kvh * hd + d] += p[j] * g(i, d);     // dv_j
                    }
                }
            }
        }
    r.dqkv.assign(dq.begin(), dq.end());
    return r;
}

// ---- FP8 E4M3 (the "fn" variant: no infinities, 0x7f NaN, largest finite 448) ----
inline double e4m3_decode(uint8_t c) {
    int e = (c >> 3) & 15, m = c & 7;
    double v = e == 15 && m == 7 ? NAN : e == 0 ? std::ldexp(m / 8.0, -6) : std::ldexp(1 + m / 8.0, e - 7);
    return (c & 0x80) ? -v : v;
}

// x rounded to the nearest E4M3 value (ties to the even code), saturated at +-448; NaN -> 0x7f.
inline uint8_t e4m3_encode(double x) {
    if (std::isnan(x)) return 0x7f;
    uint8_t sign = std::signbit(x) ? 0x80 : 0;
    double a = std::fabs(x);
    if (a >= 448) return sign | 0x7e;
    int best = 0;  // codes 0..0x7e are increasing in value
    for (int c = 1; c <= 0x7e; c++) {
        if (e4m3_decode((uint8_t)c) > a) {
            double lo = e4m3_decode((uint8_t)(c - 1)), hi = e4m3_decode((uint8_t)c);
            best = a - lo < hi - a ? c - 1 : a - lo > hi - a ? c : ((c - 1) % 2 == 0 ? c - 1 : c);
            return sign | (uint8_t)best;
        }
    }
    return sign | 0x7e;
}

// Block fake quantisation as nemotron-train's BlockQuantizer: per br x bc block (ragged at the edges)
// amax over finite elements, scale = (float)(amax / 448) (1 when 0), code = E4M3(x / scale) (the
// quotient in double), out = (float)(decode(code) * scale).
struct Fp8 {
    std::vector<uint8_t> codes;
    Vec scales, out;
};

inline Fp8 fake_quant(const Vec &x, int rows, int cols, int br, int bc) {
    int nrb = (rows + br - 1) / br, ncb = (cols + bc - 1) / bc;
    Fp8 f;
    f.codes.resize(x.size());
    f.out.resize(x.size());
    f.scales.resize((size_t)nrb * ncb);
    for (int rb = 0; rb < nrb; rb++)
        for (int cb = 0; cb < ncb; cb++) {
            int r1 = std::min(rows, (rb + 1) * br), c1 = std::min(cols, (cb + 1) * bc);
            double amax = 0;
            for (int r = rb * br; r < r1; r++)
                for (int c = cb * bc; c < c1; c++) {
                    double a = std::fabs((double)x[(size_t)r * cols + c]);
                    if (std::isfinite(a) && a > amax) amax = a;
                }
            float s = (float)(amax / 448.0);
            if (s == 0.0f) s = 1.0f;
            f.scales[(size_t)rb * ncb + cb] = s;
            for (int r = rb * br; r < r1; r++)
                for (int c = cb * bc; c < c1; c++) {
                    size_t i = (size_t)r * cols + c;
                    f.codes[i] = e4m3_encode((double)x[i] / s);
                    f.out[i] = (float)(e4m3_decode(f.codes[i]) * s);
                }
        }
    return f;
}

}  // namespace tref
