// cuBLAS bindings (dlopen) and the one GEMM shape the model needs: activations times a
// row-major HF Linear weight, transposed.
#include "gemm.h"

#include <dlfcn.h>
#include <cstdlib>
#include <mutex>

namespace nmc {
namespace {

// Values from cublas_api.h / library_types.h (stable ABI).
constexpr int OP_N = 0, OP_T = 1;
constexpr int R_32F = 0, R_16F = 2, R_16BF = 14;
constexpr int COMPUTE_32F = 68, COMPUTE_32F_PEDANTIC = 69, COMPUTE_32F_FAST_TF32 = 77;
constexpr int GEMM_DEFAULT = -1;

using CreateFn = int (*)(void **);
using DestroyFn = int (*)(void *);
using SetStreamFn = int (*)(void *, cudaStream_t);
using SetWorkspaceFn = int (*)(void *, void *, size_t);
using GemmExFn = int (*)(void *, int, int, int, int, int, const void *, const void *, int, int,
                         const void *, int, int, const void *, void *, int, int, int, int);
using GemmBatchedFn = int (*)(void *, int, int, int, int, int, const void *, const void *, int, int,
                              long long, const void *, int, int, long long, const void *, void *, int,
                              int, long long, int, int, int);

struct Cublas {
    void *lib = nullptr;
    CreateFn create = nullptr;
    DestroyFn destroy = nullptr;
    SetStreamFn set_stream = nullptr;
    SetWorkspaceFn set_workspace = nullptr;
    GemmExFn gemm_ex = nullptr;
    GemmBatchedFn gemm_batched = nullptr;  // optional: training's attention
    std::string error;
};

Cublas load_cublas() {
    Cublas c;
    const char *override_path = std::getenv("NEMOTRON_CUBLAS_LIBRARY");
    const char *candidates[] = {override_path, "libcublas.so.13", "/usr/local/cuda/lib64/libcublas.so.13",
                                "/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.13", "libcublas.so.12",
                                "libcublas.so"};
    std::string tried;
    for (const char *name : candidates) {
        if (name == nullptr) continue;
        c.lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (c.lib != nullptr) break;
        const char *why = dlerror();
        tried += std::string(tried.empty() ? "" : "; ") + (why ? why : name);
    }
    if (c.lib == nullptr) {
        c.error = "cuBLAS not found (set NEMOTRON_CUBLAS_LIBRARY or LD_LIBRARY_PATH): " + tried;
        return c;
    }
    c.create = (CreateFn)dlsym(c.lib, "cublasCreate_v2");
    c.destroy = (DestroyFn)dlsym(c.lib, "cublasDestroy_v2");
    c.set_stream = (SetStreamFn)dlsym(c.lib, "cublasSetStream_v2");
    c.set_workspace = (SetWorkspaceFn)dlsym(c.lib, "cublasSetWorkspace_v2");
    c.gemm_ex = (GemmExFn)dlsym(c.lib, "cublasGemmEx");
    c.gemm_batched = (GemmBatchedFn)dlsym(c.lib, "cublasGemmStridedBatchedEx");
    if (!c.create || !c.destroy || !c.set_stream || !c.set_workspace || !c.gemm_ex) {
        c.error = "cuBLAS lacks cublasCreate_v2/cublasGemmEx/cublasSetWorkspace_v2 (too old?)";
    }
    return c;
}

const Cublas &cublas() {
    static std::once_flag once;
    static Cublas instance;
    std::call_once(once, [] { instance = load_cublas(); });
    return instance;
}

int cublas_fail(int status, const char *what) {
    return fail(std::string(what) + " failed: cuBLAS status " + std::to_string(status));
}

}  // namespace

int gemm_create(Gemm &gemm, cudaStream_t stream) {
    const Cublas &c = cublas();
    if (!c.error.empty()) return fail(c.error);
    int status = c.create(&gemm.handle);
    if (status != 0) return cublas_fail(status, "cublasCreate");
    if ((status = c.set_stream(gemm.handle, stream)) != 0) return cublas_fail(status, "cublasSetStream");
    gemm.workspace_bytes = 32u << 20;
    NMC_CUDA(cudaMalloc(&gemm.workspace, gemm.workspace_bytes));
    if ((status = c.set_workspace(gemm.handle, gemm.workspace, gemm.workspace_bytes)) != 0) {
        return cublas_fail(status, "cublasSetWorkspace");
    }
    return NMC_OK;
}

void gemm_destroy(Gemm &gemm) {
    if (gemm.handle != nullptr) cublas().destroy(gemm.handle);
    if (gemm.workspace != nullptr) cudaFree(gemm.workspace);
    gemm = Gemm{};
}

int gemm_xwt(Gemm &gemm, int dtype, const void *x, const void *w, float *y, int rows, int in,
             int out, float beta) {
    if (rows == 0) return NMC_OK;
    // Column-major view: Y^T [out, rows] = W [in, out]^T . X^T [in, rows].
    int type = dtype == NMC_F32 ? R_32F : dtype == NMC_BF16 ? R_16BF : R_16F;
    int compute = dtype == NMC_F32 ? COMPUTE_32F_PEDANTIC : COMPUTE_32F;
    float alpha = 1.0f;
    int status = cublas().gemm_ex(gemm.handle, OP_T, OP_N, out, rows, in, &alpha, w, type, in, x, type,
                                  in, &beta, y, R_32F, out, compute, GEMM_DEFAULT);
    if (status != 0) return cublas_fail(status, "cublasGemmEx");
    return NMC_OK;
}

int gemm_rm(Gemm &gemm, int dtype, bool trans_a, bool trans_b, int m, int n, int k, float alpha,
            const void *a, int lda, long long stride_a, const void *b, int ldb, long long stride_b,
            float beta, float *c, int ldc, long long stride_c, int batch) {
    if (m == 0 || n == 0 || batch == 0) return NMC_OK;
    // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: B first; a row-major
    // matrix read as column-major is its transpose, so the op flags carry over unchanged.
    int type = dtype == NMC_F32 || dtype == GEMM_TF32 ? R_32F : dtype == NMC_BF16 ? R_16BF : R_16F;
    int compute = dtype == NMC_F32 ? COMPUTE_32F_PEDANTIC : dtype == GEMM_TF32 ? COMPUTE_32F_FAST_TF32 : COMPUTE_32F;
    int op_a = trans_a ? OP_T : OP_N, op_b = trans_b ? OP_T : OP_N;
    int status;
    if (batch == 1) {
        status = cublas().gemm_ex(gemm.handle, op_b, op_a, n, m, k, &alpha, b, type, ldb, a, type, lda, &beta, c,
                                  R_32F, ldc, compute, GEMM_DEFAULT);
    } else {
        if (cublas().gemm_batched == nullptr) return fail("cuBLAS lacks cublasGemmStridedBatchedEx (too old?)");
        status = cublas().gemm_batched(gemm.handle, op_b, op_a, n, m, k, &alpha, b, type, ldb, stride_b, a, type,
                                       lda, stride_a, &beta, c, R_32F, ldc, stride_c, batch, compute, GEMM_DEFAULT);
    }
    if (status != 0) return cublas_fail(status, "cublasGemmEx (row-major)");
    return NMC_OK;
}

}  // namespace nmc
