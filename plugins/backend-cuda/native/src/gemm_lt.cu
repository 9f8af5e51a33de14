// cuBLASLt bindings (dlopen) and the block-scaled FP8 GEMM of gemm_lt.h (the probe that confirms
// the scale layouts: gemm_lt_probe.cu).
//
// The build machine has no cuBLAS headers, so the prototypes and enum values are declared here.
// Sources of the values (each read in two public places):
//   cudaDataType_t CUDA_R_32F 0, CUDA_R_16BF 14, CUDA_R_8F_E4M3 28: library_types.h of the CUDA 13
//     toolkit on this machine; TransformerEngine cublaslt_gemm.cu uses the same names.
//   cublasComputeType_t CUBLAS_COMPUTE_32F 68: gemm.cu (cublas_api.h), the cuBLAS binding in use.
//   cublasOperation_t CUBLAS_OP_N 0, CUBLAS_OP_T 1: cublas_api.h (gemm.cu; public cublasLt.h copies).
//   cublasLtMatmulDescAttributes_t TRANSA 3, TRANSB 4, A_SCALE_POINTER 17, B_SCALE_POINTER 18,
//     A_SCALE_MODE 31, B_SCALE_MODE 32: cublasLt.h as transcribed in Modular's cublaslt.mojo
//     (github.com/modular/modular, max/kernels/src/_cublas/cublaslt.mojo) and in a cu13 dlopen
//     binding ("CUBLASLT_MATMUL_DESC_A_SCALE_MODE = 31 (cu13)").
//   cublasLtMatmulMatrixScale_t SCALAR_32F 0, VEC16_UE4M3 1, VEC32_UE8M0 2, OUTER_VEC_32F 3,
//     VEC128_32F 4, BLK128x128_32F 5: nvmath-python's cublasLt.MatmulMatrixScale (docs.nvidia.com)
//     and cublaslt.mojo (hipBLASLt mirrors the same numbers).
//   cublasLtMatmulPreferenceAttributes_t MAX_WORKSPACE_BYTES 1 (uint64_t), MIN_ALIGNMENT_A/B/C/D_BYTES
//     5/6/7/8 (uint32_t, default 256): cublasLt.h copies with their doc comments in public repositories.
//   cublasLtMatmulHeuristicResult_t { cublasLtMatmulAlgo_t algo (uint64_t[8]); size_t workspaceSize;
//     cublasStatus_t state; float wavesCount; int reserved[4]; }: cublasLt.h copies, cublaslt.mojo.
// Block scaling (Hopper only; cuBLAS 12.9+): A and B E4M3 in the TN form (both K-major), fp32 scale
// tensors, VEC128 x VEC128, BLK128 x VEC128 or VEC128 x BLK128 (not BLK x BLK) (cuBLAS docs,
// NVIDIA/CUDALibrarySamples cuBLASLt/LtBlk128x128Fp8Matmul, TransformerEngine's block-scaling GEMM).
// Scale tensor sizes (CUDALibrarySamples helpers.h getScaleTensorSize, inner = K, outer = M or N):
//   VEC128: ceil(K/128) * outer;  BLK128x128: round_up(ceil(K/128), 4) * ceil(outer/128)
// and strides (PyTorch ScaledBlas.cpp is_blockwise_1x128_scaling / is_blockwise_128x128_scaling):
//   1x128 scale of t [outer, K]: stride (1, outer), outer fastest;
//   128x128 scale: stride (round_up(ceil(K/128), 4), 1), the K block fastest, padded to 4.
// TransformerEngine pads the 1x128 scales' outer extent to a multiple of 4 instead. The first
// use runs a probe against a host reference that settles this (and every other candidate) on the
// device at hand; a layout that no probe confirms leaves the path unavailable, never wrong.
#include "gemm_lt_internal.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>

namespace nmc {
namespace lt_detail {
namespace {

Lt load_lt() {
    Lt c;
    const char *override_path = std::getenv("NEMOTRON_CUBLASLT_LIBRARY");
    // next to a cuBLAS named by NEMOTRON_CUBLAS_LIBRARY (…/libcublas.so.N -> …/libcublasLt.so.N)
    std::string beside;
    if (const char *cublas_path = std::getenv("NEMOTRON_CUBLAS_LIBRARY")) {
        beside = cublas_path;
        size_t at = beside.rfind("libcublas.");
        beside = at == std::string::npos ? "" : beside.replace(at, 10, "libcublasLt.");
    }
    const char *candidates[] = {override_path, beside.empty() ? nullptr : beside.c_str(), "libcublasLt.so.13",
                                "/usr/local/cuda/lib64/libcublasLt.so.13",
                                "/usr/local/cuda/targets/x86_64-linux/lib/libcublasLt.so.13", "libcublasLt.so.12",
                                "libcublasLt.so"};
    std::string tried;
    for (const char *name : candidates) {
        if (name == nullptr) continue;
        c.lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (c.lib != nullptr) {
            c.name = name;
            break;
        }
        const char *why = dlerror();
        tried += std::string(tried.empty() ? "" : "; ") + (why ? why : name);
    }
    if (c.lib == nullptr) {
        c.error = "cuBLASLt not found (set NEMOTRON_CUBLASLT_LIBRARY or LD_LIBRARY_PATH): " + tried;
        return c;
    }
    auto sym = [&](const char *s) {
        void *p = dlsym(c.lib, s);
        if (p == nullptr && c.error.empty()) c.error = std::string(c.name) + " lacks " + s;
        return p;
    };
    c.create = (CreateFn)sym("cublasLtCreate");
    c.destroy = (DestroyFn)sym("cublasLtDestroy");
    c.version = (VersionFn)sym("cublasLtGetVersion");
    c.desc_create = (DescCreateFn)sym("cublasLtMatmulDescCreate");
    c.desc_set = (SetAttrFn)sym("cublasLtMatmulDescSetAttribute");
    c.desc_destroy = (DestroyFn)sym("cublasLtMatmulDescDestroy");
    c.layout_create = (LayoutCreateFn)sym("cublasLtMatrixLayoutCreate");
    c.layout_destroy = (DestroyFn)sym("cublasLtMatrixLayoutDestroy");
    c.pref_create = (CreateFn)sym("cublasLtMatmulPreferenceCreate");
    c.pref_set = (SetAttrFn)sym("cublasLtMatmulPreferenceSetAttribute");
    c.pref_destroy = (DestroyFn)sym("cublasLtMatmulPreferenceDestroy");
    c.heuristic = (HeuristicFn)sym("cublasLtMatmulAlgoGetHeuristic");
    c.matmul = (MatmulFn)sym("cublasLtMatmul");
    return c;
}

}  // namespace

const Lt &lt() {
    static std::once_flag once;
    static Lt instance;
    std::call_once(once, [] { instance = load_lt(); });
    return instance;
}

int round4(int v) { return (v + 3) / 4 * 4; }

// the scale-layout candidates (gemm_lt_internal.h), in order of the evidence above
const char *const VEC_NAMES[3] = {"(o, kb) at o + kb*outer", "(o, kb) at o + kb*round4(outer)", "(o, kb) at o*kblocks + kb"};
const char *const BLK_NAMES[4] = {"(ob, kb) at ob*round4(kblocks) + kb", "(ob, kb) at ob*kblocks + kb",
                                  "(ob, kb) at ob + kb*oblocks", "(ob, kb) at ob + kb*round4(oblocks)"};

void strides_of(int mode, int variant, int outer, int k_blocks, int64_t *so, int64_t *sk) {
    int ob = (outer + 127) / 128;
    if (mode == LT_VEC128) {
        if (variant == 2) *so = k_blocks, *sk = 1;
        else *so = 1, *sk = variant == 1 ? round4(outer) : outer;
    } else {
        if (variant == 0) *so = round4(k_blocks), *sk = 1;
        else if (variant == 1) *so = k_blocks, *sk = 1;
        else *so = 1, *sk = variant == 3 ? round4(ob) : ob;
    }
}

int64_t count_of(int mode, int variant, int outer, int k_blocks) {
    int64_t so, sk;
    strides_of(mode, variant, outer, k_blocks, &so, &sk);
    int rows = mode == LT_VEC128 ? outer : (outer + 127) / 128;
    return (rows - 1) * so + (k_blocks - 1) * sk + 1 + 4;  // + 4: round4 padding of the last row
}

namespace {

std::atomic<int> g_vec{0}, g_blk{0};
std::atomic<int64_t> g_lt_calls{0}, g_fallback_calls{0};
std::mutex g_reason_mutex;
std::string g_last_fallback;

struct Handle {
    void *h = nullptr;
    std::mutex mutex;
    std::map<std::tuple<int, int, int, int64_t, int, int, int, int, int, int>, HeuristicResult> algos;
    std::map<std::tuple<int, int, int, int64_t, int, int, int, int, int, int>, int> refused;  // status
};

Handle &handle_of(int device) {
    static Handle handles[16];
    return handles[device & 15];
}

}  // namespace

void **handle_slot(int device) { return &handle_of(device).h; }

namespace {

uint32_t alignment_of(const void *p) {
    uint32_t a = 256;
    while (a > 1 && (uintptr_t)p % a != 0) a /= 2;
    return a;
}

}  // namespace

// The call itself; status codes are cuBLAS's (0 success, 15 NOT_SUPPORTED, 7 INVALID_VALUE, ...).
int lt_call(int device, cudaStream_t stream, void *workspace, size_t workspace_bytes, const LtOperand &a,
            const LtOperand &b, int k_pad, float beta, void *d, int d_type, int64_t ldd, std::string *why) {
    const Lt &L = lt();
    Handle &H = handle_of(device);
    int m = a.outer, n = b.outer;
    uint32_t al_a = alignment_of(a.codes), al_b = alignment_of(b.codes), al_d = alignment_of(d);
    auto key = std::make_tuple(m, n, k_pad, ldd, a.mode, b.mode, d_type, (int)al_a, (int)al_b, (int)al_d);
    void *desc = nullptr, *la = nullptr, *lb = nullptr, *ld = nullptr, *pref = nullptr;
    int st = 0;
    std::string step;
    auto check = [&](int s, const char *what) {
        if (st == 0 && s != 0) {
            st = s;
            step = what;
        }
    };
    int op_t = OP_T, op_n = OP_N, mode_a = a.mode, mode_b = b.mode;
    const void *sa = a.scales, *sb = b.scales;
    check(L.desc_create(&desc, COMPUTE_32F, R_32F), "cublasLtMatmulDescCreate");
    if (st == 0) check(L.desc_set(desc, DESC_TRANSA, &op_t, sizeof op_t), "set TRANSA");
    if (st == 0) check(L.desc_set(desc, DESC_TRANSB, &op_n, sizeof op_n), "set TRANSB");
    if (st == 0) check(L.desc_set(desc, DESC_A_SCALE_MODE, &mode_a, sizeof mode_a), "set A_SCALE_MODE");
    if (st == 0) check(L.desc_set(desc, DESC_B_SCALE_MODE, &mode_b, sizeof mode_b), "set B_SCALE_MODE");
    if (st == 0) check(L.desc_set(desc, DESC_A_SCALE_POINTER, &sa, sizeof sa), "set A_SCALE_POINTER");
    if (st == 0) check(L.desc_set(desc, DESC_B_SCALE_POINTER, &sb, sizeof sb), "set B_SCALE_POINTER");
    if (st == 0) check(L.layout_create(&la, R_8F_E4M3, k_pad, m, k_pad), "layout A");
    if (st == 0) check(L.layout_create(&lb, R_8F_E4M3, k_pad, n, k_pad), "layout B");
    if (st == 0) check(L.layout_create(&ld, d_type, m, n, ldd), "layout C/D");
    HeuristicResult hr{};
    bool have = false;
    {
        std::lock_guard<std::mutex> g(H.mutex);
        auto it = H.algos.find(key);
        if (it != H.algos.end()) {
            hr = it->second;
            have = true;
        } else {
            auto r = H.refused.find(key);
            if (r != H.refused.end() && st == 0) {
                st = r->second;
                step = "cublasLtMatmulAlgoGetHeuristic (cached)";
            }
        }
    }
    if (st == 0 && !have) {
        uint64_t ws = workspace_bytes;
        check(L.pref_create(&pref), "cublasLtMatmulPreferenceCreate");
        if (st == 0) check(L.pref_set(pref, PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws), "set MAX_WORKSPACE_BYTES");
        if (st == 0) check(L.pref_set(pref, PREF_MIN_ALIGNMENT_A, &al_a, sizeof al_a), "set MIN_ALIGNMENT_A");
        if (st == 0) check(L.pref_set(pref, PREF_MIN_ALIGNMENT_B, &al_b, sizeof al_b), "set MIN_ALIGNMENT_B");
        if (st == 0) check(L.pref_set(pref, PREF_MIN_ALIGNMENT_C, &al_d, sizeof al_d), "set MIN_ALIGNMENT_C");
        if (st == 0) check(L.pref_set(pref, PREF_MIN_ALIGNMENT_D, &al_d, sizeof al_d), "set MIN_ALIGNMENT_D");
        int returned = 0;
        if (st == 0) check(L.heuristic(H.h, desc, la, lb, ld, ld, pref, 1, &hr, &returned), "cublasLtMatmulAlgoGetHeuristic");
        if (st == 0 && returned == 0) {
            st = 15;
            step = "cublasLtMatmulAlgoGetHeuristic (no algorithm)";
        }
        std::lock_guard<std::mutex> g(H.mutex);
        if (st == 0) H.algos[key] = hr;
        else if (step.rfind("cublasLtMatmulAlgoGetHeuristic", 0) == 0) H.refused[key] = st;
    }
    float alpha = 1.0f;
    if (st == 0)
        check(L.matmul(H.h, desc, &alpha, a.codes, la, b.codes, lb, &beta, d, ld, d, ld, hr.algo, workspace,
                       workspace_bytes, stream),
              "cublasLtMatmul");
    if (pref) L.pref_destroy(pref);
    if (ld) L.layout_destroy(ld);
    if (lb) L.layout_destroy(lb);
    if (la) L.layout_destroy(la);
    if (desc) L.desc_destroy(desc);
    if (st != 0 && why != nullptr) {
        *why = step + " returned cuBLAS status " + std::to_string(st) + " (m=" + std::to_string(m) + " n=" +
               std::to_string(n) + " k=" + std::to_string(k_pad) + " ldd=" + std::to_string(ldd) + " modes " +
               std::to_string(a.mode) + "x" + std::to_string(b.mode) + " align " + std::to_string(al_a) + "/" +
               std::to_string(al_b) + "/" + std::to_string(al_d) + ")";
    }
    return st;
}


}  // namespace lt_detail

using namespace lt_detail;

const LtInfo &lt_info(int device) {
    static std::mutex mutex;
    static std::map<int, LtInfo> infos;
    std::lock_guard<std::mutex> g(mutex);
    auto it = infos.find(device);
    if (it == infos.end()) {
        it = infos.emplace(device, probe(device)).first;
        if (it->second.available) {
            g_vec = it->second.vec;
            g_blk = it->second.blk;
        }
    }
    return it->second;
}

void lt_scale_strides(int mode, int outer, int k_blocks, int64_t *so, int64_t *sk) {
    strides_of(mode, mode == LT_VEC128 ? g_vec.load() : g_blk.load(), outer, k_blocks, so, sk);
}

int64_t lt_scale_count(int mode, int outer, int k_blocks) {
    return count_of(mode, mode == LT_VEC128 ? g_vec.load() : g_blk.load(), outer, k_blocks);
}

int lt_fp8_gemm(int device, cudaStream_t stream, void *workspace, size_t workspace_bytes, const LtOperand &a,
                const LtOperand &b, int k_pad, float beta, float *d, int64_t ldd, std::string *why) {
    const LtInfo &info = lt_info(device);
    if (!info.available) {
        if (why) *why = info.reason;
        return LT_UNAVAILABLE;
    }
    if (a.mode == LT_VEC128 && b.mode == LT_VEC128 && !info.vec_vec) {
        if (why) *why = "1D x 1D block scaling did not pass the probe";
        return LT_UNAVAILABLE;
    }
    for (const LtOperand *o : {&a, &b}) {
        if (o->mode == LT_VEC128 && o->outer % 4 != 0 && !info.ragged_outer) {
            if (why) *why = "a 1x128-scaled operand of " + std::to_string(o->outer) + " rows (not a multiple of 4)";
            return LT_UNAVAILABLE;
        }
    }
    if (k_pad % 128 != 0 && !(k_pad % 16 == 0 && info.partial_k)) {
        if (why) *why = "a contraction of " + std::to_string(k_pad) + " (not a multiple of 128" +
                        (k_pad % 16 == 0 ? ", and a partial last 128-block did not pass the probe)" : " nor of 16)");
        return LT_UNAVAILABLE;
    }
    if (k_pad <= 0 || a.outer <= 0 || b.outer <= 0 || ldd < a.outer) {
        if (why) *why = "bad FP8 GEMM shape";
        return LT_UNAVAILABLE;
    }
    int st = lt_call(device, stream, workspace, workspace_bytes, a, b, k_pad, beta, d, R_32F, ldd, why);
    return st == 0 ? NMC_OK : LT_UNAVAILABLE;
}

void lt_count(bool through_lt, const std::string &fallback_reason) {
    if (through_lt) {
        g_lt_calls++;
        return;
    }
    g_fallback_calls++;
    std::lock_guard<std::mutex> g(g_reason_mutex);
    g_last_fallback = fallback_reason;
}

void lt_counts(int64_t *through_lt, int64_t *fallback) {
    if (through_lt) *through_lt = g_lt_calls.load();
    if (fallback) *fallback = g_fallback_calls.load();
}

}  // namespace nmc

// The FP8 GEMM path's state on `device` and the counts of the trainer's FP8 GEMMs so far: buf gets
// one line per probe step and a last line "fp8 gemm: cublaslt N, fallback M (last: reason)".
// Returns 1 when block-scaled cuBLASLt GEMMs are available, 0 when not, NMC_ERR on bad arguments.
extern "C" int nmc_fp8_gemm_status(int device, char *buf, size_t len, int64_t *lt_calls, int64_t *fallback_calls) {
    if (device < 0 || (buf == nullptr && len > 0)) return nmc::fail("nmc_fp8_gemm_status: bad argument");
    if (cudaSetDevice(device) != cudaSuccess) {
        cudaGetLastError();
        return nmc::fail("nmc_fp8_gemm_status: no device " + std::to_string(device));
    }
    const nmc::LtInfo &info = nmc::lt_info(device);
    std::string last;
    {
        std::lock_guard<std::mutex> g(nmc::g_reason_mutex);
        last = nmc::g_last_fallback;
    }
    std::string s = info.report + "\n" + (info.available ? "available" : "unavailable: " + info.reason) +
                    "\nfp8 gemm: cublaslt " + std::to_string(nmc::g_lt_calls.load()) + ", fallback " +
                    std::to_string(nmc::g_fallback_calls.load()) + (last.empty() ? "" : " (last: " + last + ")");
    if (len > 0) {
        size_t n = std::min(len - 1, s.size());
        memcpy(buf, s.data(), n);
        buf[n] = '\0';
    }
    if (lt_calls) *lt_calls = nmc::g_lt_calls.load();
    if (fallback_calls) *fallback_calls = nmc::g_fallback_calls.load();
    return info.available ? 1 : 0;
}
