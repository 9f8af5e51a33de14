// Plain CPU reference implementations (double accumulation) the self-test checks the GPU
// kernels against: the llm.c habit of a simple path next to the fast one.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace ref {

using Vec = std::vector<float>;

inline double silu(double x) { return x / (1.0 + std::exp(-x)); }
inline double softplus(double x) { return x > 20.0 ? x : std::log1p(std::exp(x)); }

// out[r, o] = sum_i x[r, i] w[o, i] + b[o]
inline Vec matmul(const Vec &x, int rows, int in, const Vec &w, int out, const Vec *b) {
    Vec y((size_t)rows * out);
    for (int r = 0; r < rows; r++)
        for (int o = 0; o < out; o++) {
            double acc = b ? (*b)[o] : 0.0;
            for (int i = 0; i < in; i++) acc += (double)x[(size_t)r * in + i] * w[(size_t)o * in + i];
            y[(size_t)r * out + o] = (float)acc;
        }
    return y;
}

inline Vec rms_norm(const Vec &x, int rows, int dim, const Vec &w, double eps) {
    Vec y(x.size());
    for (int r = 0; r < rows; r++) {
        double ss = 0;
        for (int c = 0; c < dim; c++) ss += (double)x[(size_t)r * dim + c] * x[(size_t)r * dim + c];
        double inv = 1.0 / std::sqrt(ss / dim + eps);
        for (int c = 0; c < dim; c++) y[(size_t)r * dim + c] = (float)(w[c] * x[(size_t)r * dim + c] * inv);
    }
    return y;
}

inline Vec gated_norm(const Vec &y, const Vec &z, int rows, int dim, int groups, const Vec &w, double eps) {
    Vec out(y.size());
    int gs = dim / groups;
    for (int r = 0; r < rows; r++)
        for (int g = 0; g < groups; g++) {
            std::vector<double> t(gs);
            double ss = 0;
            for (int c = 0; c < gs; c++) {
                size_t i = (size_t)r * dim + g * gs + c;
                t[c] = y[i] * silu(z[i]);
                ss += t[c] * t[c];
            }
            double inv = 1.0 / std::sqrt(ss / gs + eps);
            for (int c = 0; c < gs; c++) out[(size_t)r * dim + g * gs + c] = (float)(w[g * gs + c] * t[c] * inv);
        }
    return out;
}

// window [C, K-1] updated in place
inline Vec conv1d(const Vec &x, int L, int C, int K, const Vec &w, const Vec *b, Vec &window) {
    Vec out((size_t)L * C);
    for (int c = 0; c < C; c++) {
        std::vector<double> hist(K - 1);
        for (int k = 0; k < K - 1; k++) hist[k] = window[(size_t)c * (K - 1) + k];
        for (int t = 0; t < L; t++) {
            double acc = b ? (*b)[c] : 0.0;
            for (int k = 0; k < K - 1; k++) acc += w[(size_t)c * K + k] * hist[k];
            double xt = x[(size_t)t * C + c];
            acc += w[(size_t)c * K + K - 1] * xt;
            out[(size_t)t * C + c] = (float)acc;
            for (int k = 0; k + 1 < K - 1; k++) hist[k] = hist[k + 1];
            if (K > 1) hist[K - 2] = xt;
        }
        for (int k = 0; k < K - 1; k++) window[(size_t)c * (K - 1) + k] = (float)hist[k];
    }
    return out;
}

// The recurrence, token by token; state [H, P, N] updated in place.
inline Vec scan(int H, int P, int G, int N, int L, const Vec &x, const Vec &dt, const Vec &a, const Vec &B,
                const Vec &C, const Vec &D, Vec &state) {
    Vec y((size_t)L * H * P);
    std::vector<double> S(state.begin(), state.end());
    for (int t = 0; t < L; t++)
        for (int h = 0; h < H; h++) {
            int g = h / (H / G);
            double d = dt[(size_t)t * H + h], decay = std::exp(d * a[h]);
            for (int p = 0; p < P; p++) {
                double xv = x[((size_t)t * H + h) * P + p], acc = 0;
                for (int n = 0; n < N; n++) {
                    double &s = S[((size_t)h * P + p) * N + n];
                    s = decay * s + d * xv * B[((size_t)t * G + g) * N + n];
                    acc += s * C[((size_t)t * G + g) * N + n];
                }
                y[((size_t)t * H + h) * P + p] = (float)(acc + D[h] * xv);
            }
        }
    for (size_t i = 0; i < S.size(); i++) state[i] = (float)S[i];
    return y;
}

// queries at positions keys - queries + i
inline Vec attention(int Q, int K, int qH, int kvH, int hd, double scale, const Vec &q, const Vec &k, const Vec &v) {
    Vec out((size_t)Q * qH * hd);
    for (int i = 0; i < Q; i++)
        for (int h = 0; h < qH; h++) {
            int kh = h / (qH / kvH), pos = K - Q + i;
            std::vector<double> s(pos + 1);
            double mx = -1e300;
            for (int j = 0; j <= pos; j++) {
                double dot = 0;
                for (int d = 0; d < hd; d++) dot += (double)q[((size_t)i * qH + h) * hd + d] * k[((size_t)j * kvH + kh) * hd + d];
                s[j] = dot * scale;
                mx = std::max(mx, s[j]);
            }
            double sum = 0;
            for (double &e : s) sum += (e = std::exp(e - mx));
            for (int d = 0; d < hd; d++) {
                double acc = 0;
                for (int j = 0; j <= pos; j++) acc += s[j] * v[((size_t)j * kvH + kh) * hd + d];
                out[((size_t)i * qH + h) * hd + d] = (float)(acc / sum);
            }
        }
    return out;
}

}  // namespace ref
