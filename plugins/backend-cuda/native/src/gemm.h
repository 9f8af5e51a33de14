// GEMMs through cuBLAS, loaded at run time with dlopen so that the library builds without the
// cuBLAS headers and reports a missing cuBLAS as a clear error rather than a failed dlopen of
// the whole library.
#pragma once

#include "nmc_internal.h"

namespace nmc {

// A cuBLAS handle bound to one stream, with a fixed workspace (required for graph capture).
struct Gemm {
    void *handle = nullptr;
    void *workspace = nullptr;
    size_t workspace_bytes = 0;
};

int gemm_create(Gemm &gemm, cudaStream_t stream);
void gemm_destroy(Gemm &gemm);

// y[rows, out] (fp32) = x[rows, in] . W[out, in]^T  (+ beta * y)
// x and W share `dtype` (NMC_F32: pedantic fp32, no TF32; NMC_BF16/NMC_F16: fp32 accumulation).
int gemm_xwt(Gemm &gemm, int dtype, const void *x, const void *w, float *y, int rows, int in,
             int out, float beta);

// gemm_rm's dtype for fp32 operands on tensor cores: TF32 inputs (10-bit mantissa), fp32
// accumulation (CUBLAS_COMPUTE_32F_FAST_TF32). The chunked scan's backward under tc-bwd.
constexpr int GEMM_TF32 = 100;

// Row-major, batched (batch > 1: strided): C[m, n] = alpha op(A) op(B) + beta C, op(X) = X^T
// when trans_x; A is [m, k] (or [k, m] transposed) with row stride lda, B [k, n] (or [n, k]) with
// ldb, C fp32 with ldc. A and B share `dtype` (NMC_F32 pedantic fp32, no TF32; GEMM_TF32 fp32
// operands through TF32; else fp32 accumulation). Used by the trainer (train.cu).
int gemm_rm(Gemm &gemm, int dtype, bool trans_a, bool trans_b, int m, int n, int k, float alpha,
            const void *a, int lda, long long stride_a, const void *b, int ldb, long long stride_b,
            float beta, float *c, int ldc, long long stride_c, int batch);

}  // namespace nmc
