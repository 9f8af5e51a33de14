// The fused tensor-core SSD forward (ssd_fused.cu): the Mamba-2 scan of `batch` sequences in
// chunked matrix form, BF16 operands, fp32 accumulation. Used by inference prefill (forward.cu,
// NMC_PREFILL_SCAN) and the BF16 trainer's forward (train_layers.cu).
#pragma once
#include "../nmc_internal.h"

namespace nmc::k {

struct SsdArgs {
    int batch, seq_len, heads, head_dim, groups, state;  // B, L, H, P, G, N
    const float *x;          // [B L, H P] rows of x_stride (row r = b L + t)
    int64_t x_stride;
    const float *b, *c;      // [B L, G N] rows of bc_stride
    int64_t bc_stride;
    const float *dt;         // [B L, H] rows of dt_stride: raw (dt_bias != null) or final
    int64_t dt_stride;
    const float *dt_bias;    // [H] or null: dt = clamp(softplus(dt + dt_bias), dt_min, dt_max)
    float dt_min, dt_max;
    const float *a;          // [H] A (negative), or null and then
    const float *a_log;      // [H]: A = -exp(a_log)
    const float *d;          // [H] or null
    float *y;                // [B L, H P] rows of y_stride
    int64_t y_stride;
    const float *init;       // [B, H, P, N] or null (zeros); may equal final_state
    float *final_state;      // [B, H, P, N] or null
};

// Whether the kernels' shared memory holds a head of head_dim x state (true up to 128 x 128 and more).
bool ssd_fused_supported(int head_dim, int state);
// Floats of the workspace ssd_fused needs (chunk states and decays).
int64_t ssd_fused_workspace_floats(int batch, int seq_len, int heads, int head_dim, int state);
// Heads one block of the output kernel takes (hpb: they share a group, so C B^T is computed once
// for them): the largest divisor of H / G leaving at least min_blocks blocks of chunk_blocks
// (chunks x batch) x H / hpb, else 1. ssd_fused asks for 4 blocks an SM.
int ssd_output_heads_per_block(int heads, int groups, int64_t chunk_blocks, int64_t min_blocks);
// y (and final_state) of the scan; three launches on `stream`.
int ssd_fused(const SsdArgs &args, float *workspace, cudaStream_t stream);

}  // namespace nmc::k
