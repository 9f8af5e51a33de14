// Host emulation of the CUDA pieces train_ssd.cu uses (test/ssd_emulate.sh): kernels run on the
// CPU, one simulated thread at a time, or as real threads with warp and block barriers where the
// kernel shuffles or synchronises; cuBLAS gemm_rm is a plain loop (BF16 operands read as bf16).
#pragma once

#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nemotron_cuda.h"

typedef void *cudaStream_t;
#define __global__ static
#define __device__
#define __forceinline__ inline
#define __shared__ static  // blocks run one after another: static is per block
#define __host__
#define __launch_bounds__(...)

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
    dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {}
};

namespace emu {
inline thread_local dim3 blockIdx_, threadIdx_, blockDim_, gridDim_;
inline thread_local int lane_slot = 0;
struct Warp {
    std::barrier<> bar{32};
    float slot[32];
};
inline thread_local Warp *warp_ = nullptr;
inline thread_local std::barrier<> *block_bar = nullptr;
inline std::mutex atomics;
inline std::string last_error;

// cooperative: real threads (warps of 32 with barriers, one block barrier); else one at a time
inline void launch(dim3 grid, dim3 block, bool cooperative, const std::function<void()> &body) {
    for (unsigned by = 0; by < grid.y; by++)
        for (unsigned bx = 0; bx < grid.x; bx++) {
            if (!cooperative) {
                for (unsigned tx = 0; tx < block.x; tx++) {
                    blockIdx_ = dim3(bx, by), threadIdx_ = dim3(tx), blockDim_ = block, gridDim_ = grid;
                    body();
                }
                continue;
            }
            std::barrier<> bbar((std::ptrdiff_t)block.x);
            std::vector<std::unique_ptr<Warp>> warps;
            for (unsigned w = 0; w < (block.x + 31) / 32; w++) warps.push_back(std::make_unique<Warp>());
            std::vector<std::thread> ts;
            for (unsigned tx = 0; tx < block.x; tx++)
                ts.emplace_back([&, tx] {
                    blockIdx_ = dim3(bx, by), threadIdx_ = dim3(tx), blockDim_ = block, gridDim_ = grid;
                    warp_ = warps[tx / 32].get();
                    block_bar = &bbar;
                    body();
                });
            for (auto &t : ts) t.join();
        }
}
}  // namespace emu

#define blockIdx emu::blockIdx_
#define threadIdx emu::threadIdx_
#define blockDim emu::blockDim_
#define gridDim emu::gridDim_

inline float __shfl_xor_sync(unsigned, float v, int o) {
    int lane = emu::threadIdx_.x & 31;
    emu::warp_->slot[lane] = v;
    emu::warp_->bar.arrive_and_wait();
    float r = emu::warp_->slot[lane ^ o];
    emu::warp_->bar.arrive_and_wait();
    return r;
}
inline void __syncthreads() { emu::block_bar->arrive_and_wait(); }
inline float atomicAdd(float *p, float v) {
    std::lock_guard<std::mutex> g(emu::atomics);
    float old = *p;
    *p = old + v;
    return old;
}

namespace nmc {
inline int fail(const std::string &m) {
    emu::last_error = m;
    return NMC_ERR;
}
}  // namespace nmc

#define NMC_TRY(call)                         \
    do {                                      \
        if ((call) != NMC_OK) return NMC_ERR; \
    } while (0)
// what device_math.cuh needs besides the reductions
typedef int cudaError_t;
constexpr cudaError_t cudaSuccess = 0;
inline cudaError_t cudaGetLastError() { return cudaSuccess; }
namespace nmc {
inline int cuda_fail(cudaError_t, const char *what) { return fail(what); }
}  // namespace nmc
#define NMC_CUDA(call)                                              \
    do {                                                            \
        if ((call) != cudaSuccess) return nmc::fail(#call " failed"); \
    } while (0)
enum cudaMemcpyKind { cudaMemcpyDeviceToDevice = 3 };
// train_ssd.cu's NMC_SCAN_STEPS timing: events that time nothing here
typedef void *cudaEvent_t;
inline cudaError_t cudaEventCreate(cudaEvent_t *e) { *e = nullptr; return cudaSuccess; }
inline cudaError_t cudaEventRecord(cudaEvent_t, cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
inline cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t, cudaEvent_t) { *ms = 0.0f; return cudaSuccess; }
inline cudaError_t cudaEventDestroy(cudaEvent_t) { return cudaSuccess; }
// the saved scan's copies (train_ssd.cu ssd_forward_save, ssd_restore_y): host memory both sides
inline cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes, cudaMemcpyKind, cudaStream_t) {
    memcpy(dst, src, bytes);
    return cudaSuccess;
}
struct __nv_bfloat16 {
    uint16_t bits;
};
struct __half {
    uint16_t bits;
};
inline float __bfloat162float(__nv_bfloat16 b) {
    uint32_t u = (uint32_t)b.bits << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}
inline float __half2float(__half) { return 0; }
inline __nv_bfloat16 __float2bfloat16(float f) {  // round to nearest even (no NaN here)
    uint32_t u;
    memcpy(&u, &f, 4);
    u += 0x7FFF + ((u >> 16) & 1);
    return {(uint16_t)(u >> 16)};
}
inline __half __float2half(float) { return {}; }
