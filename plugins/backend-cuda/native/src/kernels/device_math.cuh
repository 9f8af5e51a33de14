// Small device helpers shared by the kernels: conversions, activations, reductions, hashing.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cstdint>

namespace nmc::k {

__device__ __forceinline__ float load_as_float(const void *p, int dtype, int64_t i) {
    if (dtype == NMC_F32) return static_cast<const float *>(p)[i];
    if (dtype == NMC_BF16) return __bfloat162float(static_cast<const __nv_bfloat16 *>(p)[i]);
    return __half2float(static_cast<const __half *>(p)[i]);
}

__device__ __forceinline__ void store_from_float(void *p, int dtype, int64_t i, float v) {
    if (dtype == NMC_F32) static_cast<float *>(p)[i] = v;
    else if (dtype == NMC_BF16) static_cast<__nv_bfloat16 *>(p)[i] = __float2bfloat16(v);
    else static_cast<__half *>(p)[i] = __float2half(v);
}

__device__ __forceinline__ float silu(float x) { return x / (1.0f + expf(-x)); }

__device__ __forceinline__ float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// torch.nn.functional.softplus with threshold 20
__device__ __forceinline__ float softplus(float x) { return x > 20.0f ? x : log1pf(expf(x)); }

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over the block (blockDim.x a multiple of 32, <= 1024); every thread gets the result.
__device__ __forceinline__ float block_sum(float v) {
    __shared__ float partial[32];
    __shared__ float total;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float s = lane < (int)(blockDim.x >> 5) ? partial[lane] : 0.0f;
        s = warp_sum(s);
        if (lane == 0) total = s;
    }
    __syncthreads();
    return total;
}

__device__ __forceinline__ float block_max(float v) {
    __shared__ float partial[32];
    __shared__ float total;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float s = lane < (int)(blockDim.x >> 5) ? partial[lane] : -INFINITY;
        s = warp_max(s);
        if (lane == 0) total = s;
    }
    __syncthreads();
    return total;
}

// splitmix64: a counter-based hash for reproducible random numbers without state.
__device__ __host__ __forceinline__ uint64_t mix64(uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Uniform in [0, 1) with 24 random bits.
__device__ __forceinline__ float uniform01(uint64_t seed, uint64_t counter) {
    return (float)(mix64(seed ^ mix64(counter)) >> 40) * (1.0f / 16777216.0f);
}

// The Mamba-2 initialisation of dt_bias, element i: softplus^-1(dt) with dt log-uniform in [0.001, 0.1]
// (the inference model's init_random, model.cu, and the trainer's, train_params.cu)
__device__ __forceinline__ float mamba_dt_bias_init(uint64_t seed, uint64_t i) {
    float u = uniform01(seed, i);
    float dt = expf(logf(0.001f) + u * (logf(0.1f) - logf(0.001f)));
    return dt + logf(-expm1f(-dt));
}

}  // namespace nmc::k

#define NMC_LAUNCHED(what)                                         \
    do {                                                           \
        cudaError_t nmc_err_ = cudaGetLastError();                 \
        if (nmc_err_ != cudaSuccess) return nmc::cuda_fail(nmc_err_, what); \
    } while (0)
