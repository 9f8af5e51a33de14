// RMSNorm and Mamba-2's gated group RMSNorm: one block per row (per row and group), or for the
// gated norm of prefill one warp per (row, group) holding its group in registers (gated_norm_warp, whose
// arithmetic gemv_fusion.cuh shares with out_proj's GEMV of NMC_DECODE_FUSE=1),
// or for 1-2 decode rows with NMC_DECODE_FUSE=1 one block of up to 1024 threads per (row, group)
// (gated_norm_rows: 8 groups x 320 threads at Nano-9B-v2's 1280-channel groups, instead of one block
// of 8 warps for all 8 groups). RMSNorm's arithmetic lives in gemv_fusion.cuh (shared with the decode
// GEMVs that fold it in).
//
// rms_norm:              x [rows, dim] -> out [rows, dim] = w * x / sqrt(mean(x^2) + eps)
// gated_group_rms_norm:  1. t = y * silu(z)                       [rows, dim]
//                        2. per group g of dim/G channels: t / sqrt(mean(t^2) + eps)
//                        3. times w                               -> out [rows, dim]
#include "kernels.h"
#include "device_math.cuh"
#include "gemv_fusion.cuh"
#include "pdl.cuh"
#include "sm_count.h"
#include "../env_switch.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

namespace nmc::k {
namespace {

// emu-begin (test/decode_fuse_emu.cpp runs these kernels on the host)
__global__ void rms_norm_kernel(const float *x, int dim, const float *w, float eps, void *out, int out_dtype) {
    pdl_launch_dependents();
    pdl_wait();
    const float *row = x + (int64_t)blockIdx.x * dim;
    const float inv = rms_inv(block_sum(rms_part(row, dim, threadIdx.x, blockDim.x)), dim, eps);
    for (int c = threadIdx.x; c < dim; c += blockDim.x) {
        store_from_float(out, out_dtype, (int64_t)blockIdx.x * dim + c, rms_out(w[c], row[c], inv));
    }
}

__global__ void gated_norm_kernel(const float *y, int y_stride, const float *z, int z_stride, int dim,
                                  int group_size, const float *w, float eps, void *out, int out_dtype) {
    pdl_launch_dependents();
    pdl_wait();
    int r = blockIdx.x, g = blockIdx.y;
    const float *yr = y + (int64_t)r * y_stride + g * group_size;
    const float *zr = z + (int64_t)r * z_stride + g * group_size;
    float ss = 0.0f;
    for (int c = threadIdx.x; c < group_size; c += blockDim.x) {
        float t = yr[c] * silu(zr[c]);
        ss += t * t;
    }
    float inv = rsqrtf(block_sum(ss) / group_size + eps);
    for (int c = threadIdx.x; c < group_size; c += blockDim.x) {
        float t = yr[c] * silu(zr[c]);
        int ch = g * group_size + c;
        store_from_float(out, out_dtype, (int64_t)r * dim + ch, w[ch] * (t * inv));
    }
}

// out[at .. at + 3] = o0 .. o3 in out_dtype: 16 bytes (F32) or 8 (BF16) a store (at a multiple of 4,
// out 16-byte aligned)
__device__ __forceinline__ void store4(void *out, int out_dtype, int64_t at, float o0, float o1, float o2, float o3) {
    if (out_dtype == NMC_F32) {
        *reinterpret_cast<float4 *>(static_cast<float *>(out) + at) = make_float4(o0, o1, o2, o3);
    } else if (out_dtype == NMC_BF16) {
        __nv_bfloat162 lo = __floats2bfloat162_rn(o0, o1), hi = __floats2bfloat162_rn(o2, o3);
        uint2 u;
        memcpy(&u.x, &lo, 4);
        memcpy(&u.y, &hi, 4);
        *reinterpret_cast<uint2 *>(static_cast<__nv_bfloat16 *>(out) + at) = u;
    } else {
        store_from_float(out, out_dtype, at, o0);
        store_from_float(out, out_dtype, at + 1, o1);
        store_from_float(out, out_dtype, at + 2, o2);
        store_from_float(out, out_dtype, at + 3, o3);
    }
}

// The gated norm, one warp per (row, group), GV float4 a lane in registers (group sizes up to
// 128 GV, multiples of 4; y, z rows 16-byte aligned): y and z read once, 2 GV independent 16-byte
// loads in flight a lane, the sum of squares by shuffles (no block barrier), out 8 or 16 bytes a
// store. Nano-9B-v2: group 1280 (10 float4 a lane), 65,536 warps at 8,192 prefill rows.
constexpr int GWARPS = 8;  // GV (gemv_fusion.cuh): 12

__global__ void __launch_bounds__(GWARPS * 32, 3) gated_norm_warp(const float *y, int y_stride, const float *z, int z_stride,
                                                               int dim, int groups, int group_size, int64_t pairs,
                                                               const float *w, float eps, void *out, int out_dtype) {
    pdl_launch_dependents();
    pdl_wait();
    const int64_t pair = blockIdx.x * (int64_t)GWARPS + threadIdx.x / 32;
    if (pair >= pairs) return;
    const int lane = threadIdx.x % 32, g = (int)(pair % groups);
    const int64_t r = pair / groups;
    const float *yr = y + r * y_stride + g * group_size, *zr = z + r * z_stride + g * group_size;
    float4 t[GV];
    float ss = 0.0f;
#pragma unroll
    for (int v = 0; v < GV; v++) {
        const int c = (v * 32 + lane) * 4;
        t[v] = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        if (c < group_size) t[v] = gated_t4(*reinterpret_cast<const float4 *>(yr + c), *reinterpret_cast<const float4 *>(zr + c));
        ss += sq4(t[v]);
    }
    const float inv = rsqrtf(warp_sum(ss) / group_size + eps);
#pragma unroll
    for (int v = 0; v < GV; v++) {
        const int c = (v * 32 + lane) * 4;
        if (c >= group_size) continue;
        const int ch = g * group_size + c;
        const float4 wv = *reinterpret_cast<const float4 *>(w + ch);
        const float o0 = wv.x * (t[v].x * inv), o1 = wv.y * (t[v].y * inv), o2 = wv.z * (t[v].z * inv),
                    o3 = wv.w * (t[v].w * inv);
        const int64_t at = r * dim + ch;
        store4(out, out_dtype, at, o0, o1, o2, o3);
    }
}

// The gated norm of few rows (decode): block (g, r) of T threads (T a multiple of 32, T * GR_V * 4 >=
// group size) holds its group's t = y silu(z) in registers, GR_V float4 a thread (float4 v of the
// group at thread v % T, slot v / T), the sum of squares by block_sum; out as gated_norm_warp. All
// loads (y, z, then w) are issued before the barrier: one round trip to L2 for the group.
constexpr int GR_V = 4;

__global__ void __launch_bounds__(1024) gated_norm_rows(const float *y, int y_stride, const float *z, int z_stride, int dim,
                                                        int group_size, const float *w, float eps, void *out, int out_dtype) {
    pdl_launch_dependents();
    pdl_wait();
    const int g = blockIdx.x, r = blockIdx.y, vecs = group_size / 4;
    const float *yr = y + (int64_t)r * y_stride + g * group_size, *zr = z + (int64_t)r * z_stride + g * group_size;
    float4 t[GR_V], wv[GR_V];
    float ss = 0.0f;
#pragma unroll
    for (int k = 0; k < GR_V; k++) {
        const int v = k * blockDim.x + threadIdx.x;
        t[k] = make_float4(0.0f, 0.0f, 0.0f, 0.0f), wv[k] = t[k];
        if (v < vecs) {
            const float4 a = *reinterpret_cast<const float4 *>(yr + 4 * v), b = *reinterpret_cast<const float4 *>(zr + 4 * v);
            wv[k] = *reinterpret_cast<const float4 *>(w + g * group_size + 4 * v);
            t[k] = gated_t4(a, b);
        }
        ss += sq4(t[k]);
    }
    const float inv = rsqrtf(block_sum(ss) / group_size + eps);
#pragma unroll
    for (int k = 0; k < GR_V; k++) {
        const int v = k * blockDim.x + threadIdx.x;
        if (v >= vecs) continue;
        const int64_t at = (int64_t)r * dim + g * group_size + 4 * v;
        const float o0 = wv[k].x * (t[k].x * inv), o1 = wv[k].y * (t[k].y * inv), o2 = wv[k].z * (t[k].z * inv),
                    o3 = wv[k].w * (t[k].w * inv);
        store4(out, out_dtype, at, o0, o1, o2, o3);
    }
}

// threads a block of gated_norm_rows for a group of `vecs` float4: all of them at one a thread up
// to 1024, else 1024 (up to GR_V a thread)
inline int gated_rows_threads(int vecs) { return std::min(1024, (vecs + 31) / 32 * 32); }

int threads_for(int n) {
    int t = 32;
    while (t < n && t < 1024) t <<= 1;
    return t;
}
// emu-end

bool aligned16(const void *p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }


}  // namespace

int decode_fuse_switch(bool *on) {
    int choice;
    NMC_TRY(nmc::env_choice("NMC_DECODE_FUSE", {"0", "1"}, &choice));
    *on = choice == 1;
    return NMC_OK;
}

int resident_grid(const void *kernel, int threads, size_t smem, int needed) {
    static std::mutex mu;
    static std::map<std::pair<const void *, size_t>, int> known;  // (kernel, smem) -> blocks an SM
    int per_sm;
    {
        std::lock_guard<std::mutex> lock(mu);
        auto it = known.find({kernel, smem});
        if (it == known.end()) {
            int n = 0;
            if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&n, kernel, threads, smem) != cudaSuccess || n < 1) {
                (void)cudaGetLastError();
                n = 1;
            }
            it = known.emplace(std::make_pair(kernel, smem), n).first;
        }
        per_sm = it->second;
    }
    return std::max(1, std::min(needed, multiprocessor_count() * per_sm));
}

int rms_norm_threads(int dim) { return threads_for(dim / 4 > 0 ? dim / 4 : 1); }

bool gated_norm_fusable(int rows, const GatedNorm &g) {
    if (rows < 1 || rows > 2 || g.groups <= 0 || g.dim <= 0 || g.dim % 16 != 0 || g.dim % g.groups != 0) return false;
    const int gs = g.dim / g.groups;
    return gs % 4 == 0 && gs <= 128 * GV && rows * g.dim * 2 <= 48 * 1024 && g.y_stride % 4 == 0 && g.z_stride % 4 == 0 &&
           aligned16(g.y) && aligned16(g.z) && aligned16(g.w);
}

bool conv_fusable(const RowNorm *norm, const Relu2Out *act, float beta, const ConvStep &c) {
    return norm != nullptr && act == nullptr && beta == 0.0f && c.windows != nullptr && c.slots != nullptr && c.cv.kernel >= 1 &&
           c.cv.kernel <= 8 && c.cv.channels > 0 && c.first >= 0;
}

bool row_norm_fusable(int rows, int dim) { return rows >= 1 && rows <= 2 && dim > 0 && dim % 8 == 0 && rows * dim * 2 <= 48 * 1024; }

int rms_norm(const float *x, int rows, int dim, const float *w, float eps, void *out, int out_dtype,
             cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    NMC_CUDA(launch_pdl(rms_norm_kernel, rows, rms_norm_threads(dim), 0, stream, x, dim, w, eps, out, out_dtype));
    NMC_LAUNCHED("rms_norm");
    return NMC_OK;
}

int gated_group_rms_norm(const float *y, int y_stride, const float *z, int z_stride, int rows, int dim,
                         int groups, const float *w, float eps, void *out, int out_dtype, cudaStream_t stream, bool fused) {
    if (rows == 0) return NMC_OK;
    if (groups <= 0 || dim % groups != 0) return nmc::fail("gated norm: dim not divisible by groups");
    int gs = dim / groups;
    const bool vec_ok = gs % 4 == 0 && dim % 4 == 0 && y_stride % 4 == 0 && z_stride % 4 == 0 && aligned16(y) && aligned16(z) &&
                        aligned16(w) && aligned16(out);
    if (fused && rows <= 2 && vec_ok && gs <= 1024 * 4 * GR_V) {
        NMC_CUDA(launch_pdl(gated_norm_rows, dim3(groups, rows), gated_rows_threads(gs / 4), 0, stream, y, y_stride, z, z_stride,
                            dim, gs, w, eps, out, out_dtype));
        NMC_LAUNCHED("gated_group_rms_norm (rows)");
        return NMC_OK;
    }
    if (vec_ok && gs <= 128 * GV) {
        const int64_t pairs = (int64_t)rows * groups;
        NMC_CUDA(launch_pdl(gated_norm_warp, (unsigned)((pairs + GWARPS - 1) / GWARPS), GWARPS * 32, 0, stream, y, y_stride, z,
                            z_stride, dim, groups, gs, pairs, w, eps, out, out_dtype));
        NMC_LAUNCHED("gated_group_rms_norm (warp)");
        return NMC_OK;
    }
    NMC_CUDA(launch_pdl(gated_norm_kernel, dim3(rows, groups), threads_for(gs / 2 > 0 ? gs / 2 : 1), 0, stream, y, y_stride, z,
                        z_stride, dim, gs, w, eps, out, out_dtype));
    NMC_LAUNCHED("gated_group_rms_norm");
    return NMC_OK;
}

}  // namespace nmc::k
