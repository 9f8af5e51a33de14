// GEMV for one-row decode: y[o] = sum_i x[i] W[o, i] + beta y[o], BF16 x and W, fp32
// accumulation. Memory-bound: every weight is read once per step, so the kernel is built to
// stream W at full bandwidth. (Measured on the H200 with the Nano-9B shapes: 5 % faster than
// cuBLAS at one row. Variants for 2 to 8 rows, one or two features per warp, lost to cuBLAS by
// 4 % to 45 %, so several rows go to cuBLAS.)
//
// One warp per output feature o; each lane reads 8 consecutive weights (16 bytes) at a time,
// two such loads in flight per iteration, and the R rows of x (L1-resident) at the same columns.
// The R partial sums are reduced across the warp at the end.
// NORM (NMC_DECODE_FUSE=1): x is made in the block from the residual h and the norm weight
// (gemv_fusion.cuh, bit-equal to rms_norm's xn) into shared memory, and the blocks are persistent
// (a grid-stride loop over the features: one x a block, not one a feature's block); with a Relu2Out
// (mlp.up) the store is relu(y + bias)^2 in the model dtype instead of y (gemv_fusion.cuh relu2_store).
// The same with x the gated group norm of (y, z) (out_proj: GatedNorm, gemv_fusion.cuh gated_rows_bf16);
// with a ConvStep (in_proj) the store also runs the conv1d step of its conv channels (conv_store).
#include "kernels.h"
#include "device_math.cuh"
#include "gemv_fusion.cuh"
#include "pdl.cuh"

namespace nmc::k {
namespace {

// emu-begin (test/decode_fuse_emu.cpp)
constexpr int WARPS = 8;

__device__ __forceinline__ void fma8(float &acc, const uint4 &w, const uint4 &x) {
    const __nv_bfloat162 *w2 = reinterpret_cast<const __nv_bfloat162 *>(&w);
    const __nv_bfloat162 *x2 = reinterpret_cast<const __nv_bfloat162 *>(&x);
#pragma unroll
    for (int j = 0; j < 4; j++) {
        float2 wf = __bfloat1622float2(w2[j]), xf = __bfloat1622float2(x2[j]);
        acc = fmaf(wf.x, xf.x, acc);
        acc = fmaf(wf.y, xf.y, acc);
    }
}

template <int R, bool NORM>
__global__ void __launch_bounds__(WARPS * 32) gemv_kernel(const __nv_bfloat16 *x, const __nv_bfloat16 *w, float *y,
                                                          int in, int out, float beta, RowNorm norm,
                                                          Relu2Out act, GatedNorm gated, ConvStep conv) {
    // PDL (pdl.cuh): the first weight row of this warp on its way into L2, then wait for x
    pdl_launch_dependents();
    const int first = blockIdx.x * WARPS + (threadIdx.x >> 5);
    if ((threadIdx.x & 31) == 0 && first < out) prefetch_l2(w + (int64_t)first * in, (unsigned)in * 2);
    pdl_wait();
    if constexpr (NORM) {
        __nv_bfloat16 *xs = dynamic_bf16();
        fused_x_bf16<R>(norm, gated, xs);
        x = xs;
    }
    int lane = threadIdx.x & 31;
    for (int o = first; o < out; o += gridDim.x * WARPS) {
        const uint4 *wrow = reinterpret_cast<const uint4 *>(w + (int64_t)o * in);
        int chunks = in / 8;  // 16-byte chunks per row
        float acc[R];
#pragma unroll
        for (int r = 0; r < R; r++) acc[r] = 0.0f;
        int c = lane;
        for (; c + 32 < chunks; c += 64) {
            uint4 w0 = __ldcs(wrow + c), w1 = __ldcs(wrow + c + 32);  // streamed: not kept in cache
#pragma unroll
            for (int r = 0; r < R; r++) {
                const uint4 *xr = reinterpret_cast<const uint4 *>(x + (int64_t)r * in);
                fma8(acc[r], w0, load_x<NORM>(xr + c));
                fma8(acc[r], w1, load_x<NORM>(xr + c + 32));
            }
        }
        if (c < chunks) {
            uint4 w0 = __ldcs(wrow + c);
#pragma unroll
            for (int r = 0; r < R; r++) fma8(acc[r], w0, load_x<NORM>(reinterpret_cast<const uint4 *>(x + (int64_t)r * in) + c));
        }
#pragma unroll
        for (int r = 0; r < R; r++) {
            float v = warp_sum(acc[r]);
            if (lane == 0 && NORM && act.out != nullptr) {
                relu2_store(act, (int64_t)r * out + o, o, v);
            } else if (lane == 0) {
                float *dst = y + (int64_t)r * out + o;
                *dst = beta == 0.0f ? v : v + beta * *dst;
                if (NORM) conv_store(conv, r, o, v);
            }
        }
    }
}
// emu-end

template <int R>
int launch(const void *x, const void *w, float *y, int in, int out, float beta, cudaStream_t stream, const RowNorm *norm,
           const Relu2Out *act, const GatedNorm *gated, const ConvStep *conv) {
    const __nv_bfloat16 *xb = static_cast<const __nv_bfloat16 *>(x), *wb = static_cast<const __nv_bfloat16 *>(w);
    const int needed = (out + WARPS - 1) / WARPS;
    if (norm != nullptr || gated != nullptr) {
        const size_t smem = (size_t)R * in * 2;
        const int blocks = resident_grid((const void *)gemv_kernel<R, true>, WARPS * 32, smem, needed);
        NMC_CUDA(launch_pdl(gemv_kernel<R, true>, blocks, WARPS * 32, smem, stream, xb, wb, y, in, out, beta,
                            norm != nullptr ? *norm : RowNorm{}, act != nullptr ? *act : Relu2Out{},
                            gated != nullptr ? *gated : GatedNorm{}, conv != nullptr ? *conv : ConvStep{}));
    } else {
        NMC_CUDA(launch_pdl(gemv_kernel<R, false>, needed, WARPS * 32, 0, stream, xb, wb, y, in, out, beta, RowNorm{},
                            Relu2Out{}, GatedNorm{}, ConvStep{}));
    }
    NMC_LAUNCHED("gemv");
    return NMC_OK;
}

}  // namespace

bool gemv_supported(int rows, int in) { return rows == 1 && in % 8 == 0; }

int gemv_bf16(const void *x, const void *w, float *y, int rows, int in, int out, float beta, cudaStream_t stream,
              const RowNorm *norm, const Relu2Out *act, const GatedNorm *gated, const ConvStep *conv) {
    if (!gemv_supported(rows, in)) return nmc::fail("gemv: one row and a width that is a multiple of 8");
    if (norm != nullptr && (norm->dim != in || !row_norm_fusable(rows, in))) return nmc::fail("gemv: the norm does not fit this shape");
    if (act != nullptr && (norm == nullptr || beta != 0.0f)) return nmc::fail("gemv: the relu2 epilogue needs the norm and beta 0");
    if (gated != nullptr && (norm != nullptr || gated->dim != in || !gated_norm_fusable(rows, *gated)))
        return nmc::fail("gemv: the gated norm does not fit this shape");
    if (conv != nullptr && !conv_fusable(norm, act, beta, *conv)) return nmc::fail("gemv: the conv step needs the norm, beta 0, no relu2");
    return launch<1>(x, w, y, in, out, beta, stream, norm, act, gated, conv);
}

}  // namespace nmc::k
