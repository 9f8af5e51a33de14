// Host emulation of gemm.h's gemm_rm (see nmc_internal.h here).
#pragma once
#include "nmc_internal.h"

namespace nmc {
struct Gemm {};
constexpr int GEMM_TF32 = 100;  // read as fp32 here (gemm.h: TF32 tensor cores on the GPU)
inline float bf16_at(const void *p, int64_t i) {
    uint32_t u = (uint32_t)static_cast<const uint16_t *>(p)[i] << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}
inline int gemm_rm(Gemm &, int dtype, bool ta, bool tb, int m, int n, int k, float alpha, const void *a, int lda,
                   long long sa, const void *b, int ldb, long long sb, float beta, float *c, int ldc, long long sc,
                   int batch) {
    auto at = [&](const void *p, int64_t i) {
        return dtype == NMC_BF16 ? bf16_at(p, i) : static_cast<const float *>(p)[i];
    };
    if (lda < (ta ? m : k) || ldb < (tb ? k : n) || ldc < n) return fail("emulated gemm_rm: leading dimension too small");
    for (int q = 0; q < batch; q++)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int l = 0; l < k; l++) {
                    int64_t ia = q * sa + (ta ? (int64_t)l * lda + i : (int64_t)i * lda + l);
                    int64_t ib = q * sb + (tb ? (int64_t)j * ldb + l : (int64_t)l * ldb + j);
                    acc += (double)at(a, ia) * at(b, ib);
                }
                float &o = c[q * sc + (int64_t)i * ldc + j];
                o = (float)(alpha * acc + (beta == 0.0f ? 0.0 : beta * o));
            }
    return NMC_OK;
}
}  // namespace nmc
