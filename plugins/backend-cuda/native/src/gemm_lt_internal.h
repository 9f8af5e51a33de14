// Internals shared by gemm_lt.cu (the cuBLASLt binding and the GEMM) and gemm_lt_probe.cu (the
// probe of the scale layouts): the declared ABI (values and their sources: gemm_lt.cu's header),
// the loaded library, the scale-layout candidates and the call itself.
#pragma once

#include <string>

#include "gemm_lt.h"

namespace nmc::lt_detail {

constexpr int R_32F = 0, R_16BF = 14, R_8F_E4M3 = 28;
constexpr int COMPUTE_32F = 68;
constexpr int OP_N = 0, OP_T = 1;
constexpr int DESC_TRANSA = 3, DESC_TRANSB = 4, DESC_A_SCALE_POINTER = 17, DESC_B_SCALE_POINTER = 18,
              DESC_A_SCALE_MODE = 31, DESC_B_SCALE_MODE = 32;
constexpr int PREF_MAX_WORKSPACE_BYTES = 1, PREF_MIN_ALIGNMENT_A = 5, PREF_MIN_ALIGNMENT_B = 6,
              PREF_MIN_ALIGNMENT_C = 7, PREF_MIN_ALIGNMENT_D = 8;
constexpr size_t MIN_VERSION = 120900;  // block scaling arrived in cuBLAS 12.9

struct HeuristicResult {
    uint64_t algo[8];
    size_t workspace_size;
    int state;
    float waves;
    int reserved[4];
};
static_assert(sizeof(HeuristicResult) == 96, "cublasLtMatmulHeuristicResult_t is 96 bytes");

using CreateFn = int (*)(void **);
using DestroyFn = int (*)(void *);
using VersionFn = size_t (*)();
using DescCreateFn = int (*)(void **, int, int);
using SetAttrFn = int (*)(void *, int, const void *, size_t);
using LayoutCreateFn = int (*)(void **, int, uint64_t, uint64_t, int64_t);
using HeuristicFn = int (*)(void *, void *, void *, void *, void *, void *, void *, int, HeuristicResult *, int *);
using MatmulFn = int (*)(void *, void *, const void *, const void *, void *, const void *, void *, const void *,
                         const void *, void *, void *, void *, const void *, void *, size_t, cudaStream_t);


struct Lt {
    void *lib = nullptr;
    CreateFn create = nullptr;
    DestroyFn destroy = nullptr;
    VersionFn version = nullptr;
    DescCreateFn desc_create = nullptr;
    SetAttrFn desc_set = nullptr;
    DestroyFn desc_destroy = nullptr;
    LayoutCreateFn layout_create = nullptr;
    DestroyFn layout_destroy = nullptr;
    CreateFn pref_create = nullptr;
    SetAttrFn pref_set = nullptr;
    DestroyFn pref_destroy = nullptr;
    HeuristicFn heuristic = nullptr;
    MatmulFn matmul = nullptr;
    std::string name, error;
};

// the library, loaded once (error set when it or a symbol is missing)
const Lt &lt();
// the cuBLASLt handle of `device` (created by the probe)
void **handle_slot(int device);

int round4(int v);
// The scale-layout candidates the probe tries, in order of the evidence for them (gemm_lt.cu).
// VEC128 (o, kb):  0: o + kb * outer   1: o + kb * round4(outer)   2: o * k_blocks + kb
// BLK128 (ob, kb): 0: ob * round4(kb_n) + kb   1: ob * kb_n + kb   2: ob + kb * ob_n   3: ob + kb * round4(ob_n)
extern const char *const VEC_NAMES[3];
extern const char *const BLK_NAMES[4];
void strides_of(int mode, int variant, int outer, int k_blocks, int64_t *so, int64_t *sk);
int64_t count_of(int mode, int variant, int outer, int k_blocks);

// One GEMM (D type d_type, C = D): the cuBLAS status (0 success, 15 NOT_SUPPORTED, 7 INVALID_VALUE, ...),
// with `why` naming the step, the status and the shape when not 0.
int lt_call(int device, cudaStream_t stream, void *workspace, size_t workspace_bytes, const LtOperand &a,
            const LtOperand &b, int k_pad, float beta, void *d, int d_type, int64_t ldd, std::string *why);

// gemm_lt_probe.cu: loads nothing itself; creates the handle and runs the probe GEMMs on `device`
LtInfo probe(int device);

}  // namespace nmc::lt_detail
