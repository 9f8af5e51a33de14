// The block-scaled FP8 GEMM rate the training benchmark prints next to nmc_gemm_peak's BF16 one:
// D [n, n] (fp32) = A B^T with A in 128 x 128 blocks and B in 1 x 128 tiles (the forward GEMM of
// the trainer's FP8 recipe), E4M3 through cuBLASLt, timed over `iters` GEMMs after one warm-up.
#include "gemm.h"
#include "gemm_lt.h"
#include "kernels/fp8_lt.h"
#include "kernels/kernels.h"

extern "C" int nmc_gemm_peak_fp8(int device, int n, int iters, double *tflops) {
    if (tflops == nullptr || n <= 0 || n > 32768 || n % 128 != 0 || iters <= 0)
        return nmc::fail("nmc_gemm_peak_fp8: bad argument (n a multiple of 128 up to 32768, iters > 0)");
    NMC_CUDA(cudaSetDevice(device));
    const nmc::LtInfo &info = nmc::lt_info(device);
    if (!info.available) return nmc::fail("nmc_gemm_peak_fp8: block-scaled FP8 cuBLASLt unavailable: " + info.reason);
    cudaStream_t st = nullptr;
    NMC_CUDA(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
    float *x = nullptr, *d = nullptr, *sa = nullptr, *sb = nullptr;
    uint8_t *qa = nullptr, *qb = nullptr;
    void *ws = nullptr;
    size_t ws_bytes = 32u << 20;
    cudaEvent_t e0 = nullptr, e1 = nullptr;
    int kb = n / 128;
    int64_t na = nmc::lt_scale_count(nmc::LT_BLK128, n, kb), nb = nmc::lt_scale_count(nmc::LT_VEC128, n, kb);
    int64_t a_so, a_sk, b_so, b_sk;
    nmc::lt_scale_strides(nmc::LT_BLK128, n, kb, &a_so, &a_sk);
    nmc::lt_scale_strides(nmc::LT_VEC128, n, kb, &b_so, &b_sk);
    int rc = NMC_OK;
    auto ok = [&](cudaError_t err, const char *what) {
        if (rc == NMC_OK && err != cudaSuccess) rc = nmc::cuda_fail(err, what);
    };
    ok(cudaMalloc((void **)&x, 4ull * n * n), "cudaMalloc");
    ok(cudaMalloc((void **)&d, 4ull * n * n), "cudaMalloc");
    ok(cudaMalloc((void **)&qa, 1ull * n * n), "cudaMalloc");
    ok(cudaMalloc((void **)&qb, 1ull * n * n), "cudaMalloc");
    ok(cudaMalloc((void **)&sa, 4ull * na), "cudaMalloc");
    ok(cudaMalloc((void **)&sb, 4ull * nb), "cudaMalloc");
    ok(cudaMalloc(&ws, ws_bytes), "cudaMalloc");
    ok(cudaEventCreate(&e0), "cudaEventCreate");
    ok(cudaEventCreate(&e1), "cudaEventCreate");
    if (rc == NMC_OK) rc = nmc::k::fill_uniform(x, NMC_F32, (int64_t)n * n, -1.0f, 1.0f, 1, st);
    if (rc == NMC_OK) rc = nmc::k::fp8lt::quantize_tiles(x, n, n, n, 128, 128, false, n, n, qa, n, sa, a_so, a_sk, st);
    if (rc == NMC_OK) rc = nmc::k::fill_uniform(x, NMC_F32, (int64_t)n * n, -1.0f, 1.0f, 2, st);
    if (rc == NMC_OK) rc = nmc::k::fp8lt::quantize_tiles(x, n, n, n, 1, 128, false, n, n, qb, n, sb, b_so, b_sk, st);
    nmc::LtOperand a{qa, sa, n, nmc::LT_BLK128}, b{qb, sb, n, nmc::LT_VEC128};
    std::string why;
    auto gemm = [&]() {
        if (rc != NMC_OK) return;
        int r = nmc::lt_fp8_gemm(device, st, ws, ws_bytes, a, b, n, 0.0f, d, n, &why);
        if (r == nmc::LT_UNAVAILABLE) rc = nmc::fail("nmc_gemm_peak_fp8: " + why);
        else rc = r;
    };
    gemm();
    ok(cudaEventRecord(e0, st), "cudaEventRecord");
    for (int i = 0; i < iters; i++) gemm();
    ok(cudaEventRecord(e1, st), "cudaEventRecord");
    ok(cudaEventSynchronize(e1), "cudaEventSynchronize");
    float ms = 0;
    ok(cudaEventElapsedTime(&ms, e0, e1), "cudaEventElapsedTime");
    if (rc == NMC_OK) *tflops = 2.0 * n * (double)n * n * iters / (ms * 1e-3) / 1e12;
    if (e0) cudaEventDestroy(e0);
    if (e1) cudaEventDestroy(e1);
    for (void *p : {(void *)x, (void *)d, (void *)qa, (void *)qb, (void *)sa, (void *)sb, ws}) cudaFree(p);
    cudaStreamDestroy(st);
    return rc;
}
