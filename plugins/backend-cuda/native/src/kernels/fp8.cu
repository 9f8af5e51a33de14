// FP8 E4M3 weights: quantisation of a BF16 weight with per-channel or 128x128 block scales, the
// inverse (to BF16, for cuBLAS GEMMs of many rows) and the CUDA-core GEMV of decode (1 to 8 rows; from 3
// rows on, a warp computes several outputs so x is read once per several weight rows).
//
// shapes: W [out, in] BF16; Q [out, in] E4M3 (one byte each, row-major); scale fp32, either
//   per channel  [out]                              W[o, i] ~ Q[o, i] * scale[o]
//   block B x B  [ceil(out / B), ceil(in / B)]      W[o, i] ~ Q[o, i] * scale[o / B, i / B]
// scale = amax / 448 over the channel or block (448 = largest finite E4M3), 1 for an all-zero
// one; Q = E4M3(W / scale), rounded to nearest, saturating. (This is the `weight_scale_inv`
// layout of HF FP8 block checkpoints: multiply to dequantise.)
#include "kernels.h"
#include "device_math.cuh"
#include "gemv_fusion.cuh"
#include "pdl.cuh"

#include <cuda_fp8.h>

namespace nmc::k {
namespace {

constexpr float E4M3_MAX = 448.0f;

__device__ __forceinline__ float scale_of(float amax) { return amax > 0.0f ? amax / E4M3_MAX : 1.0f; }

__device__ __forceinline__ uint8_t to_e4m3(float x) {
    return (uint8_t)__nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E4M3);
}

// Rows of W per row of block scales (the block size, or 1 for a fused matrix set part by part).
__device__ __forceinline__ int scale_rows(const Fp8Weight &f) { return f.row_block > 0 ? f.row_block : f.block; }

__device__ __forceinline__ float2 e4m3x2_to_float2(uint16_t two) {
    __half2_raw raw = __nv_cvt_fp8x2_to_halfraw2((__nv_fp8x2_storage_t)two, __NV_E4M3);
    return __half22float2(*reinterpret_cast<__half2 *>(&raw));
}

__global__ void quantize_channel_kernel(const __nv_bfloat16 *w, uint8_t *q, float *scale, int in) {
    int o = blockIdx.x;
    const __nv_bfloat16 *row = w + (int64_t)o * in;
    float amax = 0.0f;
    for (int i = threadIdx.x; i < in; i += blockDim.x) amax = fmaxf(amax, fabsf(__bfloat162float(row[i])));
    float s = scale_of(block_max(amax));
    for (int i = threadIdx.x; i < in; i += blockDim.x) q[(int64_t)o * in + i] = to_e4m3(__bfloat162float(row[i]) / s);
    if (threadIdx.x == 0) scale[o] = s;
}

__global__ void quantize_block_kernel(const __nv_bfloat16 *w, uint8_t *q, float *scale, int out, int in, int block) {
    int cb = blockIdx.x, rb = blockIdx.y;
    int o0 = rb * block, i0 = cb * block;
    int rows = min(block, out - o0), cols = min(block, in - i0);
    float amax = 0.0f;
    for (int t = threadIdx.x; t < rows * cols; t += blockDim.x) {
        int o = o0 + t / cols, i = i0 + t % cols;
        amax = fmaxf(amax, fabsf(__bfloat162float(w[(int64_t)o * in + i])));
    }
    float s = scale_of(block_max(amax));
    for (int t = threadIdx.x; t < rows * cols; t += blockDim.x) {
        int64_t at = (int64_t)(o0 + t / cols) * in + i0 + t % cols;
        q[at] = to_e4m3(__bfloat162float(w[at]) / s);
    }
    if (threadIdx.x == 0) scale[rb * gridDim.x + cb] = s;
}

__global__ void dequantize_kernel(Fp8Weight f, __nv_bfloat16 *w) {
    int64_t n = (int64_t)f.out * f.in;
    int ncb = f.block > 0 ? (f.in + f.block - 1) / f.block : 0;
    for (int64_t t = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; t < n; t += (int64_t)gridDim.x * blockDim.x) {
        int o = (int)(t / f.in), i = (int)(t % f.in);
        float s = f.block > 0 ? f.scale[(o / scale_rows(f)) * ncb + i / f.block] : f.scale[o];
        __half_raw h = __nv_cvt_fp8_to_halfraw((__nv_fp8_storage_t)f.q[t], __NV_E4M3);
        w[t] = __float2bfloat16(__half2float(*reinterpret_cast<__half *>(&h)) * s);
    }
}

// GEMV: one warp per output feature o; a lane reads 16 weights (16 bytes) at a time, two loads in
// flight, and the R rows of x (BF16, L1-resident) at the same 16 columns. With block scales a
// 16-column chunk lies in one block (B a multiple of 16), so each chunk's sum is scaled by it.
// NORM (NMC_DECODE_FUSE=1, 1-2 rows): x made in the block from h and the norm weight (gemv_fusion.cuh,
// bit-equal to rms_norm's xn) into shared memory; persistent blocks (grid-stride over the features);
// with a Relu2Out (mlp.up) the store is relu(y + bias)^2 in the model dtype (gemv_fusion.cuh relu2_store);
// with a GatedNorm (out_proj) x is the gated group norm of (y, z) instead (gemv_fusion.cuh gated_rows_bf16);
// with a ConvStep (in_proj) the store also runs the conv1d step of its conv channels (conv_store).
// emu-begin (test/decode_fuse_emu.cpp)
constexpr int WARPS = 8;

template <int R, bool NORM>
__device__ __forceinline__ void chunk_dot(const uint4 &wq, const __nv_bfloat16 *x, int in, int c, float (&part)[R]) {
    float wf[16];
    const uint16_t *w2 = reinterpret_cast<const uint16_t *>(&wq);
#pragma unroll
    for (int j = 0; j < 8; j++) {
        float2 t = e4m3x2_to_float2(w2[j]);
        wf[2 * j] = t.x;
        wf[2 * j + 1] = t.y;
    }
#pragma unroll
    for (int r = 0; r < R; r++) {
        const uint4 *xr = reinterpret_cast<const uint4 *>(x + (int64_t)r * in) + 2 * c;
        uint4 xa = load_x<NORM>(xr), xb = load_x<NORM>(xr + 1);
        const __nv_bfloat162 *a2 = reinterpret_cast<const __nv_bfloat162 *>(&xa);
        const __nv_bfloat162 *b2 = reinterpret_cast<const __nv_bfloat162 *>(&xb);
        float s = 0.0f;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            float2 xf = __bfloat1622float2(a2[j]);
            s = fmaf(wf[2 * j], xf.x, s);
            s = fmaf(wf[2 * j + 1], xf.y, s);
            float2 xg = __bfloat1622float2(b2[j]);
            s = fmaf(wf[8 + 2 * j], xg.x, s);
            s = fmaf(wf[8 + 2 * j + 1], xg.y, s);
        }
        part[r] = s;
    }
}

template <int R, bool NORM>
__global__ void __launch_bounds__(WARPS * 32) gemv_fp8_kernel(const __nv_bfloat16 *x, Fp8Weight f, float *y, float beta, RowNorm norm,
                                                              Relu2Out act, GatedNorm gated, ConvStep conv) {
    // PDL (pdl.cuh): the first weight row of this warp on its way into L2, then wait for x
    pdl_launch_dependents();
    const int first = blockIdx.x * WARPS + (threadIdx.x >> 5);
    if ((threadIdx.x & 31) == 0 && first < f.out) prefetch_l2(f.q + (int64_t)first * f.in, (unsigned)f.in);
    pdl_wait();
    if constexpr (NORM) {
        __nv_bfloat16 *xs = dynamic_bf16();
        fused_x_bf16<R>(norm, gated, xs);
        x = xs;
    }
    int lane = threadIdx.x & 31;
    for (int o = first; o < f.out; o += gridDim.x * WARPS) {
        const uint4 *wrow = reinterpret_cast<const uint4 *>(f.q + (int64_t)o * f.in);
        int chunks = f.in / 16;
        bool blocked = f.block > 0;
        const float *srow = blocked ? f.scale + (int64_t)(o / scale_rows(f)) * ((f.in + f.block - 1) / f.block) : nullptr;
        int per_block = blocked ? f.block / 16 : 1;
        float acc[R], part[R];
#pragma unroll
        for (int r = 0; r < R; r++) acc[r] = 0.0f;
        int c = lane;
        for (; c + 32 < chunks; c += 64) {
            uint4 w0 = __ldcs(wrow + c), w1 = __ldcs(wrow + c + 32);  // streamed: not kept in cache
            float s0 = blocked ? __ldg(srow + c / per_block) : 1.0f, s1 = blocked ? __ldg(srow + (c + 32) / per_block) : 1.0f;
            chunk_dot<R, NORM>(w0, x, f.in, c, part);
#pragma unroll
            for (int r = 0; r < R; r++) acc[r] = fmaf(part[r], s0, acc[r]);
            chunk_dot<R, NORM>(w1, x, f.in, c + 32, part);
#pragma unroll
            for (int r = 0; r < R; r++) acc[r] = fmaf(part[r], s1, acc[r]);
        }
        if (c < chunks) {
            uint4 w0 = __ldcs(wrow + c);
            float s0 = blocked ? __ldg(srow + c / per_block) : 1.0f;
            chunk_dot<R, NORM>(w0, x, f.in, c, part);
#pragma unroll
            for (int r = 0; r < R; r++) acc[r] = fmaf(part[r], s0, acc[r]);
        }
        float channel = blocked ? 1.0f : f.scale[o];
#pragma unroll
        for (int r = 0; r < R; r++) {
            // rounded on its own: nvcc may otherwise contract it with the beta add below into one FMA in
            // one instantiation (NORM) and not in another, and fused != unfused at per-channel beta 1
            float v = __fmul_rn(warp_sum(acc[r]), channel);
            if (lane == 0 && NORM && act.out != nullptr) {
                relu2_store(act, (int64_t)r * f.out + o, o, v);
            } else if (lane == 0) {
                float *dst = y + (int64_t)r * f.out + o;
                *dst = beta == 0.0f ? v : v + beta * *dst;
                if (NORM) conv_store(conv, r, o, v);
            }
        }
    }
}
// emu-end

// GEMV of 3 to 8 rows: with one output per warp every warp re-reads the R rows of x for each 16
// weights it streams (R x 32 bytes of L1 traffic per 16 bytes of HBM traffic), which bounds the
// kernel by L1, not HBM (27% of the roofline at 8 rows on an H100). Here a warp computes OPW
// outputs: each x chunk is read once per OPW weight chunks, and OPW weight loads are in flight.
constexpr int OPW = 4;

__device__ __forceinline__ void decode16(const uint4 &wq, float (&wf)[16]) {
    const uint16_t *w2 = reinterpret_cast<const uint16_t *>(&wq);
#pragma unroll
    for (int j = 0; j < 8; j++) {
        float2 t = e4m3x2_to_float2(w2[j]);
        wf[2 * j] = t.x;
        wf[2 * j + 1] = t.y;
    }
}

template <int R>
__global__ void __launch_bounds__(WARPS * 32) gemv_fp8_multi_kernel(const __nv_bfloat16 *x, Fp8Weight f, float *y, float beta) {
    // shapes: x [R, in] BF16, Q [out, in] E4M3, y [R, out] fp32; warp w owns outputs [w*OPW, w*OPW + OPW)
    pdl_launch_dependents();  // PDL (pdl.cuh)
    pdl_wait();
    int lane = threadIdx.x & 31;
    int o0 = (blockIdx.x * WARPS + (threadIdx.x >> 5)) * OPW;
    if (o0 >= f.out) return;
    int chunks = f.in / 16;
    bool blocked = f.block > 0;
    int per_block = blocked ? f.block / 16 : 1;
    int scale_cols = blocked ? (f.in + f.block - 1) / f.block : 0;
    // 1) the OPW weight rows (a row past the end repeats the last one; its result is not stored)
    const uint4 *wrow[OPW];
    const float *srow[OPW];
#pragma unroll
    for (int k = 0; k < OPW; k++) {
        int o = min(o0 + k, f.out - 1);
        wrow[k] = reinterpret_cast<const uint4 *>(f.q + (int64_t)o * f.in);
        srow[k] = blocked ? f.scale + (int64_t)(o / scale_rows(f)) * scale_cols : nullptr;
    }
    float acc[OPW][R];
#pragma unroll
    for (int k = 0; k < OPW; k++)
#pragma unroll
        for (int r = 0; r < R; r++) acc[k][r] = 0.0f;
    // 2) stream 16 weights of each row per lane; each x chunk is read once for all OPW rows
    for (int c = lane; c < chunks; c += 32) {
        uint4 wq[OPW];
#pragma unroll
        for (int k = 0; k < OPW; k++) wq[k] = __ldcs(wrow[k] + c);  // streamed: not kept in cache
        float sc[OPW];
#pragma unroll
        for (int k = 0; k < OPW; k++) sc[k] = blocked ? __ldg(srow[k] + c / per_block) : 1.0f;
        float wf[OPW][16];
#pragma unroll
        for (int k = 0; k < OPW; k++) decode16(wq[k], wf[k]);
#pragma unroll
        for (int r = 0; r < R; r++) {
            const uint4 *xr = reinterpret_cast<const uint4 *>(x + (int64_t)r * f.in) + 2 * c;
            uint4 xa = __ldg(xr), xb = __ldg(xr + 1);
            const __nv_bfloat162 *a2 = reinterpret_cast<const __nv_bfloat162 *>(&xa);
            const __nv_bfloat162 *b2 = reinterpret_cast<const __nv_bfloat162 *>(&xb);
            float xf[16];
#pragma unroll
            for (int j = 0; j < 4; j++) {
                float2 p = __bfloat1622float2(a2[j]), q = __bfloat1622float2(b2[j]);
                xf[2 * j] = p.x;
                xf[2 * j + 1] = p.y;
                xf[8 + 2 * j] = q.x;
                xf[8 + 2 * j + 1] = q.y;
            }
#pragma unroll
            for (int k = 0; k < OPW; k++) {
                float s = 0.0f;
#pragma unroll
                for (int j = 0; j < 16; j++) s = fmaf(wf[k][j], xf[j], s);
                acc[k][r] = fmaf(s, sc[k], acc[k][r]);
            }
        }
    }
    // 3) reduce over the warp, apply the channel scale, store (beta: accumulate into y)
#pragma unroll
    for (int k = 0; k < OPW; k++) {
        int o = o0 + k;
        float channel = blocked ? 1.0f : f.scale[min(o, f.out - 1)];
#pragma unroll
        for (int r = 0; r < R; r++) {
            float v = __fmul_rn(warp_sum(acc[k][r]), channel);  // not contracted with the beta add
            if (lane == 0 && o < f.out) {
                float *dst = y + (int64_t)r * f.out + o;
                *dst = beta == 0.0f ? v : v + beta * *dst;
            }
        }
    }
}

template <int R>
int launch_gemv(const void *x, const Fp8Weight &f, float *y, float beta, cudaStream_t stream, const RowNorm *norm = nullptr,
                const Relu2Out *act = nullptr, const GatedNorm *gated = nullptr, const ConvStep *conv = nullptr) {
    const __nv_bfloat16 *xb = static_cast<const __nv_bfloat16 *>(x);
    if constexpr (R >= 3) {
        int warps = (f.out + OPW - 1) / OPW;
        NMC_CUDA(launch_pdl(gemv_fp8_multi_kernel<R>, (warps + WARPS - 1) / WARPS, WARPS * 32, 0, stream, xb, f, y, beta));
    } else if (norm != nullptr || gated != nullptr) {
        const size_t smem = (size_t)R * f.in * 2;
        const int blocks = resident_grid((const void *)gemv_fp8_kernel<R, true>, WARPS * 32, smem, (f.out + WARPS - 1) / WARPS);
        NMC_CUDA(launch_pdl(gemv_fp8_kernel<R, true>, blocks, WARPS * 32, smem, stream, xb, f, y, beta,
                            norm != nullptr ? *norm : RowNorm{}, act != nullptr ? *act : Relu2Out{},
                            gated != nullptr ? *gated : GatedNorm{}, conv != nullptr ? *conv : ConvStep{}));
    } else {
        NMC_CUDA(launch_pdl(gemv_fp8_kernel<R, false>, (f.out + WARPS - 1) / WARPS, WARPS * 32, 0, stream, xb, f, y, beta,
                            RowNorm{}, Relu2Out{}, GatedNorm{}, ConvStep{}));
    }
    NMC_LAUNCHED("gemv fp8");
    return NMC_OK;
}

}  // namespace

int quantize_fp8(const void *w, int out, int in, int block, Fp8Weight &f, cudaStream_t stream) {
    f.out = out;
    f.in = in;
    f.block = block;
    if (block > 0) {
        dim3 grid((in + block - 1) / block, (out + block - 1) / block);
        quantize_block_kernel<<<grid, 256, 0, stream>>>(static_cast<const __nv_bfloat16 *>(w), f.q, f.scale, out, in, block);
    } else {
        quantize_channel_kernel<<<out, 256, 0, stream>>>(static_cast<const __nv_bfloat16 *>(w), f.q, f.scale, in);
    }
    NMC_LAUNCHED("quantize fp8");
    return NMC_OK;
}

int dequantize_fp8(const Fp8Weight &f, void *w, cudaStream_t stream) {
    int64_t n = (int64_t)f.out * f.in;
    int blocks = (int)std::min<int64_t>((n + 255) / 256, 132 * 16);
    dequantize_kernel<<<blocks, 256, 0, stream>>>(f, static_cast<__nv_bfloat16 *>(w));
    NMC_LAUNCHED("dequantize fp8");
    return NMC_OK;
}

bool gemv_fp8_supported(const Fp8Weight &f, int rows) {
    return rows >= 1 && rows <= 8 && f.in % 16 == 0 && (f.block == 0 || f.block % 16 == 0);
}

int gemv_fp8(const void *x, const Fp8Weight &f, float *y, int rows, float beta, cudaStream_t stream, const RowNorm *norm,
             const Relu2Out *act, const GatedNorm *gated, const ConvStep *conv) {
    if (!gemv_fp8_supported(f, rows)) return nmc::fail("gemv fp8: 1 to 8 rows, in a multiple of 16");
    if (norm != nullptr && (norm->dim != f.in || !row_norm_fusable(rows, f.in))) return nmc::fail("gemv fp8: the norm does not fit this shape");
    if (act != nullptr && (norm == nullptr || beta != 0.0f)) return nmc::fail("gemv fp8: the relu2 epilogue needs the norm and beta 0");
    if (gated != nullptr && (norm != nullptr || gated->dim != f.in || !gated_norm_fusable(rows, *gated)))
        return nmc::fail("gemv fp8: the gated norm does not fit this shape");
    if (conv != nullptr && !conv_fusable(norm, act, beta, *conv)) return nmc::fail("gemv fp8: the conv step needs the norm, beta 0, no relu2");
    switch (rows) {
        case 1: return launch_gemv<1>(x, f, y, beta, stream, norm, act, gated, conv);
        case 2: return launch_gemv<2>(x, f, y, beta, stream, norm, act, gated, conv);
        case 3: return launch_gemv<3>(x, f, y, beta, stream);
        case 4: return launch_gemv<4>(x, f, y, beta, stream);
        case 5: return launch_gemv<5>(x, f, y, beta, stream);
        case 6: return launch_gemv<6>(x, f, y, beta, stream);
        case 7: return launch_gemv<7>(x, f, y, beta, stream);
        default: return launch_gemv<8>(x, f, y, beta, stream);
    }
}

}  // namespace nmc::k
