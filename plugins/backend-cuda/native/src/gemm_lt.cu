// cuBLASLt bindings (dlopen) and the block-scaled FP8 GEMM of gemm_lt.h.
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
#include "gemm_lt.h"

#include <dlfcn.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <tuple>
#include <vector>

namespace nmc {
namespace {

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

const Lt &lt() {
    static std::once_flag once;
    static Lt instance;
    std::call_once(once, [] { instance = load_lt(); });
    return instance;
}

int round4(int v) { return (v + 3) / 4 * 4; }

// The scale-layout candidates the probe tries, in order of the evidence for them (see the top).
// VEC128 (o, kb):  0: o + kb * outer   1: o + kb * round4(outer)   2: o * k_blocks + kb
// BLK128 (ob, kb): 0: ob * round4(kb_n) + kb   1: ob * kb_n + kb   2: ob + kb * ob_n   3: ob + kb * round4(ob_n)
const char *VEC_NAMES[] = {"(o, kb) at o + kb*outer", "(o, kb) at o + kb*round4(outer)", "(o, kb) at o*kblocks + kb"};
const char *BLK_NAMES[] = {"(ob, kb) at ob*round4(kblocks) + kb", "(ob, kb) at ob*kblocks + kb",
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

uint32_t alignment_of(const void *p) {
    uint32_t a = 256;
    while (a > 1 && (uintptr_t)p % a != 0) a /= 2;
    return a;
}

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

// ---- the probe: tiny GEMMs on codes and scales made on the host, against a double reference ----

float e4m3_decode(uint8_t c) {
    int s = c >> 7, e = (c >> 3) & 15, m = c & 7;
    if (e == 15 && m == 7) return NAN;
    float v = e == 0 ? std::ldexp((float)m / 8.0f, -6) : std::ldexp(1.0f + (float)m / 8.0f, e - 7);
    return s ? -v : v;
}

struct ProbeOperand {
    int outer, mode;
    std::vector<uint8_t> codes;   // [outer, k_pad]
    std::vector<float> block;     // logical scales: VEC [outer][kb], BLK [ob][kb]
};

ProbeOperand probe_operand(int outer, int mode, int k_pad, uint32_t seed) {
    ProbeOperand p{outer, mode, {}, {}};
    std::mt19937 g(seed);
    p.codes.resize((size_t)outer * k_pad);
    for (uint8_t &c : p.codes) {
        c = (uint8_t)(g() & 0xff);
        if ((c & 0x7f) == 0x7f) c = 0x7e;         // no NaN
        if (((c >> 3) & 15) > 10) c &= 0xd7;       // magnitudes up to ~16: exponents <= 10
    }
    int kb = (k_pad + 127) / 128, rows = mode == LT_VEC128 ? outer : (outer + 127) / 128;
    p.block.resize((size_t)rows * kb);
    for (size_t i = 0; i < p.block.size(); i++) p.block[i] = std::ldexp(1.0f, (int)(g() % 7) - 3);  // 2^-3 .. 2^3
    return p;
}

float probe_scale(const ProbeOperand &p, int o, int k) {
    int kb_n = (int)(p.block.size() / (p.mode == LT_VEC128 ? p.outer : (p.outer + 127) / 128));
    int row = p.mode == LT_VEC128 ? o : o / 128;
    return p.block[(size_t)row * kb_n + k / 128];
}

std::vector<float> probe_scales_as(const ProbeOperand &p, int variant, int k_pad) {
    int kb = (k_pad + 127) / 128, rows = p.mode == LT_VEC128 ? p.outer : (p.outer + 127) / 128;
    int64_t so, sk;
    strides_of(p.mode, variant, p.outer, kb, &so, &sk);
    std::vector<float> s((size_t)count_of(p.mode, variant, p.outer, kb), 0.0f);
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < kb; b++) s[(size_t)(r * so + b * sk)] = p.block[(size_t)r * kb + b];
    return s;
}

// Runs D = A B^T with the given layouts; *err = max |D - ref| / max |ref|. Returns the cuBLAS
// status (0: it ran), -1 on a CUDA error.
int probe_run(int device, const ProbeOperand &A, int va, const ProbeOperand &B, int vb, int k_pad, int d_type,
              double *err, std::string *why) {
    int m = A.outer, n = B.outer;
    // scale buffers far larger than any candidate needs: a layout the library reads differently
    // from the candidate's must give wrong numbers, never a read past the allocation
    std::vector<float> sa = probe_scales_as(A, va, k_pad), sb = probe_scales_as(B, vb, k_pad);
    sa.resize(std::max<size_t>(sa.size(), 16384), 0.0f);
    sb.resize(std::max<size_t>(sb.size(), 16384), 0.0f);
    uint8_t *da = nullptr, *db = nullptr;
    float *dsa = nullptr, *dsb = nullptr;
    void *dd = nullptr, *ws = nullptr;
    size_t ws_bytes = 4u << 20;
    cudaStream_t st = nullptr;
    int rc = -1;
    std::vector<float> got((size_t)m * n);
    std::vector<uint16_t> got16((size_t)m * n);
    size_t d_el = d_type == R_32F ? 4 : 2;
    if (cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking) == cudaSuccess &&
        cudaMalloc((void **)&da, A.codes.size()) == cudaSuccess && cudaMalloc((void **)&db, B.codes.size()) == cudaSuccess &&
        cudaMalloc((void **)&dsa, sa.size() * 4) == cudaSuccess && cudaMalloc((void **)&dsb, sb.size() * 4) == cudaSuccess &&
        cudaMalloc(&dd, (size_t)m * n * d_el) == cudaSuccess && cudaMalloc(&ws, ws_bytes) == cudaSuccess &&
        cudaMemcpy(da, A.codes.data(), A.codes.size(), cudaMemcpyHostToDevice) == cudaSuccess &&
        cudaMemcpy(db, B.codes.data(), B.codes.size(), cudaMemcpyHostToDevice) == cudaSuccess &&
        cudaMemcpy(dsa, sa.data(), sa.size() * 4, cudaMemcpyHostToDevice) == cudaSuccess &&
        cudaMemcpy(dsb, sb.data(), sb.size() * 4, cudaMemcpyHostToDevice) == cudaSuccess &&
        cudaMemset(dd, 0, (size_t)m * n * d_el) == cudaSuccess) {
        LtOperand a{da, dsa, m, A.mode}, b{db, dsb, n, B.mode};
        rc = lt_call(device, st, ws, ws_bytes, a, b, k_pad, 0.0f, dd, d_type, m, why);
        if (rc == 0) {
            cudaError_t e = cudaStreamSynchronize(st);
            if (e == cudaSuccess)
                e = d_type == R_32F ? cudaMemcpy(got.data(), dd, got.size() * 4, cudaMemcpyDeviceToHost)
                                    : cudaMemcpy(got16.data(), dd, got16.size() * 2, cudaMemcpyDeviceToHost);
            if (e != cudaSuccess) {
                rc = -1;
                if (why) *why = std::string("CUDA error after the probe GEMM: ") + cudaGetErrorString(e);
            }
        }
    } else if (why) {
        *why = "CUDA allocation or copy for the probe failed";
        cudaGetLastError();
    }
    if (st) cudaStreamDestroy(st);
    for (void *p : {(void *)da, (void *)db, (void *)dsa, (void *)dsb, dd, ws}) cudaFree(p);
    if (rc != 0) return rc;
    if (d_type != R_32F)
        for (size_t i = 0; i < got.size(); i++) {
            uint32_t u = (uint32_t)got16[i] << 16;
            memcpy(&got[i], &u, 4);
        }
    double worst = 0, norm = 1e-30;
    std::vector<double> ref((size_t)m * n, 0.0);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            double acc = 0;
            for (int k = 0; k < k_pad; k++)
                acc += (double)e4m3_decode(A.codes[(size_t)i * k_pad + k]) * probe_scale(A, i, k) *
                       e4m3_decode(B.codes[(size_t)j * k_pad + k]) * probe_scale(B, j, k);
            ref[(size_t)i + (size_t)j * m] = acc;
            norm = std::max(norm, std::fabs(acc));
        }
    for (size_t i = 0; i < ref.size(); i++) {
        double e = std::fabs(got[i] - ref[i]);
        if (!(e <= worst)) worst = std::isnan(e) ? 1e30 : e;
    }
    *err = worst / norm;
    return 0;
}

LtInfo probe(int device) {
    LtInfo info;
    const Lt &L = lt();
    auto say = [&](const std::string &s) { info.report += (info.report.empty() ? "" : "\n") + s; };
    if (!L.error.empty()) {
        info.reason = L.error;
        say(info.reason);
        return info;
    }
    info.library = L.name;
    info.version = L.version();
    say("library " + L.name + ", cublasLtGetVersion " + std::to_string(info.version));
    if (info.version < MIN_VERSION) {
        info.reason = "cuBLASLt " + std::to_string(info.version) + " predates block-scaled FP8 (needs 120900+)";
        say(info.reason);
        return info;
    }
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, device) != cudaSuccess) {
        cudaGetLastError();
        info.reason = "cannot read the properties of device " + std::to_string(device);
        return info;
    }
    say("device sm_" + std::to_string(prop.major) + std::to_string(prop.minor));
    if (prop.major != 9) {
        info.reason = "block-scaled FP8 (VEC128 / BLK128x128) is a Hopper (sm_90) cuBLASLt mode; device is sm_" +
                      std::to_string(prop.major) + std::to_string(prop.minor);
        say(info.reason);
        return info;
    }
    Handle &H = handle_of(device);
    int st = L.create(&H.h);
    if (st != 0) {
        info.reason = "cublasLtCreate returned cuBLAS status " + std::to_string(st);
        say(info.reason);
        return info;
    }
    const double TOL = 1e-3;  // fp32 accumulation of exact products: far below a wrong layout's O(1)
    char buf[256];
    // 1. 2D x 1D (forward and data gradient): A BLK 256 rows (2 blocks), B VEC 64 rows, K 384 (3 blocks)
    const int K = 384;
    ProbeOperand A = probe_operand(256, LT_BLK128, K, 1), B = probe_operand(64, LT_VEC128, K, 2);
    for (int vb : {0, 2}) {
        for (int va = 0; va < 4 && info.blk < 0; va++) {
            double err = 0;
            std::string why;
            int rc = probe_run(device, A, va, B, vb, K, R_32F, &err, &why);
            if (rc != 0) {
                say("2D x 1D probe, fp32 out: " + why);
                if (rc == -1) {
                    info.reason = "probe failed: " + why;
                    return info;
                }
                double e16 = 0;
                std::string w16;
                int r16 = probe_run(device, A, va, B, vb, K, R_16BF, &e16, &w16);
                say(r16 == 0 ? "  (with BF16 out it runs: fp32 out is what is missing; not wired)"
                             : "  with BF16 out as well: " + w16);
                info.reason = "no cuBLASLt algorithm for block-scaled E4M3 with fp32 output: " + why;
                return info;
            }
            snprintf(buf, sizeof buf, "2D x 1D probe: BLK %s, VEC %s: max err %.2e%s", BLK_NAMES[va], VEC_NAMES[vb], err,
                     err <= TOL ? " (match)" : "");
            say(buf);
            if (err <= TOL) {
                info.blk = va;
                info.vec = vb;
            }
        }
        if (info.blk >= 0) break;
    }
    if (info.blk < 0) {
        info.reason = "no candidate scale layout reproduced the host reference (see the probe report)";
        return info;
    }
    info.available = true;
    // 2. a VEC128 operand of 66 rows (not a multiple of 4): which padding of the outer stride
    if (info.vec == 2) {
        info.ragged_outer = true;  // outer-major strides do not depend on the row count
    } else {
        ProbeOperand B66 = probe_operand(66, LT_VEC128, K, 3);
        for (int vb : {info.vec, 1 - info.vec}) {
            double err = 0;
            std::string why;
            int rc = probe_run(device, A, info.blk, B66, vb, K, R_32F, &err, &why);
            if (rc != 0) {
                say("ragged-outer probe (66 rows): " + why + " (such shapes fall back)");
                if (rc == -1) {
                    info.available = false;
                    info.reason = "probe failed: " + why;
                    return info;
                }
                break;
            }
            snprintf(buf, sizeof buf, "ragged-outer probe (66 rows): VEC %s: max err %.2e%s", VEC_NAMES[vb], err,
                     err <= TOL ? " (match)" : "");
            say(buf);
            if (err <= TOL) {
                info.vec = vb;
                info.ragged_outer = true;
                break;
            }
        }
        if (!info.ragged_outer) say("VEC128 operands with a row count not a multiple of 4 fall back to fake quant");
    }
    // 3. 1D x 1D (the weight gradient)
    {
        ProbeOperand A1 = probe_operand(128, LT_VEC128, K, 4), B1 = probe_operand(64, LT_VEC128, K, 5);
        double err = 0;
        std::string why;
        int rc = probe_run(device, A1, info.vec, B1, info.vec, K, R_32F, &err, &why);
        if (rc == 0) {
            snprintf(buf, sizeof buf, "1D x 1D probe: max err %.2e%s", err, err <= TOL ? " (match)" : " (MISMATCH)");
            say(buf);
            info.vec_vec = err <= TOL;
        } else {
            say("1D x 1D probe: " + why + " (weight gradients fall back)");
            if (rc == -1) {
                info.available = false;
                info.reason = "probe failed: " + why;
                return info;
            }
        }
    }
    // 4. a contraction that is no multiple of 128 (320: a last block of 64), for FP8 checkpoints whose
    //    in is not padded (the trainer pads its own operands with zero codes and never needs this)
    {
        const int K2 = 320;
        ProbeOperand A2 = probe_operand(256, LT_BLK128, K2, 6), B2 = probe_operand(64, LT_VEC128, K2, 7);
        double err = 0;
        std::string why;
        int rc = probe_run(device, A2, info.blk, B2, info.vec, K2, R_32F, &err, &why);
        if (rc == 0) {
            snprintf(buf, sizeof buf, "partial-K probe (K 320): max err %.2e%s", err, err <= TOL ? " (match)" : " (MISMATCH)");
            say(buf);
            info.partial_k = err <= TOL;
        } else {
            say("partial-K probe (K 320): " + why + " (contractions not a multiple of 128 fall back)");
            if (rc == -1) {
                info.available = false;
                info.reason = "probe failed: " + why;
                return info;
            }
        }
    }
    g_vec = info.vec;
    g_blk = info.blk;
    return info;
}

}  // namespace

const LtInfo &lt_info(int device) {
    static std::mutex mutex;
    static std::map<int, LtInfo> infos;
    std::lock_guard<std::mutex> g(mutex);
    auto it = infos.find(device);
    if (it == infos.end()) it = infos.emplace(device, probe(device)).first;
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
