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

}  // namespace nmc
