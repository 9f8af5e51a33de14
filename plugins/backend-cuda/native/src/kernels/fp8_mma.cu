// FP8 E4M3 weights times 3 to 64 BF16 rows on tensor cores (decode of a batch): the CUDA-core
// GEMV of fp8.cu spends one FP32 FMA per weight and row, so from a few rows on it is bound by FMA
// throughput, not by HBM (33% of the roofline at 8 rows on an H100). Here the weights stream
// through mma.sync m16n8k16 (BF16 in, fp32 accumulate).
//
// shapes: x [R, in] BF16 (R <= 64, NT = ceil(R / 8) tiles of 8 rows); Q [out, in] E4M3 with the
//   scales of fp8.cu; y [R, out] fp32 (+ beta y).
// Work: a block of KW warps owns 16 output features; its warps split `in` into 64-column chunks
//   (chunk c to warp c % KW) and their partial sums are added in shared memory at the end.
// Fragments (PTX ISA, mma.m16n8k16, g = lane / 4, t = lane % 4): A rows g and g + 8, B column g;
//   the order of k inside one mma is free as long as A and B agree, so lane (g, t) loads the 16
//   contiguous columns [c*64 + 16t, c*64 + 16t + 16) of weight rows g and g + 8 and of x row
//   g + 8 nt, and mma j of the chunk uses its columns 4j .. 4j + 3 (k pairs 2t, 2t+1 <- 4j, 4j+1;
//   2t+8, 2t+9 <- 4j+2, 4j+3).
// Numerics: each weight becomes BF16(Q * scale) — exactly what the dequantise + cuBLAS path of
//   many rows feeds cuBLAS — and products are summed in fp32.
#include "kernels.h"
#include "device_math.cuh"

#include <cuda_bf16.h>
#include <cuda_fp8.h>

namespace nmc::k {
namespace {

constexpr int KW = 8;        // warps per block (split over `in`)
constexpr int CHUNK = 64;    // columns per warp step

__device__ __forceinline__ int scale_rows_of(const Fp8Weight &f) { return f.row_block > 0 ? f.row_block : f.block; }

// Two E4M3 codes times a scale, as one BF16 pair (low half = first code).
__device__ __forceinline__ uint32_t e4m3x2_scaled_bf16x2(uint16_t two, float s) {
    __half2_raw raw = __nv_cvt_fp8x2_to_halfraw2((__nv_fp8x2_storage_t)two, __NV_E4M3);
    float2 f = __half22float2(*reinterpret_cast<__half2 *>(&raw));
    __nv_bfloat162 b = __floats2bfloat162_rn(f.x * s, f.y * s);
    return *reinterpret_cast<uint32_t *>(&b);
}

__device__ __forceinline__ void mma_bf16(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

template <int NT>
__global__ void __launch_bounds__(KW * 32) gemv_fp8_mma_kernel(const __nv_bfloat16 *x, int rows, Fp8Weight f, float *y,
                                                               float beta) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int g = lane >> 2, t = lane & 3;
    int o0 = blockIdx.x * 16;
    // 1) the two weight rows of this lane (a row past the end repeats the last one; not stored)
    int r0 = min(o0 + g, f.out - 1), r1 = min(o0 + g + 8, f.out - 1);
    const uint8_t *w0 = f.q + (int64_t)r0 * f.in + 16 * t;
    const uint8_t *w1 = f.q + (int64_t)r1 * f.in + 16 * t;
    bool blocked = f.block > 0;
    int scale_cols = blocked ? (f.in + f.block - 1) / f.block : 0;
    const float *s0 = blocked ? f.scale + (int64_t)(r0 / scale_rows_of(f)) * scale_cols : f.scale + r0;
    const float *s1 = blocked ? f.scale + (int64_t)(r1 / scale_rows_of(f)) * scale_cols : f.scale + r1;
    float acc[NT][4];
#pragma unroll
    for (int n = 0; n < NT; n++) acc[n][0] = acc[n][1] = acc[n][2] = acc[n][3] = 0.0f;
    int chunks = f.in / CHUNK;
    // 2) this warp's chunks: weights (streamed, not cached) to BF16 fragments, then one mma per
    //    8-row tile of x and 16-column slice
    for (int c = warp; c < chunks; c += KW) {
        int col = c * CHUNK;
        uint4 q0 = __ldcs(reinterpret_cast<const uint4 *>(w0 + col));
        uint4 q1 = __ldcs(reinterpret_cast<const uint4 *>(w1 + col));
        float sc0 = blocked ? __ldg(s0 + col / f.block) : __ldg(s0);
        float sc1 = blocked ? __ldg(s1 + col / f.block) : __ldg(s1);
        const uint16_t *p0 = reinterpret_cast<const uint16_t *>(&q0);
        const uint16_t *p1 = reinterpret_cast<const uint16_t *>(&q1);
        uint32_t a[4][4];
#pragma unroll
        for (int j = 0; j < 4; j++) {
            a[j][0] = e4m3x2_scaled_bf16x2(p0[2 * j], sc0);
            a[j][1] = e4m3x2_scaled_bf16x2(p1[2 * j], sc1);
            a[j][2] = e4m3x2_scaled_bf16x2(p0[2 * j + 1], sc0);
            a[j][3] = e4m3x2_scaled_bf16x2(p1[2 * j + 1], sc1);
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
            for (int j = 0; j < 4; j++) mma_bf16(acc[n], a[j], xw[2 * j], xw[2 * j + 1]);
        }
    }
    // 3) add the KW warps' partial sums; warp 0 stores y[r, o] (C fragment: rows g, g + 8 are
    //    outputs, columns 2t, 2t + 1 are rows of x)
    __shared__ float part[KW][NT][4][32];
#pragma unroll
    for (int n = 0; n < NT; n++)
#pragma unroll
        for (int e = 0; e < 4; e++) part[warp][n][e][lane] = acc[n][e];
    __syncthreads();
    if (warp != 0) return;
#pragma unroll
    for (int n = 0; n < NT; n++) {
#pragma unroll
        for (int e = 0; e < 4; e++) {
            float v = 0.0f;
#pragma unroll
            for (int w = 0; w < KW; w++) v += part[w][n][e][lane];
            int o = o0 + g + (e >= 2 ? 8 : 0);
            int r = n * 8 + 2 * t + (e & 1);
            if (o < f.out && r < rows) {
                float *dst = y + (int64_t)r * f.out + o;
                *dst = beta == 0.0f ? v : v + beta * *dst;
            }
        }
    }
}

template <int NT>
int launch(const void *x, const Fp8Weight &f, float *y, int rows, float beta, cudaStream_t stream) {
    gemv_fp8_mma_kernel<NT><<<(f.out + 15) / 16, KW * 32, 0, stream>>>(static_cast<const __nv_bfloat16 *>(x), rows, f, y,
                                                                     beta);
    NMC_LAUNCHED("gemv fp8 (tensor cores)");
    return NMC_OK;
}

}  // namespace

bool gemv_fp8_mma_supported(const Fp8Weight &f, int rows) {
    return rows >= 1 && rows <= 64 && f.in % CHUNK == 0 && (f.block == 0 || f.block % CHUNK == 0);
}

int gemv_fp8_mma(const void *x, const Fp8Weight &f, float *y, int rows, float beta, cudaStream_t stream) {
    if (!gemv_fp8_mma_supported(f, rows)) return nmc::fail("gemv fp8 (tensor cores): 1 to 64 rows, in and block multiples of 64");
    switch ((rows + 7) / 8) {
        case 1: return launch<1>(x, f, y, rows, beta, stream);
        case 2: return launch<2>(x, f, y, rows, beta, stream);
        case 3: return launch<3>(x, f, y, rows, beta, stream);
        case 4: return launch<4>(x, f, y, rows, beta, stream);
        case 5: return launch<5>(x, f, y, rows, beta, stream);
        case 6: return launch<6>(x, f, y, rows, beta, stream);
        case 7: return launch<7>(x, f, y, rows, beta, stream);
        default: return launch<8>(x, f, y, rows, beta, stream);
    }
}

}  // namespace nmc::k
