// Causal depthwise 1-D convolution over time (Mamba-2's conv1d), prefill and decode step.
//
// in [L, C], w [C, K], bias [C], window [C, K-1] (the K-1 inputs before token 0, oldest first)
// 1. out[t, c] = bias[c] + sum_k w[c, k] * in'[t - (K-1) + k, c]   (in'[-j] from the window)
// 2. out = silu(out) when asked
// 3. window <- the last K-1 inputs
#include "kernels.h"
#include "device_math.cuh"
#include "pdl.cuh"
#include "gemv_fusion.cuh"

namespace nmc::k {
namespace {

// emu-begin (test/decode_fuse_emu.cpp)
constexpr int MAX_K = 8;
constexpr int CH_PER_BLOCK = 128;
// emu-end
constexpr int T_PER_BLOCK = 32;

__device__ __forceinline__ float input_at(const Conv &cv, const float *window, int t, int c) {
    int km1 = cv.kernel - 1;
    if (t >= 0) return cv.in[(int64_t)t * cv.in_stride + c];
    return window == nullptr ? 0.0f : window[(int64_t)c * km1 + (km1 + t)];
}

// grid (C / 128, L / 32): each thread one channel for 32 consecutive tokens.
__global__ void conv_prefill_kernel(Conv cv, int seq_len, const float *window) {
    int c = blockIdx.x * CH_PER_BLOCK + threadIdx.x;
    if (c >= cv.channels) return;
    int K = cv.kernel;
    float w[MAX_K];
    for (int k = 0; k < K; k++) w[k] = cv.w[c * K + k];
    float b = cv.bias ? cv.bias[c] : 0.0f;
    int t0 = blockIdx.y * T_PER_BLOCK;
    int t1 = min(t0 + T_PER_BLOCK, seq_len);
    float hist[MAX_K];  // hist[k] = input at t - (K-1) + k
    for (int k = 0; k < K - 1; k++) hist[k] = input_at(cv, window, t0 - (K - 1) + k, c);
    for (int t = t0; t < t1; t++) {
        hist[K - 1] = cv.in[(int64_t)t * cv.in_stride + c];
        float acc = b;
        for (int k = 0; k < K; k++) acc += w[k] * hist[k];
        cv.out[(int64_t)t * cv.out_stride + c] = cv.silu ? silu(acc) : acc;
        for (int k = 0; k < K - 1; k++) hist[k] = hist[k + 1];
    }
}

// The same for a kernel size K known at compile time (2-4; Mamba-2's is 4): the thread's 32 + K - 1
// inputs are loaded first (independent loads in flight, in registers), then the 32 outputs — the
// same products in the same order as conv_prefill_kernel, so the same results.
template <int K>
__global__ void conv_prefill_fixed(Conv cv, int seq_len, const float *window) {
    const int c = blockIdx.x * CH_PER_BLOCK + threadIdx.x;
    if (c >= cv.channels) return;
    const int t0 = blockIdx.y * T_PER_BLOCK, n = min(T_PER_BLOCK, seq_len - t0);
    float x[K - 1 + T_PER_BLOCK];  // x[i] = input at t0 - (K-1) + i
#pragma unroll
    for (int i = 0; i < K - 1 + T_PER_BLOCK; i++) {
        const int t = t0 - (K - 1) + i;
        x[i] = t < t0 + n ? input_at(cv, window, t, c) : 0.0f;
    }
    float w[K];
#pragma unroll
    for (int k = 0; k < K; k++) w[k] = cv.w[c * K + k];
    const float b = cv.bias ? cv.bias[c] : 0.0f;
#pragma unroll
    for (int i = 0; i < T_PER_BLOCK; i++) {
        if (i >= n) break;
        float acc = b;
#pragma unroll
        for (int k = 0; k < K; k++) acc += w[k] * x[i + k];
        cv.out[(int64_t)(t0 + i) * cv.out_stride + c] = cv.silu ? silu(acc) : acc;
    }
}

// The new window: inputs L-(K-1) .. L-1 (reaching into the old window when L < K-1). Reads the
// old window into registers before any thread writes, within one thread per channel.
__global__ void conv_window_kernel(Conv cv, int seq_len, float *window) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= cv.channels) return;
    int km1 = cv.kernel - 1;
    float next[MAX_K];
    for (int j = 0; j < km1; j++) next[j] = input_at(cv, window, seq_len - km1 + j, c);
    for (int j = 0; j < km1; j++) window[(int64_t)c * km1 + j] = next[j];
}

// emu-begin (test/decode_fuse_emu.cpp: the unfused conv of mamba.in_proj's conv epilogue)
// grid (C / 128, rows): one token of one sequence per row; the arithmetic in gemv_fusion.cuh conv_step_one
// (shared with the GEMVs' conv epilogue of NMC_DECODE_FUSE=1).
__global__ void conv_step_kernel(Conv cv, float *windows, const int32_t *slots) {
    pdl_launch_dependents();  // PDL (pdl.cuh)
    pdl_wait();
    int c = blockIdx.x * CH_PER_BLOCK + threadIdx.x;
    if (c >= cv.channels) return;
    int r = blockIdx.y, km1 = cv.kernel - 1;
    float *win = windows + ((int64_t)slots[r] * cv.channels + c) * km1;
    cv.out[(int64_t)r * cv.out_stride + c] = conv_step_one(cv, win, c, cv.in[(int64_t)r * cv.in_stride + c]);
}
// emu-end

}  // namespace

int conv_prefill(const Conv &conv, int seq_len, float *window, cudaStream_t stream) {
    if (conv.kernel < 1 || conv.kernel > MAX_K) return nmc::fail("conv1d: kernel size must be 1..8");
    if (seq_len == 0) return NMC_OK;
    dim3 grid((conv.channels + CH_PER_BLOCK - 1) / CH_PER_BLOCK, (seq_len + T_PER_BLOCK - 1) / T_PER_BLOCK);
    if (conv.kernel == 4) conv_prefill_fixed<4><<<grid, CH_PER_BLOCK, 0, stream>>>(conv, seq_len, window);
    else if (conv.kernel == 3) conv_prefill_fixed<3><<<grid, CH_PER_BLOCK, 0, stream>>>(conv, seq_len, window);
    else if (conv.kernel == 2) conv_prefill_fixed<2><<<grid, CH_PER_BLOCK, 0, stream>>>(conv, seq_len, window);
    else conv_prefill_kernel<<<grid, CH_PER_BLOCK, 0, stream>>>(conv, seq_len, window);
    NMC_LAUNCHED("conv_prefill");
    if (window != nullptr && conv.kernel > 1) {
        conv_window_kernel<<<(conv.channels + 127) / 128, 128, 0, stream>>>(conv, seq_len, window);
        NMC_LAUNCHED("conv_window");
    }
    return NMC_OK;
}

int conv_step(const Conv &conv, int rows, float *windows, const int32_t *slots, cudaStream_t stream) {
    if (conv.kernel < 1 || conv.kernel > MAX_K) return nmc::fail("conv1d: kernel size must be 1..8");
    if (rows == 0) return NMC_OK;
    dim3 grid((conv.channels + CH_PER_BLOCK - 1) / CH_PER_BLOCK, rows);
    NMC_CUDA(launch_pdl(conv_step_kernel, grid, CH_PER_BLOCK, 0, stream, conv, windows, slots));
    NMC_LAUNCHED("conv_step");
    return NMC_OK;
}

}  // namespace nmc::k
