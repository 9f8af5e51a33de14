// One read, two orientations (fp8_lt.h quantize_dual, NMC_FP8_QUANT=fused): the cuBLASLt FP8
// operands that today take two passes over the same fp32 tensor (fp8_lt_quant.cu) from one.
//   dY (block false): the data gradient's B operand (1 x 128 row tiles, row-major codes) and the
//                     weight gradient's B operand (128 x 1 column tiles, transposed codes)
//   W  (block true):  the forward's A operand (128 x 128 blocks) and the data gradient's A operand
//                     (the same blocks transposed; one scale serves both orientations)
// Codes and scales bit-identical to quantize_tiles / quantize_cols_transposed: the same element sets
// enter each amax (max is exact in any order), the same arithmetic (fp8_block.cuh), the same zero
// codes where the output is padded.
// Shapes: one CUDA block of 512 threads (16 warps) per 128 x 128 tile of x, grid (column tiles, row
// tiles); warp w holds rows 8w .. 8w+7 of the tile, lane l its columns l, l+32, l+64, l+96.
//   1. load the tile into registers (coalesced along the columns; 0 outside x), column maxima of the
//      warp's 8 rows
//   2. block: the tile's scale, one block-wide max; else the warps' column maxima to shared memory
//   3. row-major codes straight from the registers (32 consecutive bytes a warp store), each row's
//      scale (row tiles) by a warp shuffle just before; then the column scales (column tiles) from
//      the 16 warps' maxima
//   4. transposed codes through shared memory (4 rows packed in a word, rows padded one word against
//      bank conflicts), then written as words along the output's rows (128 bytes a column)
#include "fp8_lt.h"

#include "fp8_block.cuh"

namespace nmc::k::fp8lt {
namespace {

constexpr int T = 128, DUAL_THREADS = 512, WARPS = DUAL_THREADS / 32, RPW = T / WARPS, CPL = T / 32;

template <bool BLOCK>
__global__ void __launch_bounds__(DUAL_THREADS)
    dual_kernel(const float *x, int64_t ld, int rows, int cols, uint8_t *out_r, int64_t ld_r, float *scales_r,
                int64_t sr_r, int64_t sr_c, uint8_t *out_t, int64_t ld_t, float *scales_t, int64_t st_r,
                int64_t st_c) {
    __shared__ float part[WARPS][T];
    __shared__ float col_scale[T];
    __shared__ float red[WARPS];
    __shared__ uint32_t codes_t[T][T / 4 + 1];
    const int cb = blockIdx.x, rb = blockIdx.y, r0 = rb * T, c0 = cb * T;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    // 1. the tile: v[j][i] = x[r0 + RPW warp + j, c0 + lane + 32 i]
    float v[RPW][CPL], cmax[CPL];
#pragma unroll
    for (int i = 0; i < CPL; i++) cmax[i] = 0.0f;
#pragma unroll
    for (int j = 0; j < RPW; j++) {
        const int r = r0 + warp * RPW + j;
#pragma unroll
        for (int i = 0; i < CPL; i++) {
            const int c = c0 + lane + 32 * i;
            v[j][i] = r < rows && c < cols ? x[(int64_t)r * ld + c] : 0.0f;
            cmax[i] = fmaxf(cmax[i], fp8block::finite_abs(v[j][i]));
        }
    }
    // 2. the block's scale (block), or the column maxima of the 16 warps into shared memory
    float s = 1.0f;
    if (BLOCK) {
        float m = 0.0f;
#pragma unroll
        for (int i = 0; i < CPL; i++) m = fmaxf(m, cmax[i]);
        s = fp8block::scale_of(fp8block::block_max(m, red, DUAL_THREADS));
        if (threadIdx.x == 0) {
            scales_r[rb * sr_r + cb * sr_c] = s;
            scales_t[rb * st_r + cb * st_c] = s;
        }
    } else {
#pragma unroll
        for (int i = 0; i < CPL; i++) part[warp][lane + 32 * i] = cmax[i];
    }
    // 3. row-major codes of the rows inside x, every column of the padded width (0 past cols); each
    //    row's scale (row tiles) by a warp shuffle first
#pragma unroll
    for (int j = 0; j < RPW; j++) {
        const int r = r0 + warp * RPW + j;  // the same in all lanes
        float rs = s;
        if (!BLOCK) {
            float m = 0.0f;
#pragma unroll
            for (int i = 0; i < CPL; i++) m = fmaxf(m, fp8block::finite_abs(v[j][i]));
            for (int o = 16; o > 0; o >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, o));
            rs = fp8block::scale_of(m);
            if (lane == 0 && r < rows) scales_r[r * sr_r + cb * sr_c] = rs;
        }
        if (r >= rows) continue;
#pragma unroll
        for (int i = 0; i < CPL; i++) {
            const int c = c0 + lane + 32 * i;
            out_r[(int64_t)r * ld_r + c] = c < cols ? fp8block::encode(v[j][i], rs) : (uint8_t)0;
        }
    }
    // the column scales (column tiles) from the warps' maxima
    float cs[CPL];
    if (!BLOCK) {
        __syncthreads();
        if (threadIdx.x < T) {
            float m = 0.0f;
            for (int w = 0; w < WARPS; w++) m = fmaxf(m, part[w][threadIdx.x]);
            const float sc = fp8block::scale_of(m);  // rows past x hold 0: no part in the amax
            col_scale[threadIdx.x] = sc;
            if (c0 + (int)threadIdx.x < cols) scales_t[rb * st_r + (int64_t)(c0 + threadIdx.x) * st_c] = sc;
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < CPL; i++) cs[i] = BLOCK ? s : col_scale[lane + 32 * i];
    // 4. transposed codes of the columns inside x, every row of the padded height (0 past rows)
#pragma unroll
    for (int i = 0; i < CPL; i++) {
#pragma unroll
        for (int h = 0; h < RPW / 4; h++) {
            uint32_t word = 0;
#pragma unroll
            for (int b = 0; b < 4; b++) {
                const int j = 4 * h + b;
                const uint8_t q = r0 + warp * RPW + j < rows ? fp8block::encode(v[j][i], cs[i]) : (uint8_t)0;
                word |= (uint32_t)q << (8 * b);
            }
            codes_t[lane + 32 * i][warp * (RPW / 4) + h] = word;
        }
    }
    __syncthreads();
    for (int e = threadIdx.x; e < T * (T / 4); e += DUAL_THREADS) {
        const int cc = e / (T / 4), wd = e % (T / 4);
        if (c0 + cc < cols)
            *reinterpret_cast<uint32_t *>(out_t + (int64_t)(c0 + cc) * ld_t + r0 + 4 * wd) = codes_t[cc][wd];
    }
}

}  // namespace

int quantize_dual(const float *x, int64_t ld, int rows, int cols, bool block, uint8_t *out_r, int64_t ld_r,
                  float *scales_r, int64_t sr_r, int64_t sr_c, uint8_t *out_t, int64_t ld_t, float *scales_t,
                  int64_t st_r, int64_t st_c, cudaStream_t stream) {
    if (rows <= 0 || cols <= 0) return NMC_OK;
    const int64_t rows_pad = (int64_t)(rows + T - 1) / T * T, cols_pad = (int64_t)(cols + T - 1) / T * T;
    if (ld < cols || ld_r < cols_pad || ld_t < rows_pad || ld_t % 4 != 0 || reinterpret_cast<uintptr_t>(out_t) % 4 != 0)
        return nmc::fail("fp8 quantize_dual: bad stride or alignment (transposed rows: whole words)");
    if (rows_pad / T > 65535) return nmc::fail("fp8 quantize_dual: too many rows");
    dim3 grid((unsigned)(cols_pad / T), (unsigned)(rows_pad / T));
    if (block)
        dual_kernel<true><<<grid, DUAL_THREADS, 0, stream>>>(x, ld, rows, cols, out_r, ld_r, scales_r, sr_r, sr_c, out_t,
                                                             ld_t, scales_t, st_r, st_c);
    else
        dual_kernel<false><<<grid, DUAL_THREADS, 0, stream>>>(x, ld, rows, cols, out_r, ld_r, scales_r, sr_r, sr_c,
                                                              out_t, ld_t, scales_t, st_r, st_c);
    NMC_CUDA(cudaGetLastError());
    return NMC_OK;
}

}  // namespace nmc::k::fp8lt
