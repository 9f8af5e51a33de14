// Device discovery and the measured HBM bandwidth the benchmarks compare against.
#include "nmc_internal.h"

#include <cstdio>

extern "C" int nmc_device_count(void) {
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
        return nmc::cuda_fail(err, "cudaGetDeviceCount (is an NVIDIA driver installed and new enough?)");
    }
    return count;
}

extern "C" int nmc_device_describe(int device, char *buf, int buflen) {
    if (buf == nullptr || buflen <= 0) return nmc::fail("nmc_device_describe: no buffer");
    cudaDeviceProp prop;
    NMC_CUDA(cudaGetDeviceProperties(&prop, device));
    int driver = 0, runtime = 0;
    NMC_CUDA(cudaDriverGetVersion(&driver));
    NMC_CUDA(cudaRuntimeGetVersion(&runtime));
    snprintf(buf, (size_t)buflen, "%s, sm_%d%d, %d SMs, %.1f GiB, driver CUDA %d.%d, runtime %d.%d",
             prop.name, prop.major, prop.minor, prop.multiProcessorCount,
             prop.totalGlobalMem / (1024.0 * 1024.0 * 1024.0), driver / 1000, (driver % 1000) / 10,
             runtime / 1000, (runtime % 1000) / 10);
    return NMC_OK;
}

extern "C" int nmc_device_bandwidth(int device, int64_t bytes, int iters, double *gb_per_s) {
    if (bytes <= 0 || iters <= 0 || gb_per_s == nullptr) return nmc::fail("nmc_device_bandwidth: bad arguments");
    NMC_CUDA(cudaSetDevice(device));
    void *src = nullptr, *dst = nullptr;
    NMC_CUDA(cudaMalloc(&src, (size_t)bytes));
    cudaError_t err = cudaMalloc(&dst, (size_t)bytes);
    if (err != cudaSuccess) {
        cudaFree(src);
        return nmc::cuda_fail(err, "cudaMalloc");
    }
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    cudaMemset(src, 1, (size_t)bytes);
    cudaMemcpy(dst, src, (size_t)bytes, cudaMemcpyDeviceToDevice);  // warm-up
    cudaEventRecord(start);
    for (int i = 0; i < iters; i++) cudaMemcpyAsync(dst, src, (size_t)bytes, cudaMemcpyDeviceToDevice);
    cudaEventRecord(stop);
    err = cudaEventSynchronize(stop);
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    cudaFree(src);
    cudaFree(dst);
    if (err != cudaSuccess) return nmc::cuda_fail(err, "bandwidth copy");
    *gb_per_s = 2.0 * (double)bytes * iters / (ms * 1e-3) / 1e9;
    return NMC_OK;
}
