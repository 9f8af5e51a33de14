// Double references of the trainer's row-summing backward kernels (kernels/train_reduce.cu), the
// formulas of the one-thread-per-column kernels they replaced; shared by the CPU emulation
// (test/emu/reduce_emulate.cpp) and the GPU self-test (test/train_selftest_reduce.h). Rows may have
// strides wider than their width; gradients of parameters are added to what dw / db hold.
#pragma once
#include <cmath>
#include <vector>

namespace rref {
using DVec = std::vector<double>;

inline double sig(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double softplus(double x) { return x > 20.0 ? x : std::log1p(std::exp(x)); }

// depthwise causal conv1d + silu:  u[t] = bias + sum_k w[k] in[t-K+1+k];  du = dout silu'(u);
// din[s] = sum_k w[k] du[s+K-1-k];  dw[k] += sum_t du[t] in[t-K+1+k];  db += sum_t du[t]
template <class F>
void conv_backward(int B, int L, int C, int K, const F &in, int in_ld, const F &w, const F *bias, const F &dout,
                   int dout_ld, DVec &din, int din_ld, DVec &dw, DVec *db) {
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++) {
            DVec du(L);
            for (int t = 0; t < L; t++) {
                double u = bias ? (double)(*bias)[c] : 0.0;
                for (int k = 0; k < K; k++) {
                    int tt = t - K + 1 + k;
                    if (tt >= 0) u += (double)w[c * K + k] * in[((size_t)b * L + tt) * in_ld + c];
                }
                double s = sig(u);
                du[t] = dout[((size_t)b * L + t) * dout_ld + c] * s * (1 + u * (1 - s));
                if (db) (*db)[c] += du[t];
                for (int k = 0; k < K; k++) {
                    int tt = t - K + 1 + k;
                    if (tt >= 0) dw[c * K + k] += du[t] * in[((size_t)b * L + tt) * in_ld + c];
                }
            }
            for (int t = 0; t < L; t++) {
                double acc = 0;
                for (int k = 0; k < K; k++) {
                    int s = t + K - 1 - k;
                    if (s < L) acc += (double)w[c * K + k] * du[s];
                }
                din[((size_t)b * L + t) * din_ld + c] = acc;
            }
        }
}

// grouped RMSNorm: dx = rstd w dy - x rstd^3 / gs sum(w dy x) (+= dx0 when given);  dw += dy x rstd
template <class F>
void rms_backward(int rows, int dim, int groups, const F &x, const F &w, const F &rstd, const F &dy, const F *dx0,
                  DVec &dx, DVec &dw) {
    const int gs = dim / groups;
    for (int r = 0; r < rows; r++)
        for (int q = 0; q < groups; q++) {
            double inv = rstd[(size_t)r * groups + q], dot = 0;
            size_t base = (size_t)r * dim + q * gs;
            for (int c = 0; c < gs; c++) dot += (double)w[q * gs + c] * dy[base + c] * x[base + c];
            for (int c = 0; c < gs; c++) {
                dx[base + c] = (dx0 ? (double)(*dx0)[base + c] : 0.0) + inv * w[q * gs + c] * dy[base + c] -
                               x[base + c] * inv * inv * inv * dot / gs;
                dw[q * gs + c] += (double)dy[base + c] * x[base + c] * inv;
            }
        }
}

// dt = clamp(softplus(raw + bias), lo, hi) (softplus in fp32, as the kernels decide the clamp):
// draw = ddt sigmoid(raw + bias) inside the clamp, 0 where it clamps; db += sum_r draw. Returns how
// many elements clamp.
template <class F>
int dt_backward(int rows, int heads, int ld, float lo, float hi, const F &raw, const F &bias, const F &ddt, DVec &draw,
                DVec &db) {
    int clamped = 0;
    for (int r = 0; r < rows; r++)
        for (int h = 0; h < heads; h++) {
            float v = raw[(size_t)r * ld + h] + bias[h];
            double sp = softplus((double)v);
            bool cl = sp < lo || sp > hi;
            clamped += cl;
            double g = cl ? 0.0 : ddt[(size_t)r * heads + h] * sig(v);
            draw[(size_t)r * ld + h] = g;
            db[h] += g;
        }
    return clamped;
}
}  // namespace rref
