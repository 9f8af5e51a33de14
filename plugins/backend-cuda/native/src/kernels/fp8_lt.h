// Quantisers of the operands of the cuBLASLt block-scaled FP8 GEMMs (fp8_lt_quant.cu): E4M3 bytes
// in K-major (contraction-contiguous) rows plus fp32 scales at caller-given strides, with the codes
// and scales of the fake quantiser (train_fp8.cu) bit for bit (shared arithmetic: fp8_block.cuh).
#pragma once

#include "../nmc_internal.h"

namespace nmc::k::fp8lt {

// x [rows, cols] (row stride ld) in tiles of tile_rows x tile_cols (1 x 128 or 128 x 128) from the
// top-left corner. Codes of element (r, c): out[r * ldo + c], or out[c * ldo + r] when transposed;
// the output covers rows_pad x cols_pad (>= rows x cols; the extra elements, in the last tile of
// each row or column of tiles, are written as code 0 and take no part in the amax). The scale of
// tile (rb, cb) goes to scales[rb * s_rb + cb * s_cb].
int quantize_tiles(const float *x, int64_t ld, int rows, int cols, int tile_rows, int tile_cols, bool transposed,
                   int rows_pad, int cols_pad, uint8_t *out, int64_t ldo, float *scales, int64_t s_rb, int64_t s_cb,
                   cudaStream_t stream);

// x [rows, cols] (row stride ld) in 128 x 1 tiles (128 rows of one column), transposed: the codes of
// element (r, c) at out[c * ldo + r] for r < round_up(rows, 128) (code 0 past rows); the scale of
// tile (rb, c) at scales[rb * s_rb + c * s_c]. The weight gradient's operands dY^T and X^T.
int quantize_cols_transposed(const float *x, int64_t ld, int rows, int cols, uint8_t *out, int64_t ldo, float *scales,
                             int64_t s_rb, int64_t s_c, cudaStream_t stream);

// x [rows, cols] (row stride ld) read once in 128 x 128 tiles (fp8_lt_dual.cu, NMC_FP8_QUANT=fused),
// written in both orientations: row-major codes out_r[r * ld_r + c] for r < rows, c < round_up(cols,
// 128) (0 past cols) and transposed codes out_t[c * ld_t + r] for c < cols, r < round_up(rows, 128)
// (0 past rows; ld_t and out_t whole 4-byte words). block: one scale per 128 x 128 tile (rb, cb), at
// scales_r[rb * sr_r + cb * sr_c] and scales_t[rb * st_r + cb * st_c] (= quantize_tiles 128 x 128
// plain with rows_pad rows, and transposed with cols_pad cols: a weight's forward and data-gradient
// copies); else 1 x 128 row tiles, scale of (r, cb) at scales_r[r * sr_r + cb * sr_c], and 128 x 1
// column tiles, scale of (rb, c) at scales_t[rb * st_r + c * st_c] (= quantize_tiles 1 x 128 and
// quantize_cols_transposed: dY's data- and weight-gradient operands). Bit-identical to those.
int quantize_dual(const float *x, int64_t ld, int rows, int cols, bool block, uint8_t *out_r, int64_t ld_r,
                  float *scales_r, int64_t sr_r, int64_t sr_c, uint8_t *out_t, int64_t ld_t, float *scales_t,
                  int64_t st_r, int64_t st_c, cudaStream_t stream);

}  // namespace nmc::k::fp8lt
