// FP8 E4M3 weights times 3 to 64 BF16 rows on tensor cores (decode of a batch): the CUDA-core
// GEMV of fp8.cu spends one FP32 FMA per weight and row, so from a few rows on it is bound by FMA
// throughput, not by HBM (33% of the roofline at 8 rows on an H100). Here the weights stream
// through mma.sync m16n8k16 (BF16 in, fp32 accumulate).
//
// shapes: x [R, in] BF16 (R <= 64, NT = ceil(R / 8) tiles of 8 rows); Q [out, in] E4M3 with the
//   scales of fp8.cu; y [R, out] fp32 (+ beta y).
// Work: a block of KW warps owns 16 MT output features (MT 16-row tiles); its warps split `in`
//   into 64-column chunks (chunk c to warp c % KW) and their partial sums are added in shared
//   memory at the end. A warp reads each x fragment once for its MT tiles: at 64 rows x is read
//   from L2 once per 16 MT weight rows, so MT = 2 from 17 rows on (MT = 1 keeps more blocks in
//   flight for few rows).
// Fragments (PTX ISA, mma.m16n8k16, g = lane / 4, t = lane % 4): A rows g and g + 8, B column g;
//   the order of k inside one mma is free as long as A and B agree, so lane (g, t) loads the 16
//   contiguous columns [c*64 + 16t, c*64 + 16t + 16) of weight rows g and g + 8 and of x row
//   g + 8 nt, and mma j of the chunk uses its columns 4j .. 4j + 3 (k pairs 2t, 2t+1 <- 4j, 4j+1;
//   2t+8, 2t+9 <- 4j+2, 4j+3).
// Numerics: each weight becomes BF16(Q * scale) — exactly what the dequantise + cuBLAS path of
//   many rows feeds cuBLAS — and products are summed in fp32.
#include "kernels.h"
#include "device_math.cuh"
#include "mma_bf16.cuh"
#include "../env_switch.h"

#include <cuda_bf16.h>
#include <cuda_fp8.h>

#include <cstdlib>

namespace nmc::k {
namespace {

constexpr int KW = 8;        // warps per block (split over `in`)
constexpr int CHUNK = 64;    // columns per warp step

__device__ __forceinline__ int scale_rows_of(const Fp8Weight &f) { return f.row_block > 0 ? f.row_block : f.block; }

template <int MT, int NT>
__global__ void __launch_bounds__(KW * 32) gemv_fp8_mma_kernel(const __nv_bfloat16 *x, int rows, Fp8Weight f, float *y,
                                                               float beta) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int g = lane >> 2, t = lane & 3;
    int o0 = blockIdx.x * 16 * MT;
    bool blocked = f.block > 0;
    int scale_cols = blocked ? (f.in + f.block - 1) / f.block : 0;
    // 1) the two weight rows of this lane in each tile (a row past the end repeats the last one;
    //    not stored)
    const uint8_t *w[MT][2];
    const float *sp[MT][2];
#pragma unroll
    for (int m = 0; m < MT; m++) {
#pragma unroll
        for (int h = 0; h < 2; h++) {
            int r = min(o0 + 16 * m + g + 8 * h, f.out - 1);
            w[m][h] = f.q + (int64_t)r * f.in + 16 * t;
            sp[m][h] = blocked ? f.scale + (int64_t)(r / scale_rows_of(f)) * scale_cols : f.scale + r;
        }
    }
    float acc[MT][NT][4];
#pragma unroll
    for (int m = 0; m < MT; m++)
#pragma unroll
        for (int n = 0; n < NT; n++) acc[m][n][0] = acc[m][n][1] = acc[m][n][2] = acc[m][n][3] = 0.0f;
    int chunks = f.in / CHUNK;
    // 2) this warp's chunks: weights (streamed, not cached) to BF16 fragments, then one mma per
    //    16-row tile, 8-row tile of x and 16-column slice
    for (int c = warp; c < chunks; c += KW) {
        int col = c * CHUNK;
        uint4 q[MT][2];
        float sc[MT][2];
#pragma unroll
        for (int m = 0; m < MT; m++)
#pragma unroll
            for (int h = 0; h < 2; h++) {
                q[m][h] = __ldcs(reinterpret_cast<const uint4 *>(w[m][h] + col));
                sc[m][h] = blocked ? __ldg(sp[m][h] + col / f.block) : __ldg(sp[m][h]);
            }
        uint32_t a[MT][4][4];
#pragma unroll
        for (int m = 0; m < MT; m++) {
            const uint16_t *p0 = reinterpret_cast<const uint16_t *>(&q[m][0]);
            const uint16_t *p1 = reinterpret_cast<const uint16_t *>(&q[m][1]);
#pragma unroll
            for (int j = 0; j < 4; j++) {
                a[m][j][0] = e4m3x2_scaled_bf16x2(p0[2 * j], sc[m][0]);
                a[m][j][1] = e4m3x2_scaled_bf16x2(p1[2 * j], sc[m][1]);
                a[m][j][2] = e4m3x2_scaled_bf16x2(p0[2 * j + 1], sc[m][0]);
                a[m][j][3] = e4m3x2_scaled_bf16x2(p1[2 * j + 1], sc[m][1]);
            }
        }
#pragma unroll
        for (int n = 0; n < NT; n++) {
            int r = n * 8 + g;
            uint4 xa = make_uint4(0, 0, 0, 0), xb = make_uint4(0, 0, 0, 0);
            if (r < rows) {
                const uint4 *xr = reinterpret_cast<const uint4 *>(x + (int64_t)r * f.in + col + 16 * t);
                xa = __ldg(xr);
                xb = __ldg(xr + 1);
            }
            const uint32_t xw[8] = {xa.x, xa.y, xa.z, xa.w, xb.x, xb.y, xb.z, xb.w};
#pragma unroll
            for (int m = 0; m < MT; m++)
#pragma unroll
                for (int j = 0; j < 4; j++) mma_bf16(acc[m][n], a[m][j], xw[2 * j], xw[2 * j + 1]);
        }
    }
    // 3) add the KW warps' partial sums, one tile at a time through shared memory; warp 0 stores
    //    y[r, o] (C fragment: rows g, g + 8 are outputs, columns 2t, 2t + 1 are rows of x)
    __shared__ float part[KW][NT][4][32];
#pragma unroll
    for (int m = 0; m < MT; m++) {
        if (m > 0) __syncthreads();  // warp 0 has read the previous tile
#pragma unroll
        for (int n = 0; n < NT; n++)
#pragma unroll
            for (int e = 0; e < 4; e++) part[warp][n][e][lane] = acc[m][n][e];
        __syncthreads();
        if (warp == 0) {
#pragma unroll
            for (int n = 0; n < NT; n++) {
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    float v = 0.0f;
#pragma unroll
                    for (int k = 0; k < KW; k++) v += part[k][n][e][lane];
                    int o = o0 + 16 * m + g + (e >= 2 ? 8 : 0);
                    int r = n * 8 + 2 * t + (e & 1);
                    if (o < f.out && r < rows) {
                        float *dst = y + (int64_t)r * f.out + o;
                        *dst = beta == 0.0f ? v : v + beta * *dst;
                    }
                }
            }
        }
    }
}

template <int MT, int NT>
int launch(const void *x, const Fp8Weight &f, float *y, int rows, float beta, cudaStream_t stream) {
    int tile = 16 * MT;
    gemv_fp8_mma_kernel<MT, NT><<<(f.out + tile - 1) / tile, KW * 32, 0, stream>>>(static_cast<const __nv_bfloat16 *>(x),
                                                                                rows, f, y, beta);
    NMC_LAUNCHED("gemv fp8 (tensor cores)");
    return NMC_OK;
}

}  // namespace

bool gemv_fp8_mma_supported(const Fp8Weight &f, int rows) {
    return rows >= 1 && rows <= 64 && f.in % CHUNK == 0 && (f.block == 0 || f.block % CHUNK == 0);
}

int gemv_fp8_mma(const void *x, const Fp8Weight &f, float *y, int rows, float beta, cudaStream_t stream) {
    if (!gemv_fp8_mma_supported(f, rows)) return nmc::fail("gemv fp8 (tensor cores): 1 to 64 rows, in and block multiples of 64");
    // NMC_FP8_MMA_MT=1: one 16-row tile per warp at every batch (the measurement of MT = 2)
    static const bool one_tile = nmc::env_flag("NMC_FP8_MMA_MT", false);
    if (one_tile) {
        switch ((rows + 7) / 8) {
            case 3: return launch<1, 3>(x, f, y, rows, beta, stream);
            case 4: return launch<1, 4>(x, f, y, rows, beta, stream);
            case 5: return launch<1, 5>(x, f, y, rows, beta, stream);
            case 6: return launch<1, 6>(x, f, y, rows, beta, stream);
            case 7: return launch<1, 7>(x, f, y, rows, beta, stream);
            case 8: return launch<1, 8>(x, f, y, rows, beta, stream);
            default: break;
        }
    }
    switch ((rows + 7) / 8) {
        case 1: return launch<1, 1>(x, f, y, rows, beta, stream);
        case 2: return launch<1, 2>(x, f, y, rows, beta, stream);
        case 3: return launch<2, 3>(x, f, y, rows, beta, stream);
        case 4: return launch<2, 4>(x, f, y, rows, beta, stream);
        case 5: return launch<2, 5>(x, f, y, rows, beta, stream);
        case 6: return launch<2, 6>(x, f, y, rows, beta, stream);
        case 7: return launch<2, 7>(x, f, y, rows, beta, stream);
        default: return launch<2, 8>(x, f, y, rows, beta, stream);
    }
}

}  // namespace nmc::k
