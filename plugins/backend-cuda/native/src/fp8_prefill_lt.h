// Inference GEMMs of many rows on FP8 block-128 weights through cuBLASLt block-scaled E4M3 GEMMs
// (fp8_prefill_lt.cu): opt-in with NMC_FP8_PREFILL=cublaslt (default: the BF16 dequantise + cuBLAS
// path of forward.cu, the reference).
#pragma once

#include <string>

#include "model.h"

namespace nmc {
// Whether NMC_FP8_PREFILL=cublaslt asks for it (read at every call: the self-test switches it).
bool fp8_prefill_lt_wanted();
// y [rows, f.out] (fp32) = x [rows, f.in] (BF16) . (Q * scale)^T + beta y with x quantised to E4M3
// in 1 x 128 tiles (W8A8). NMC_OK, LT_UNAVAILABLE (why: not block-128 scales, in not a multiple of
// 128, stream capturing, no algorithm, ...) or NMC_ERR.
int fp8_prefill_lt(nmc_model *m, const void *x, const k::Fp8Weight &f, float *y, int rows, float beta,
                   std::string *why);
}  // namespace nmc
