// Block-scaled FP8 E4M3 GEMMs through cuBLASLt (Hopper, cuBLASLt 12.9+), loaded at run time with
// dlopen like cuBLAS (gemm.cu). The trainer's FP8 recipe (train_linear.cu) runs on it when it is
// available and falls back to the fake-quantised fp32 GEMMs (the reference) when it is not.
//
// Operands are K-major (the "TN" form FP8 needs on Hopper): an operand with `outer` rows stores
// the E4M3 code of (row o, contraction index k) at codes[o * k_pad + k], k_pad a multiple of 128
// (the trainer pads with zero codes past the true K) or, when the probe confirmed partial last
// blocks (LtInfo::partial_k), of 16. k_blocks = ceil(k_pad / 128). Scale modes:
//   VEC128  one fp32 scale per row and 128 contraction indices: (o, kb) at scales[o * so + kb * sk]
//   BLK128  one fp32 scale per 128 x 128 block: (ob, kb) at scales[ob * so + kb * sk]
// with (so, sk) from lt_scale_strides: the layout the library expects, confirmed at first use by a
// probe GEMM against a host reference (lt_info().vec / .blk name the layout that matched).
#pragma once

#include <string>

#include "nmc_internal.h"

namespace nmc {

constexpr int LT_VEC128 = 4;  // CUBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F
constexpr int LT_BLK128 = 5;  // CUBLASLT_MATMUL_MATRIX_SCALE_BLK128x128_32F
constexpr int LT_UNAVAILABLE = 1;  // lt_fp8_gemm: cannot run this GEMM (reason given); not an error

struct LtInfo {
    bool available = false;   // the library, the device and the probe allow 2D x 1D GEMMs
    bool vec_vec = false;     // 1D x 1D (the weight gradient) probed correct
    bool ragged_outer = false;  // a VEC128 operand whose row count is not a multiple of 4 probed correct
    bool partial_k = false;   // a contraction that is a multiple of 16 but not of 128 probed correct
    int vec = -1, blk = -1;   // the scale layouts that matched (index into the candidate lists)
    size_t version = 0;       // cublasLtGetVersion()
    std::string library, reason, report;  // reason: why not available; report: every probe step
};

// The state of the FP8 path on `device` (loads the library and runs the probe once per process).
const LtInfo &lt_info(int device);

// (so, sk) of a scale mode for an operand with `outer` rows and k_blocks 128-blocks of contraction.
void lt_scale_strides(int mode, int outer, int k_blocks, int64_t *so, int64_t *sk);
// floats a scale tensor of that shape spans
int64_t lt_scale_count(int mode, int outer, int k_blocks);

struct LtOperand {
    const uint8_t *codes = nullptr;
    const float *scales = nullptr;
    int outer = 0;
    int mode = LT_VEC128;
};

// D (column-major m x n, m = a.outer, n = b.outer, column stride ldd; i.e. row-major [n, m]) =
// A . B^T over k_pad + beta D, fp32 out, fp32 accumulation. LT_UNAVAILABLE (why set) when this
// shape, alignment or mode pair has no algorithm; NMC_ERR on a failed launch.
int lt_fp8_gemm(int device, cudaStream_t stream, void *workspace, size_t workspace_bytes, const LtOperand &a,
                const LtOperand &b, int k_pad, float beta, float *d, int64_t ldd, std::string *why);

// counters of the trainer's FP8 GEMMs: through cuBLASLt, and through the fake-quant fallback
void lt_count(bool through_lt, const std::string &fallback_reason);
// those counters (no probe)
void lt_counts(int64_t *through_lt, int64_t *fallback);

}  // namespace nmc
