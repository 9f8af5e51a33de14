// RMSNorm and Mamba-2's gated group RMSNorm: one block per row (per row and group).
//
// rms_norm:              x [rows, dim] -> out [rows, dim] = w * x / sqrt(mean(x^2) + eps)
// gated_group_rms_norm:  1. t = y * silu(z)                       [rows, dim]
//                        2. per group g of dim/G channels: t / sqrt(mean(t^2) + eps)
//                        3. times w                               -> out [rows, dim]
#include "kernels.h"
#include "device_math.cuh"

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
    gated_norm_kernel<<<dim3(rows, groups), threads_for(gs / 2 > 0 ? gs / 2 : 1), 0, stream>>>(
        y, y_stride, z, z_stride, dim, gs, w, eps, out, out_dtype);
    NMC_LAUNCHED("gated_group_rms_norm");
    return NMC_OK;
}

}  // namespace nmc::k
