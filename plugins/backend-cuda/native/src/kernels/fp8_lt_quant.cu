// The cuBLASLt FP8 operand quantisers (see fp8_lt.h): the fake quantiser's tiles and arithmetic
// (fp8_block.cuh), E4M3 bytes out instead of dequantised floats, transposed where the GEMM needs the
// contraction axis contiguous.
#include "fp8_lt.h"

#include "fp8_block.cuh"

namespace nmc::k::fp8lt {
namespace {

constexpr int THREADS = 128;

__device__ __forceinline__ float load(const float *x, int64_t i) { return x[i]; }

// one CUDA block per tile (1D grid, tile rows outermost)
template <typename T>
__global__ void __launch_bounds__(THREADS) tiles_kernel(const T *x, int64_t ld, int rows, int cols, int br, int bc,
                                                        bool transposed, int rows_pad, int cols_pad, uint8_t *out,
                                                        int64_t ldo, float *scales, int64_t s_rb, int64_t s_cb) {
    __shared__ float red[THREADS / 32];
    int ncb = (cols_pad + bc - 1) / bc;
    int rb = (int)(blockIdx.x / ncb), cb = (int)(blockIdx.x % ncb);
    int r0 = rb * br, c0 = cb * bc;
    int nr = min(br, rows_pad - r0), nc = min(bc, cols_pad - c0);
    int n = nr * nc;
    // 1. amax over the tile's elements inside x
    float amax = 0.0f;
    for (int e = threadIdx.x; e < n; e += THREADS) {
        int r = r0 + e / nc, c = c0 + e % nc;
        if (r < rows && c < cols) amax = fmaxf(amax, fp8block::finite_abs(load(x, (int64_t)r * ld + c)));
    }
    amax = fp8block::block_max(amax, red, THREADS);
    float s = fp8block::scale_of(amax);
    // 2. codes in the output's order (consecutive threads write consecutive bytes)
    for (int e = threadIdx.x; e < n; e += THREADS) {
        int r, c;
        if (transposed) {
            c = c0 + e / nr;
            r = r0 + e % nr;
        } else {
            r = r0 + e / nc;
            c = c0 + e % nc;
        }
        uint8_t q = r < rows && c < cols ? fp8block::encode(load(x, (int64_t)r * ld + c), s) : (uint8_t)0;
        if (transposed) out[(int64_t)c * ldo + r] = q;
        else out[(int64_t)r * ldo + c] = q;
    }
    if (threadIdx.x == 0) scales[rb * s_rb + cb * s_cb] = s;
}

constexpr int ROW_WARPS = 8;

// 1 x 128 tiles, not transposed (activations and output gradients, the hot path): one warp per
// tile, 4 consecutive elements per lane, shuffle-only reduction; tiles numbered row-major
template <typename T>
__global__ void __launch_bounds__(ROW_WARPS * 32) rows_kernel(const T *x, int64_t ld, int rows, int cols, int cols_pad,
                                                              int ncb, uint8_t *out, int64_t ldo, float *scales,
                                                              int64_t s_rb, int64_t s_cb) {
    int64_t tile = (int64_t)blockIdx.x * ROW_WARPS + threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    if (tile >= (int64_t)rows * ncb) return;
    int r = (int)(tile / ncb), cb = (int)(tile % ncb);
    int c0 = cb * 128 + lane * 4;
    float v[4];
    float amax = 0.0f;
#pragma unroll
    for (int i = 0; i < 4; i++) {
        v[i] = c0 + i < cols ? load(x, (int64_t)r * ld + c0 + i) : 0.0f;
        amax = fmaxf(amax, fp8block::finite_abs(v[i]));
    }
    for (int o = 16; o > 0; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, o));
    float s = fp8block::scale_of(amax);
#pragma unroll
    for (int i = 0; i < 4; i++) {
        if (c0 + i < cols_pad) out[(int64_t)r * ldo + c0 + i] = c0 + i < cols ? fp8block::encode(v[i], s) : (uint8_t)0;
    }
    if (lane == 0) scales[r * s_rb + cb * s_cb] = s;
}

constexpr int COLS = 32, ROWS = 128, CT_THREADS = 256;

// one CUDA block per 128 rows x 32 columns: coalesced reads along the columns, a shared tile, one
// scale per column (8 threads reduce each), coalesced transposed writes along the rows
__global__ void __launch_bounds__(CT_THREADS) cols_t_kernel(const float *x, int64_t ld, int rows, int cols, uint8_t *out,
                                                            int64_t ldo, float *scales, int64_t s_rb, int64_t s_c) {
    __shared__ float tile[ROWS][COLS + 1];
    __shared__ float sc[COLS];
    int c0 = blockIdx.x * COLS, rb = blockIdx.y, r0 = rb * ROWS;
    for (int e = threadIdx.x; e < ROWS * COLS; e += CT_THREADS) {
        int r = e / COLS, c = e % COLS;
        tile[r][c] = r0 + r < rows && c0 + c < cols ? x[(int64_t)(r0 + r) * ld + c0 + c] : 0.0f;
    }
    __syncthreads();
    int c = threadIdx.x / 8, part = threadIdx.x % 8;  // 8 consecutive lanes per column
    float amax = 0.0f;
    for (int r = part * (ROWS / 8); r < (part + 1) * (ROWS / 8); r++) amax = fmaxf(amax, fp8block::finite_abs(tile[r][c]));
    for (int o = 4; o > 0; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, o));
    if (part == 0) {
        float s = fp8block::scale_of(amax);  // padding rows hold 0: no part in the amax
        sc[c] = s;
        if (c0 + c < cols) scales[rb * s_rb + (int64_t)(c0 + c) * s_c] = s;
    }
    __syncthreads();
    for (int e = threadIdx.x; e < ROWS * COLS; e += CT_THREADS) {
        int cc = e / ROWS, r = e % ROWS;
        if (c0 + cc >= cols) continue;
        uint8_t q = r0 + r < rows ? fp8block::encode(tile[r][cc], sc[cc]) : (uint8_t)0;
        out[(int64_t)(c0 + cc) * ldo + r0 + r] = q;
    }
}

}  // namespace

namespace {

template <typename T>
int launch_tiles(const T *x, int64_t ld, int rows, int cols, int tile_rows, int tile_cols, bool transposed, int rows_pad,
                 int cols_pad, uint8_t *out, int64_t ldo, float *scales, int64_t s_rb, int64_t s_cb, cudaStream_t stream) {
    if (rows <= 0 || cols <= 0) return NMC_OK;
    if (tile_rows <= 0 || tile_cols <= 0 || ld < cols || rows_pad < rows || cols_pad < cols ||
        (rows_pad + tile_rows - 1) / tile_rows != (rows + tile_rows - 1) / tile_rows ||
        (cols_pad + tile_cols - 1) / tile_cols != (cols + tile_cols - 1) / tile_cols)
        return nmc::fail("fp8 quantize_tiles: bad shape (padding must stay inside the last tile)");
    int64_t blocks = (int64_t)((rows_pad + tile_rows - 1) / tile_rows) * ((cols_pad + tile_cols - 1) / tile_cols);
    if (blocks > 0x7fffffff) return nmc::fail("fp8 quantize_tiles: too many tiles");
    if (tile_rows == 1 && tile_cols == 128 && !transposed) {
        int ncb = (cols_pad + 127) / 128;
        rows_kernel<T><<<(unsigned)((blocks + ROW_WARPS - 1) / ROW_WARPS), ROW_WARPS * 32, 0, stream>>>(
            x, ld, rows, cols, cols_pad, ncb, out, ldo, scales, s_rb, s_cb);
        NMC_CUDA(cudaGetLastError());
        return NMC_OK;
    }
    tiles_kernel<T><<<(unsigned)blocks, THREADS, 0, stream>>>(x, ld, rows, cols, tile_rows, tile_cols, transposed,
                                                              rows_pad, cols_pad, out, ldo, scales, s_rb, s_cb);
    NMC_CUDA(cudaGetLastError());
    return NMC_OK;
}

}  // namespace

int quantize_tiles(const float *x, int64_t ld, int rows, int cols, int tile_rows, int tile_cols, bool transposed,
                   int rows_pad, int cols_pad, uint8_t *out, int64_t ldo, float *scales, int64_t s_rb, int64_t s_cb,
                   cudaStream_t stream) {
    return launch_tiles(x, ld, rows, cols, tile_rows, tile_cols, transposed, rows_pad, cols_pad, out, ldo, scales, s_rb,
                        s_cb, stream);
}

int quantize_cols_transposed(const float *x, int64_t ld, int rows, int cols, uint8_t *out, int64_t ldo, float *scales,
                             int64_t s_rb, int64_t s_c, cudaStream_t stream) {
    if (rows <= 0 || cols <= 0) return NMC_OK;
    if (ld < cols || ldo < (int64_t)(rows + ROWS - 1) / ROWS * ROWS)
        return nmc::fail("fp8 quantize_cols_transposed: bad stride");
    int64_t row_tiles = (rows + ROWS - 1) / ROWS;
    if (row_tiles > 65535) return nmc::fail("fp8 quantize_cols_transposed: too many rows");
    dim3 grid((unsigned)((cols + COLS - 1) / COLS), (unsigned)row_tiles);
    cols_t_kernel<<<grid, CT_THREADS, 0, stream>>>(x, ld, rows, cols, out, ldo, scales, s_rb, s_c);
    NMC_CUDA(cudaGetLastError());
    return NMC_OK;
}

}  // namespace nmc::k::fp8lt
