// nmc_gemm_peak: the dense GEMM rate the training benchmark relates its FLOP rate to.
#include "gemm.h"
#include "kernels/kernels.h"
#include "nmc_internal.h"

// The dense GEMM peak the training benchmark relates its FLOP rate to: C [n, n] (fp32) = A B^T with
// A, B [n, n] in `dtype` (NMC_F32: pedantic fp32, no TF32; NMC_BF16: fp32 accumulation), timed
// over `iters` GEMMs after one warm-up with CUDA events: 2 n^3 iters / seconds.
extern "C" int nmc_gemm_peak(int device, int dtype, int n, int iters, double *tflops) {
    if (tflops == nullptr || n <= 0 || n > 32768 || iters <= 0) return nmc::fail("nmc_gemm_peak: bad argument");
    if (dtype != NMC_F32 && dtype != NMC_BF16) return nmc::fail("nmc_gemm_peak: dtype must be NMC_F32 or NMC_BF16");
    NMC_CUDA(cudaSetDevice(device));
    cudaStream_t st = nullptr;
    NMC_CUDA(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
    nmc::Gemm gemm;
    void *a = nullptr, *b = nullptr;
    float *c = nullptr;
    cudaEvent_t e0 = nullptr, e1 = nullptr;
    size_t el = dtype == NMC_F32 ? 4 : 2;
    int rc = nmc::gemm_create(gemm, st);
    auto ok = [&](cudaError_t err, const char *what) {
        if (rc == NMC_OK && err != cudaSuccess) rc = nmc::cuda_fail(err, what);
    };
    ok(cudaMalloc(&a, el * n * n), "cudaMalloc");
    ok(cudaMalloc(&b, el * n * n), "cudaMalloc");
    ok(cudaMalloc(&c, 4ull * n * n), "cudaMalloc");
    ok(cudaEventCreate(&e0), "cudaEventCreate");
    ok(cudaEventCreate(&e1), "cudaEventCreate");
    if (rc == NMC_OK) rc = nmc::k::fill_uniform(a, dtype, (int64_t)n * n, -1.0f, 1.0f, 1, st);
    if (rc == NMC_OK) rc = nmc::k::fill_uniform(b, dtype, (int64_t)n * n, -1.0f, 1.0f, 2, st);
    if (rc == NMC_OK) rc = nmc::gemm_rm(gemm, dtype, false, true, n, n, n, 1.0f, a, n, 0, b, n, 0, 0.0f, c, n, 0, 1);
    ok(cudaEventRecord(e0, st), "cudaEventRecord");
    for (int i = 0; i < iters && rc == NMC_OK; i++) {
        rc = nmc::gemm_rm(gemm, dtype, false, true, n, n, n, 1.0f, a, n, 0, b, n, 0, 0.0f, c, n, 0, 1);
    }
    ok(cudaEventRecord(e1, st), "cudaEventRecord");
    ok(cudaEventSynchronize(e1), "cudaEventSynchronize");
    float ms = 0;
    ok(cudaEventElapsedTime(&ms, e0, e1), "cudaEventElapsedTime");
    if (rc == NMC_OK) *tflops = 2.0 * n * (double)n * n * iters / (ms * 1e-3) / 1e12;
    if (e0) cudaEventDestroy(e0);
    if (e1) cudaEventDestroy(e1);
    cudaFree(a);
    cudaFree(b);
    cudaFree(c);
    nmc::gemm_destroy(gemm);
    cudaStreamDestroy(st);
    return rc;
}
