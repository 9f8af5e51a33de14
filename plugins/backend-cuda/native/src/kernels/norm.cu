// RMSNorm and Mamba-2's gated group RMSNorm: one block per row (per row and group), or for the
// gated norm of prefill one warp per (row, group) holding its group in registers (gated_norm_warp).
//
// rms_norm:              x [rows, dim] -> out [rows, dim] = w * x / sqrt(mean(x^2) + eps)
// gated_group_rms_norm:  1. t = y * silu(z)                       [rows, dim]
//                        2. per group g of dim/G channels: t / sqrt(mean(t^2) + eps)
//                        3. times w                               -> out [rows, dim]
#include "kernels.h"
#include "device_math.cuh"

#include <cstring>

namespace nmc::k {
namespace {

__global__ void rms_norm_kernel(const float *x, int dim, const float *w, float eps, void *out, int out_dtype) {
    const float *row = x + (int64_t)blockIdx.x * dim;
    float ss = 0.0f;
    for (int c = threadIdx.x; c < dim; c += blockDim.x) ss += row[c] * row[c];
    float inv = rsqrtf(block_sum(ss) / dim + eps);
    for (int c = threadIdx.x; c < dim; c += blockDim.x) {
        store_from_float(out, out_dtype, (int64_t)blockIdx.x * dim + c, w[c] * (row[c] * inv));
    }
}

__global__ void gated_norm_kernel(const float *y, int y_stride, const float *z, int z_stride, int dim,
                                  int group_size, const float *w, float eps, void *out, int out_dtype) {
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

// The gated norm, one warp per (row, group), GV float4 a lane in registers (group sizes up to
// 128 GV, multiples of 4; y, z rows 16-byte aligned): y and z read once, 2 GV independent 16-byte
// loads in flight a lane, the sum of squares by shuffles (no block barrier), out 8 or 16 bytes a
// store. Nano-9B-v2: group 1280 (10 float4 a lane), 65,536 warps at 8,192 prefill rows.
constexpr int GV = 12, GWARPS = 8;

__global__ void __launch_bounds__(GWARPS * 32, 3) gated_norm_warp(const float *y, int y_stride, const float *z, int z_stride,
                                                               int dim, int groups, int group_size, int64_t pairs,
                                                               const float *w, float eps, void *out, int out_dtype) {
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
        if (c < group_size) {
            const float4 a = *reinterpret_cast<const float4 *>(yr + c), b = *reinterpret_cast<const float4 *>(zr + c);
            t[v] = make_float4(a.x * silu(b.x), a.y * silu(b.y), a.z * silu(b.z), a.w * silu(b.w));
        }
        ss += t[v].x * t[v].x + t[v].y * t[v].y + t[v].z * t[v].z + t[v].w * t[v].w;
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
}

bool aligned16(const void *p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

int threads_for(int n) {
    int t = 32;
    while (t < n && t < 1024) t <<= 1;
    return t;
}

}  // namespace

int rms_norm(const float *x, int rows, int dim, const float *w, float eps, void *out, int out_dtype,
             cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    rms_norm_kernel<<<rows, threads_for(dim / 4 > 0 ? dim / 4 : 1), 0, stream>>>(x, dim, w, eps, out, out_dtype);
    NMC_LAUNCHED("rms_norm");
    return NMC_OK;
}

int gated_group_rms_norm(const float *y, int y_stride, const float *z, int z_stride, int rows, int dim,
                         int groups, const float *w, float eps, void *out, int out_dtype, cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    if (groups <= 0 || dim % groups != 0) return nmc::fail("gated norm: dim not divisible by groups");
    int gs = dim / groups;
    if (gs % 4 == 0 && gs <= 128 * GV && dim % 4 == 0 && y_stride % 4 == 0 && z_stride % 4 == 0 && aligned16(y) &&
        aligned16(z) && aligned16(w) && aligned16(out)) {
        const int64_t pairs = (int64_t)rows * groups;
        gated_norm_warp<<<(unsigned)((pairs + GWARPS - 1) / GWARPS), GWARPS * 32, 0, stream>>>(
            y, y_stride, z, z_stride, dim, groups, gs, pairs, w, eps, out, out_dtype);
        NMC_LAUNCHED("gated_group_rms_norm (warp)");
        return NMC_OK;
    }
    gated_norm_kernel<<<dim3(rows, groups), threads_for(gs / 2 > 0 ? gs / 2 : 1), 0, stream>>>(
        y, y_stride, z, z_stride, dim, gs, w, eps, out, out_dtype);
    NMC_LAUNCHED("gated_group_rms_norm");
    return NMC_OK;
}

}  // namespace nmc::k
