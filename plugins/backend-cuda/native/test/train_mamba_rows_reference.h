// Double references of the Mamba gated RMSNorm (train_mamba.cu step 5, forward and backward), for
// the row kernels of kernels/train_mamba_rows.cu; shared by the CPU emulation
// (test/emu/mamba_rows_emulate.cpp) and the GPU self-test (test/train_selftest_mamba_rows.h). The
// conv1d and dt backward references are train_reduce_reference.h's. z rows of z_ld; the backward
// takes the forward's fp32 rstd as the kernels do; dw is added to.
#pragma once
#include <cmath>
#include <vector>

namespace mref {
using DVec = std::vector<double>;

inline double silu(double x) { return x / (1.0 + std::exp(-x)); }

// tg = y silu(z);  mid = w tg rstd,  rstd[r, g] = 1 / sqrt(mean_g(tg^2) + eps)
template <class F>
void gated_norm_forward(int rows, int dim, int groups, const F &y, const F &z, int z_ld, const F &w, double eps,
                        DVec &mid, DVec &rstd) {
    const int gs = dim / groups;
    for (int r = 0; r < rows; r++)
        for (int q = 0; q < groups; q++) {
            double ss = 0;
            for (int c = q * gs; c < (q + 1) * gs; c++) {
                double t = y[(size_t)r * dim + c] * silu(z[(size_t)r * z_ld + c]);
                ss += t * t;
            }
            double inv = 1.0 / std::sqrt(ss / gs + eps);
            rstd[(size_t)r * groups + q] = inv;
            for (int c = q * gs; c < (q + 1) * gs; c++)
                mid[(size_t)r * dim + c] = w[c] * y[(size_t)r * dim + c] * silu(z[(size_t)r * z_ld + c]) * inv;
        }
}

// dtg = rstd w dmid - tg rstd^3 / gs sum_g(w dmid tg);  dy = dtg silu(z);  dz = dtg y silu'(z);
// dw += dmid tg rstd
template <class F>
void gated_norm_backward(int rows, int dim, int groups, const F &y, const F &z, int z_ld, const F &w, const F &rstd,
                         const F &dmid, DVec &dy, DVec &dz, DVec &dw) {
    const int gs = dim / groups;
    for (int r = 0; r < rows; r++)
        for (int q = 0; q < groups; q++) {
            const double inv = rstd[(size_t)r * groups + q];
            double dot = 0;
            for (int c = q * gs; c < (q + 1) * gs; c++)
                dot += (double)w[c] * dmid[(size_t)r * dim + c] * y[(size_t)r * dim + c] * silu(z[(size_t)r * z_ld + c]);
            for (int c = q * gs; c < (q + 1) * gs; c++) {
                const size_t i = (size_t)r * dim + c;
                const double zv = z[(size_t)r * z_ld + c], s = 1.0 / (1.0 + std::exp(-zv)), tg = y[i] * silu(zv);
                const double dtg = inv * w[c] * dmid[i] - tg * inv * inv * inv * dot / gs;
                dy[i] = dtg * zv * s;
                dz[(size_t)r * z_ld + c] = dtg * y[i] * s * (1 + zv * (1 - s));
                dw[c] += dmid[i] * tg * inv;
            }
        }
}
}  // namespace mref
