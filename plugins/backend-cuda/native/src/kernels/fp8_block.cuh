// The per-block arithmetic of the trainer's FP8 E4M3 quantisation, shared by the fake quantiser
// (train_fp8.cu: dequantised fp32 copies, the reference) and the cuBLASLt operand quantiser
// (fp8_lt_quant.cu: E4M3 bytes + fp32 scales), so both give bit-identical codes and scales.
//   amax  = the largest magnitude among the block's finite elements (NaN and +-inf skipped)
//   scale = (float)(amax / 448); 1 when that is 0 (an all-zero block or an underflowing amax)
//   code  = E4M3(x / scale), rounded once to nearest even, saturated at +-448; NaN stays NaN
#pragma once

#include <cuda_fp8.h>

#include <cfloat>
#include <cstdint>

namespace nmc::k::fp8block {

// the magnitude a block's amax takes from x: |x| when finite, else 0
__device__ __forceinline__ float finite_abs(float x) {
    float a = fabsf(x);
    return a <= FLT_MAX ? a : 0.0f;  // NaN compares false
}

__device__ __forceinline__ float scale_of(float amax) {
    float s = (float)((double)amax / 448.0);
    return s == 0.0f ? 1.0f : s;
}

__device__ __forceinline__ uint8_t encode(float x, float scale) {
    return (uint8_t)__nv_cvt_float_to_fp8(x / scale, __NV_SATFINITE, __NV_E4M3);
}

// max over a block of `threads` threads (a multiple of 32, at most 1024); red: threads/32 floats of
// shared memory; every thread gets the result
__device__ __forceinline__ float block_max(float v, float *red, int threads) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    __syncthreads();
    if (lane == 0) red[warp] = v;
    __syncthreads();
    float m = 0.0f;
    for (int w = 0; w < threads / 32; w++) m = fmaxf(m, red[w]);
    return m;
}

}  // namespace nmc::k::fp8block
