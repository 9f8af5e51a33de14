// Block-wise FP8 E4M3 fake quantisation for training: the values an FP8 GEMM of the Nemotron Nano 2
// recipe sees, with the semantics of the Java CPU simulation (nemotron-train, fp8.BlockQuantizer):
//
// shapes: x [rows, cols] (row stride ld) -> out [rows, cols] dense; blocks of br x bc tile x from the
//   top-left corner (ragged at the right and bottom edges); scales [ceil(rows/br), ceil(cols/bc)].
// per block:
//   1. amax = the largest magnitude among the block's finite elements (NaN and +-inf skipped)
//   2. scale = (float)(amax / 448); 1 when that is 0 (an all-zero block or an underflowing amax)
//   3. code = E4M3(x / scale): the quotient rounded once to E4M3, to nearest even, saturated at
//      +-448 (the float division is correctly rounded and has 24 >= 2*4 + 2 significand bits, so
//      rounding it again to E4M3 equals rounding the exact quotient); NaN stays NaN
//   4. out = decode(code) * scale, rounded once to float (the CPU's dequantizeToFloat)
// Recipe shapes (FakeQuantGemm): weights 128 x 128, activations and gradients 1 x 128 along the
// contraction axis (forward, data gradient) or 128 x 1 (weight gradient, contracting over tokens).
#include "train_kernels.h"

#include "fp8_block.cuh"

namespace nmc::k::train {
namespace {

constexpr int THREADS = 128;

// one CUDA block per quantisation block (1D grid over all of them, block rows outermost)
__global__ void __launch_bounds__(THREADS) fake_quant_kernel(const float *x, int64_t ld, int rows, int cols, int br,
                                                             int bc, float *out, uint8_t *codes, float *scales) {
    __shared__ float red[THREADS / 32];
    int ncb = (cols + bc - 1) / bc;
    int64_t blk = blockIdx.x;
    int rb = (int)(blk / ncb), cb = (int)(blk % ncb);
    int r0 = rb * br, c0 = cb * bc;
    int nr = min(br, rows - r0), nc = min(bc, cols - c0);
    int n = nr * nc;
    float amax = 0.0f;                                                                              // 1.
    for (int e = threadIdx.x; e < n; e += THREADS) {
        amax = fmaxf(amax, fp8block::finite_abs(x[(int64_t)(r0 + e / nc) * ld + c0 + e % nc]));
    }
    amax = fp8block::block_max(amax, red, THREADS);
    float s = fp8block::scale_of(amax);                                                             // 2.
    for (int e = threadIdx.x; e < n; e += THREADS) {
        int r = r0 + e / nc, c = c0 + e % nc;
        __nv_fp8_storage_t q = fp8block::encode(x[(int64_t)r * ld + c], s);                           // 3.
        if (codes) codes[(int64_t)r * cols + c] = (uint8_t)q;
        if (out) {                                                                                  // 4.
            __half_raw h = __nv_cvt_fp8_to_halfraw(q, __NV_E4M3);
            out[(int64_t)r * cols + c] = __half2float(*reinterpret_cast<__half *>(&h)) * s;
        }
    }
    if (scales && threadIdx.x == 0) scales[blk] = s;
}

}  // namespace

int fake_quant_fp8(const float *x, int64_t ld, int rows, int cols, int block_rows, int block_cols, float *out,
                   uint8_t *codes, float *scales, cudaStream_t stream) {
    if (rows <= 0 || cols <= 0) return NMC_OK;
    if (block_rows <= 0 || block_cols <= 0 || ld < cols) return nmc::fail("fake_quant_fp8: bad block shape or stride");
    int64_t blocks = (int64_t)((rows + block_rows - 1) / block_rows) * ((cols + block_cols - 1) / block_cols);
    if (blocks > 0x7fffffff) return nmc::fail("fake_quant_fp8: too many blocks");
    fake_quant_kernel<<<(unsigned)blocks, THREADS, 0, stream>>>(x, ld, rows, cols, block_rows, block_cols, out, codes,
                                                                scales);
    NMC_CUDA(cudaGetLastError());
    return NMC_OK;
}

}  // namespace nmc::k::train
