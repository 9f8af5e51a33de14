// Host emulation of the CUDA features the tensor-core attention kernels use (kernels/train_flash_tc.cu,
// kernels/attention_flash.cu, both on kernels/flash_tc_tile.cuh), to check their indexing, masking
// and barriers without a GPU (test/train_flash_tc_emu.cpp, test/attention_flash_emu.cpp): one cooperative fiber (ucontext) per CUDA thread, blocks one after
// another; __syncthreads / __syncwarp are barriers that switch fibers; __shfl_xor_sync through a
// per-warp array; WMMA fragments hold the whole 16x16 tile in every lane (loads check the 32-byte
// alignment WMMA requires, lane 0 multiplies, lane 0 stores); shared memory starts as NaN.
// Not emulated: timing, bank conflicts, register limits, and races that barriers do not order
// (fibers run in lane order until they reach a barrier).
#pragma once
#include <ucontext.h>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <type_traits>
#include <memory>

struct dim3m { unsigned x = 1, y = 1, z = 1; };
dim3m threadIdx, blockIdx;
dim3m blockDim, gridDim;
#define __global__
#define __device__
#define __forceinline__
#ifndef __host__
#define __host__
#endif
#define __launch_bounds__(...)
alignas(128) char g_smem[256 * 1024];
using std::min;
using std::max;

struct float2 { float x, y; };
inline float2 make_float2(float a, float b) { return {a, b}; }
struct float4 { float x, y, z, w; };
inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
struct alignas(16) uint4 { unsigned x, y, z, w; };
inline uint4 make_uint4(unsigned a, unsigned b, unsigned c, unsigned d) { return {a, b, c, d}; }

struct __nv_bfloat16 { uint16_t bits; };
inline __nv_bfloat16 __float2bfloat16(float f) {
    uint32_t u; memcpy(&u, &f, 4);
    uint32_t lsb = (u >> 16) & 1; u += 0x7fff + lsb;  // RNE (no NaN here)
    return {(uint16_t)(u >> 16)};
}
inline float __bfloat162float(__nv_bfloat16 b) { uint32_t u = (uint32_t)b.bits << 16; float f; memcpy(&f, &u, 4); return f; }
struct __nv_bfloat162 { __nv_bfloat16 x, y; };
inline __nv_bfloat162 __floats2bfloat162_rn(float a, float b) { return {__float2bfloat16(a), __float2bfloat16(b)}; }
inline float tof(__nv_bfloat16 b) { return __bfloat162float(b); }
inline float tof(float f) { return f; }
// a product the device rounds on its own (never contracted into an FMA): the host's does already
inline float __fmul_rn(float a, float b) { return a * b; }

// cooperative fibers: one per CUDA thread of the running block
struct Fiber { ucontext_t ctx; bool done = false; std::vector<char> stack; };
std::vector<Fiber> g_f;
ucontext_t g_sched;
int g_cur = 0;
inline void yield_() { swapcontext(&g_f[g_cur].ctx, &g_sched); }
struct Bar { int count = 0, gen = 0, n = 0; };
Bar g_bblock, g_bwarp[32];
inline void bar_wait(Bar &b) {
    int g = b.gen;
    if (++b.count == b.n) { b.count = 0; b.gen++; return; }
    while (b.gen == g) yield_();
}
float g_shfl[1024];
inline int tid() { return threadIdx.x; }
inline void __syncthreads() { bar_wait(g_bblock); }
inline void __syncwarp() { bar_wait(g_bwarp[tid() / 32]); }
inline float __shfl_xor_sync(unsigned, float v, int o) {
    __syncwarp();
    g_shfl[tid()] = v;
    __syncwarp();
    float r = g_shfl[(tid() & ~31) | ((tid() & 31) ^ o)];
    __syncwarp();
    return r;
}
inline void atomicAdd(float *p, float v) { *p += v; }
inline void atomicAdd(float2 *p, float2 v) {
    if (reinterpret_cast<uintptr_t>(p) % 8) { fprintf(stderr, "misaligned float2 atomic\n"); abort(); }
    p->x += v.x; p->y += v.y;
}
inline void atomicAdd(float4 *p, float4 v) {
    if (reinterpret_cast<uintptr_t>(p) % 16) { fprintf(stderr, "misaligned float4 atomic\n"); abort(); }
    p->x += v.x; p->y += v.y; p->z += v.z; p->w += v.w;
}

// PDL (src/kernels/pdl.cuh): a kernel here runs after the one before it, so the wait is already
// satisfied; the L2 prefetch is a hint with no effect on the results
inline void pdl_launch_dependents() {}
inline void pdl_wait() {}
inline void prefetch_l2(const void *, unsigned) {}

namespace nvcuda::wmma {
struct matrix_a {}; struct matrix_b {}; struct accumulator {}; struct row_major {}; struct col_major {};
enum layout_t { mem_row_major, mem_col_major };
template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment { float x[256]; };
inline void check_align(const void *p) {
    if (reinterpret_cast<uintptr_t>(p) % 32) { fprintf(stderr, "wmma pointer not 32-byte aligned\n"); abort(); }
}
template <typename Use, typename T, typename Layout>
void load_matrix_sync(fragment<Use, 16, 16, 16, T, Layout> &f, const T *p, unsigned ldm) {
    check_align(p);
    __syncwarp();
    constexpr bool col = std::is_same_v<Layout, col_major>;
    // matrix_a: element (row m, col k); matrix_b: element (row k, col n); row_major: p[r * ldm + c]
    for (int r = 0; r < 16; r++)
        for (int c = 0; c < 16; c++) f.x[r * 16 + c] = tof(col ? p[c * ldm + r] : p[r * ldm + c]);
    __syncwarp();
}
inline void load_matrix_sync(fragment<accumulator, 16, 16, 16, float> &f, const float *p, unsigned ldm, layout_t l) {
    check_align(p);
    __syncwarp();
    for (int r = 0; r < 16; r++)
        for (int c = 0; c < 16; c++) f.x[r * 16 + c] = l == mem_row_major ? p[r * ldm + c] : p[c * ldm + r];
    __syncwarp();
}
inline void store_matrix_sync(float *p, const fragment<accumulator, 16, 16, 16, float> &f, unsigned ldm, layout_t l) {
    check_align(p);
    __syncwarp();
    if ((tid() & 31) == 0)
        for (int r = 0; r < 16; r++)
            for (int c = 0; c < 16; c++) (l == mem_row_major ? p[r * ldm + c] : p[c * ldm + r]) = f.x[r * 16 + c];
    __syncwarp();
}
template <typename F> void fill_fragment(F &f, float v) { for (float &e : f.x) e = v; }
template <typename LA, typename LB>
void mma_sync(fragment<accumulator, 16, 16, 16, float> &d, const fragment<matrix_a, 16, 16, 16, __nv_bfloat16, LA> &a,
              const fragment<matrix_b, 16, 16, 16, __nv_bfloat16, LB> &b, const fragment<accumulator, 16, 16, 16, float> &c) {
    static float out[32][256];
    __syncwarp();
    float *o = out[tid() / 32];
    if ((tid() & 31) == 0)
        for (int m = 0; m < 16; m++)
            for (int n = 0; n < 16; n++) {
                float s = c.x[m * 16 + n];
                for (int k = 0; k < 16; k++) s += a.x[m * 16 + k] * b.x[k * 16 + n];
                o[m * 16 + n] = s;
            }
    __syncwarp();
    memcpy(d.x, o, sizeof(float) * 256);
    __syncwarp();
}
}  // namespace nvcuda::wmma

std::function<void()> g_body;
long g_block_serial = 0;  // counts the blocks run (per-block state of test/mma_host_emu.h starts afresh)
inline void fiber_main() {
    g_body();
    g_f[g_cur].done = true;
    swapcontext(&g_f[g_cur].ctx, &g_sched);
}
template <typename F>
void launch(dim3m grid, int threads, F body) {
    gridDim = grid;
    blockDim = {(unsigned)threads, 1, 1};
    g_body = body;
    memset(g_smem, 0xff, sizeof g_smem);  // garbage (NaN) shared memory
    g_f.assign(threads, Fiber{});
    for (auto &f : g_f) f.stack.resize(512 * 1024);
    for (unsigned z = 0; z < grid.z; z++)
        for (unsigned y = 0; y < grid.y; y++)
            for (unsigned x = 0; x < grid.x; x++) {
                blockIdx = {x, y, z};
                g_block_serial++;
                g_bblock = Bar{0, 0, threads};
                for (int w = 0; w < threads / 32; w++) g_bwarp[w] = Bar{0, 0, 32};
                for (int t = 0; t < threads; t++) {
                    Fiber &f = g_f[t];
                    f.done = false;
                    getcontext(&f.ctx);
                    f.ctx.uc_stack.ss_sp = f.stack.data();
                    f.ctx.uc_stack.ss_size = f.stack.size();
                    f.ctx.uc_link = nullptr;
                    makecontext(&f.ctx, fiber_main, 0);
                }
                for (;;) {
                    bool any = false;
                    for (int t = 0; t < threads; t++) {
                        if (g_f[t].done) continue;
                        any = true;
                        g_cur = t;
                        threadIdx = {(unsigned)t, 0, 0};
                        swapcontext(&g_sched, &g_f[t].ctx);
                    }
                    if (!any) break;
                }
                if (g_bblock.count || [&] { for (int w = 0; w < threads / 32; w++) if (g_bwarp[w].count) return true; return false; }()) {
                    fprintf(stderr, "barrier left waiting at block end\n");
                    abort();
                }
            }
}
