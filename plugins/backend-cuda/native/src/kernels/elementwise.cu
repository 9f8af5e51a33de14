// Element-wise kernels: embedding gather, conversions, random fill, bias, activations.
#include "kernels.h"
#include "device_math.cuh"
#include "pdl.cuh"

namespace nmc::k {
namespace {

constexpr int THREADS = 256;

int blocks_for(int64_t n) {
    int64_t b = (n + THREADS - 1) / THREADS;
    return (int)(b < 65535 * 16 ? (b > 0 ? b : 1) : 65535 * 16);
}

__global__ void embed_kernel(const int32_t *tokens, int rows, const void *table, int dtype, int dim,
                             float *h) {
    int r = blockIdx.y;
    int64_t row = tokens[r];
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < dim; c += gridDim.x * blockDim.x) {
        h[(int64_t)r * dim + c] = load_as_float(table, dtype, row * dim + c);
    }
}

__global__ void convert_kernel(void *dst, int dst_dtype, const void *src, int src_dtype, int64_t n) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
        store_from_float(dst, dst_dtype, i, load_as_float(src, src_dtype, i));
    }
}

__global__ void uniform_kernel(void *dst, int dtype, int64_t n, float lo, float hi, uint64_t seed) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
        store_from_float(dst, dtype, i, lo + (hi - lo) * uniform01(seed, (uint64_t)i));
    }
}

// emu-begin (test/decode_fuse_emu.cpp: the unfused mlp.up epilogue)
__global__ void bias_kernel(float *y, int stride, const float *bias, int rows, int dim) {
    int r = blockIdx.y;
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < dim; c += gridDim.x * blockDim.x) {
        y[(int64_t)r * stride + c] += bias[c];
    }
}

__global__ void relu2_kernel(const float *x, int x_stride, int dim, void *out, int out_dtype) {
    pdl_launch_dependents();  // PDL (pdl.cuh)
    pdl_wait();
    int r = blockIdx.y;
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < dim; c += gridDim.x * blockDim.x) {
        float v = fmaxf(x[(int64_t)r * x_stride + c], 0.0f);
        store_from_float(out, out_dtype, (int64_t)r * dim + c, v * v);
    }
}

// emu-end

__global__ void activation_kernel(int kind, float *x, int64_t n) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
        float v = x[i];
        x[i] = kind == 0 ? silu(v) : kind == 1 ? fmaxf(v, 0.0f) * fmaxf(v, 0.0f) : softplus(v);
    }
}

__global__ void advance_kernel(int32_t *lengths, const int32_t *slots, int slot, int rows, int add) {
    int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (slots == nullptr) {
        if (r == 0) lengths[slot] += add;
    } else if (r < rows) {
        lengths[slots[r]] += add;
    }
}

dim3 row_grid(int dim, int rows) { return dim3((unsigned)((dim + THREADS - 1) / THREADS), (unsigned)rows); }

}  // namespace

int embed(const int32_t *tokens, int rows, const void *table, int dtype, int dim, float *h,
          cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    embed_kernel<<<row_grid(dim, rows), THREADS, 0, stream>>>(tokens, rows, table, dtype, dim, h);
    NMC_LAUNCHED("embed");
    return NMC_OK;
}

int convert(void *dst, int dst_dtype, const void *src, int src_dtype, int64_t n, cudaStream_t stream) {
    if (n == 0) return NMC_OK;
    convert_kernel<<<blocks_for(n), THREADS, 0, stream>>>(dst, dst_dtype, src, src_dtype, n);
    NMC_LAUNCHED("convert");
    return NMC_OK;
}

int fill_uniform(void *dst, int dtype, int64_t n, float lo, float hi, uint64_t seed, cudaStream_t stream) {
    if (n == 0) return NMC_OK;
    uniform_kernel<<<blocks_for(n), THREADS, 0, stream>>>(dst, dtype, n, lo, hi, seed);
    NMC_LAUNCHED("fill_uniform");
    return NMC_OK;
}

int add_bias(float *y, int stride, const float *bias, int rows, int dim, cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    bias_kernel<<<row_grid(dim, rows), THREADS, 0, stream>>>(y, stride, bias, rows, dim);
    NMC_LAUNCHED("add_bias");
    return NMC_OK;
}

int relu2(const float *x, int x_stride, int rows, int dim, void *out, int out_dtype, cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    NMC_CUDA(launch_pdl(relu2_kernel, row_grid(dim, rows), THREADS, 0, stream, x, x_stride, dim, out, out_dtype));
    NMC_LAUNCHED("relu2");
    return NMC_OK;
}

int activation(int kind, float *x, int64_t n, cudaStream_t stream) {
    if (n == 0) return NMC_OK;
    activation_kernel<<<blocks_for(n), THREADS, 0, stream>>>(kind, x, n);
    NMC_LAUNCHED("activation");
    return NMC_OK;
}

int advance_lengths(int32_t *lengths, const int32_t *slots, int slot, int rows, int add, cudaStream_t stream) {
    advance_kernel<<<(rows + THREADS - 1) / THREADS + 1, THREADS, 0, stream>>>(lengths, slots, slot, rows, add);
    NMC_LAUNCHED("advance_lengths");
    return NMC_OK;
}

}  // namespace nmc::k
