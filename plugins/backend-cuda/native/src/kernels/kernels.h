// Launchers of the library's kernels. Every launcher enqueues on `stream`, checks the launch and
// returns NMC_OK / NMC_ERR. Activations are fp32 unless a parameter names a dtype; "compute
// dtype" buffers (GEMM inputs, weights, KV cache) are NMC_F32 or NMC_BF16.
#pragma once

#include "../nmc_internal.h"

namespace nmc::k {

// ---- elementwise (elementwise.cu) ----
// h[r, :] = table[tokens[r], :] as fp32                 table [vocab, dim] in `dtype`
int embed(const int32_t *tokens, int rows, const void *table, int dtype, int dim, float *h,
          cudaStream_t stream);
// dst[i] = src[i] converted; host-side shapes are flat
int convert(void *dst, int dst_dtype, const void *src, int src_dtype, int64_t n, cudaStream_t stream);
// dst[i] ~ U(lo, hi) from a counter-based hash of (seed, i)
int fill_uniform(void *dst, int dtype, int64_t n, float lo, float hi, uint64_t seed,
                 cudaStream_t stream);
// y[r, c] += bias[c] for c < dim, rows of `stride`
int add_bias(float *y, int stride, const float *bias, int rows, int dim, cudaStream_t stream);
// out[r, c] = max(x, 0)^2 in out_dtype; x rows of x_stride, out rows dense [rows, dim]
int relu2(const float *x, int x_stride, int rows, int dim, void *out, int out_dtype,
          cudaStream_t stream);
// kind 0 silu, 1 relu2, 2 softplus, in place
int activation(int kind, float *x, int64_t n, cudaStream_t stream);
// lengths[slot] += add for a single slot (slots == nullptr) or for each slots[r], r < rows
int advance_lengths(int32_t *lengths, const int32_t *slots, int slot, int rows, int add,
                    cudaStream_t stream);

// ---- decode fusion (NMC_DECODE_FUSE, norm.cu; kernels/gemv_fusion.cuh) ----
// NMC_DECODE_FUSE=0|1 (unset: 0): *on true for 1 (decode: the RMSNorm inside the next GEMV, the
// gated norm of 1-2 rows one block per (row, group)); an unknown value is an error.
int decode_fuse_switch(bool *on);
// A GEMV's x computed in the kernel as rms_norm computes it, bit for bit: x[r] = BF16(w * (h[r] *
// inv)), inv = rsqrtf(sum(h[r]^2) / dim + eps), the sum in rms_norm's order (`vthreads` = its block,
// rms_norm_threads(dim)). h [rows, dim] fp32, w [dim] fp32.
struct RowNorm {
    const float *h = nullptr, *w = nullptr;
    float eps = 0.0f;
    int dim = 0, vthreads = 0;
};
// The epilogue of a decode GEMV with the RMSNorm inside (NMC_DECODE_FUSE=1, mlp.up; beta 0): instead
// of y (fp32) it writes out[r, o] = relu(y[r, o] + bias[o])^2 in `dtype`, bit for bit as add_bias then
// relu2 after the GEMV (gemv_fusion.cuh relu2_store).
struct Relu2Out {
    void *out = nullptr;          // [R, out] of dtype; null: y as usual
    int dtype = 0;
    const float *bias = nullptr;  // [out], nullable
};
// A decode GEMV's x computed in the kernel as gated_group_rms_norm computes it for decode's shapes
// (gated_norm_warp's arithmetic; NMC_DECODE_FUSE=1, out_proj), bit for bit: x[r] = BF16(w * t / sqrt(
// mean over the group of t^2) + eps)), t = y silu(z). y rows of y_stride, z rows of z_stride (fp32),
// w [dim] fp32, `groups` groups of dim / groups channels.
struct GatedNorm {
    const float *y = nullptr, *z = nullptr, *w = nullptr;
    int y_stride = 0, z_stride = 0;
    float eps = 0.0f;
    int dim = 0, groups = 0;
};
// Whether a GEMV of `rows` rows can take its x from g (1-2 rows, dim a multiple of 16 in 48 KB of
// BF16, groups of a multiple of 4 channels up to gated_norm_warp's 1536, strides multiples of 4, y, z
// and w 16-byte aligned).
bool gated_norm_fusable(int rows, const GatedNorm &g);
struct ConvStep;  // with Conv (Mamba-2 conv1d) below: the conv1d step of mamba.in_proj's GEMV
int rms_norm_threads(int dim);
inline RowNorm row_norm(const float *h, const float *w, float eps, int dim) { return RowNorm{h, w, eps, dim, rms_norm_threads(dim)}; }
// Whether a GEMV of `rows` rows can take its x from a RowNorm (1-2 rows, dim a multiple of 8, the
// rows' BF16 x in 48 KB of shared memory).
bool row_norm_fusable(int rows, int dim);

// ---- BF16 GEMV for one-row decode (gemv.cu) ----
// Whether gemv_bf16 handles this shape (one row, in a multiple of 8).
bool gemv_supported(int rows, int in);
// y[1, out] (fp32) = x[1, in] . W[out, in]^T + beta * y, x and W in BF16. norm (nullable,
// row_norm_fusable): x is ignored and made from norm in the kernel (persistent blocks). act (nullable;
// with norm, beta 0): the relu2 epilogue into act->out, y not written. gated (nullable, instead of norm;
// gated_norm_fusable): x made from it in the kernel. conv (nullable; with norm, beta 0, no act): the
// conv1d step of its channels in the store (ConvStep).
int gemv_bf16(const void *x, const void *w, float *y, int rows, int in, int out, float beta, cudaStream_t stream,
              const RowNorm *norm = nullptr, const Relu2Out *act = nullptr, const GatedNorm *gated = nullptr,
              const ConvStep *conv = nullptr);

// ---- FP8 E4M3 weights (fp8.cu): layout and scales described there ----
struct Fp8Weight {
    uint8_t *q = nullptr;   // [out, in] E4M3
    float *scale = nullptr; // [out] (block 0) or [ceil(out/block), ceil(in/block)]
    int out = 0, in = 0;
    int block = 0;          // 0: per output channel; else square blocks of this size
    int row_block = 0;      // rows per scale row when not `block` (1: a fused matrix whose parts were
                            // quantised apart, scale [out, ceil(in/block)]); 0: = block
};
// Fills f.q and f.scale (allocated by the caller) from the BF16 weight w [out, in].
int quantize_fp8(const void *w, int out, int in, int block, Fp8Weight &f, cudaStream_t stream);
// w [out, in] BF16 = Q * scale.
int dequantize_fp8(const Fp8Weight &f, void *w, cudaStream_t stream);
// y[rows, out] (fp32) = x[rows, in] (BF16) . (Q * scale)^T + beta * y, for 1 to 8 rows.
bool gemv_fp8_supported(const Fp8Weight &f, int rows);
// norm (nullable; 1-2 rows, row_norm_fusable): x from the RowNorm in the kernel, act the relu2
// epilogue, as gemv_bf16's.
int gemv_fp8(const void *x, const Fp8Weight &f, float *y, int rows, float beta, cudaStream_t stream,
             const RowNorm *norm = nullptr, const Relu2Out *act = nullptr, const GatedNorm *gated = nullptr,
              const ConvStep *conv = nullptr);
// The same for 1 to 64 rows on tensor cores (fp8_mma.cu; in and block multiples of 64): weights
// as BF16(Q * scale), fp32 sums. Decode of 3 or more rows uses it.
bool gemv_fp8_mma_supported(const Fp8Weight &f, int rows);
int gemv_fp8_mma(const void *x, const Fp8Weight &f, float *y, int rows, float beta, cudaStream_t stream);

// ---- skinny decode GEMM (skinny_gemm.cu): y[R, out] (fp32) = x[R, in] (BF16) . W^T + beta y for
// 1 to 64 rows on tensor cores, W streamed once (cp.async pipeline, split-K; in a multiple of 64).
// Batched decode of 9 to 64 rows uses it for FP8 per-channel weights; BF16 and FP8 128x128-block
// weights keep cuBLAS / fp8_mma.cu, which measured as fast or faster at batch 64 on an H100
// (docs/benchmarks.md, session 6). NMC_DECODE_GEMM=skinny|old forces one for every weight type;
// decode_gemm_skinny reads it (-1 unset, 1 skinny, 0 old; an unknown value is an error).
// Split-K partial sums go to ws (skinny_workspace_floats(max rows) floats; fewer splits when
// smaller, none when null) and are added in a fixed order: results are deterministic.
// NMC_SKINNY_KERNEL=wreg (opt-in; unset or smem: the cp.async kernel) streams W straight to registers.
int decode_gemm_skinny(int *forced);
// Sets the kernels' shared-memory limit on the current device; once per session, before any
// decode graph is captured (launches inside a capture rely on it).
int skinny_gemm_init();
int64_t skinny_workspace_floats(int rows);
bool skinny_gemm_bf16_supported(const void *x, const void *w, int rows, int in, int out);
int skinny_gemm_bf16(const void *x, const void *w, float *y, int rows, int in, int out, float beta, float *ws,
                     int64_t ws_floats, cudaStream_t stream);
// W = BF16(Q * scale) of an E4M3 weight (per-channel scales, or blocks of a multiple of 16)
bool skinny_gemm_fp8_supported(const void *x, const Fp8Weight &f, int rows);
int skinny_gemm_fp8(const void *x, const Fp8Weight &f, float *y, int rows, float beta, float *ws, int64_t ws_floats,
                    cudaStream_t stream);

// ---- normalisation (norm.cu) ----
// out[r] = w * x[r] / sqrt(mean(x[r]^2) + eps), written in out_dtype (dense [rows, dim])
int rms_norm(const float *x, int rows, int dim, const float *w, float eps, void *out, int out_dtype,
             cudaStream_t stream);
// t = y * silu(z); RMS-normalised within each of `groups` groups; times w; out dense [rows, dim]
// fused (NMC_DECODE_FUSE=1 in decode): 1-2 rows one block per (row, group) (gated_norm_rows), the
// same math; otherwise or for a shape it does not take, the kernels of today.
int gated_group_rms_norm(const float *y, int y_stride, const float *z, int z_stride, int rows,
                         int dim, int groups, const float *w, float eps, void *out, int out_dtype,
                         cudaStream_t stream, bool fused = false);

// ---- causal depthwise conv (conv1d.cu) ----
struct Conv {
    const float *in;    // [L, C] rows of in_stride
    int in_stride;
    float *out;         // [L, C] rows of out_stride
    int out_stride;
    int channels;       // C
    int kernel;         // K
    const float *w;     // [C, K]
    const float *bias;  // [C] or null
    bool silu;          // apply silu after the bias
};
// The conv1d step of decode in a GEMV's store (NMC_DECODE_FUSE=1, mamba.in_proj; beta 0, no bias): the
// GEMV's output o in [first, first + cv.channels) of row r is also the input of conv channel o - first
// of the slot slots[r]: conv_step's arithmetic on it (gemv_fusion.cuh conv_step_one), cv.out and the
// window written, bit for bit as conv_step after the GEMV (cv.in unused).
struct ConvStep {
    Conv cv{};
    float *windows = nullptr;         // [slots, cv.channels, cv.kernel - 1]
    const int32_t *slots = nullptr;   // [R] (device)
    int first = 0;
};
// Whether a GEMV can run c in its store: with norm (the fused GEMVs), beta 0, no act, kernel size 1..8.
bool conv_fusable(const RowNorm *norm, const Relu2Out *act, float beta, const ConvStep &c);
// Prefill of L tokens of one sequence; window [C, K-1] (oldest first) or null for zeros. When
// the window is not null it is replaced by the last K-1 inputs.
int conv_prefill(const Conv &conv, int seq_len, float *window, cudaStream_t stream);
// One token per row; row r uses the window windows + slots[r] * C * (K-1) and advances it.
int conv_step(const Conv &conv, int rows, float *windows, const int32_t *slots, cudaStream_t stream);

// ---- Mamba-2 selective scan (ssm_scan.cu) ----
struct Scan {
    int heads, head_dim, groups, state_size;  // H, P, G, N
    const float *x;     // [L, H*P] rows of x_stride
    int x_stride;
    const float *b;     // [L, G*N] rows of bc_stride
    const float *c;     // [L, G*N] rows of bc_stride
    int bc_stride;
    const float *dt;    // [L, H] rows of dt_stride: raw (dt_bias != null) or final
    int dt_stride;
    const float *dt_bias;  // [H] or null: dt = clamp(softplus(dt + dt_bias), dt_min, dt_max)
    float dt_min, dt_max;
    const float *a;     // [H], negative
    const float *d;     // [H] or null
    float *y;           // [L, H*P] rows of y_stride
    int y_stride;
};
// Floats of workspace scan_chunked needs for seq_len tokens in chunks of `chunk`.
int64_t scan_workspace_floats(const Scan &scan, int seq_len, int chunk);
// Chunk-parallel prefill scan of one sequence; state [H,P,N] in/out, or null (zeros, dropped).
int scan_chunked(const Scan &scan, int seq_len, int chunk, float *state, float *workspace,
                 cudaStream_t stream);
// One token per row; row r updates states + slots[r] * H*P*N.
int scan_step(const Scan &scan, int rows, float *states, const int32_t *slots, cudaStream_t stream);

// ---- attention (attention.cu) ----
// Paged KV cache of one attention layer: a pool of blocks of KV_BLOCK tokens, and a block table
// shared by all layers of a session. Token t of slot s is pool row
//   table[s * max_blocks + t / KV_BLOCK] * KV_BLOCK + t % KV_BLOCK
// and a row holds [kv_heads, head_dim] contiguous values (as one token of the old per-slot layout),
// so the kernels' loads of a key row are unchanged. KV_BLOCK = 16: at most 15 tokens per sequence
// wasted in each layer, and a table row of max_seq / 16 ids (8,192 ids = 32 KiB at 128k).
constexpr int KV_BLOCK = 16;
struct KvCache {
    void *k, *v;             // [blocks, KV_BLOCK, kv_heads, head_dim] in dtype
    int dtype;
    int max_seq;             // tokens a slot may hold (sizes the decode split)
    const int32_t *table;    // [slots, max_blocks] block ids (device)
    int max_blocks;          // ceil(max_seq / KV_BLOCK): a table row
};
#ifdef __CUDACC__
// The pool row of token `pos` of `slot` (see KvCache).
__device__ __forceinline__ int64_t kv_row(const KvCache &kv, int slot, int pos) {
    return (int64_t)kv.table[(int64_t)slot * kv.max_blocks + pos / KV_BLOCK] * KV_BLOCK + pos % KV_BLOCK;
}
#endif
struct Attn {
    int q_heads, kv_heads, head_dim;
    float scale;
    const float *qkv;   // rows of [q (qH*hd) | k (kvH*hd) | v (kvH*hd)], row stride qkv_stride
    int qkv_stride;
    void *out;          // [rows, qH*hd] dense, out_dtype
    int out_dtype;
};
// Writes the rows' K and V into the cache. Prefill (slots == null): row r of `slot` goes to
// position lengths[slot] + r. Decode: row r goes to position lengths[slots[r]] of slots[r].
int kv_append(const Attn &attn, const KvCache &cache, int rows, const int32_t *lengths,
              const int32_t *slots, int slot, cudaStream_t stream);
// Causal attention of `rows` new queries of `slot` (already appended) over the slot's cache.
int attention_prefill(const Attn &attn, const KvCache &cache, int rows, const int32_t *lengths,
                      int slot, cudaStream_t stream);
// The same on tensor cores (attention_tc.cu): BF16 cache, head_dim a multiple of 16, <= 128.
bool attention_prefill_tc_supported(const Attn &attn, const KvCache &cache);
int attention_prefill_tc(const Attn &attn, const KvCache &cache, int rows, const int32_t *lengths, int slot,
                         cudaStream_t stream);
// FlashAttention-2 forward on tensor cores (attention_flash.cu, the trainer's tiles in
// flash_tc_tile.cuh): BF16 cache, head_dim 64 or 128, 16-byte aligned q rows; chunked prefill
// (a cached prefix) included.
bool attention_prefill_flash_supported(const Attn &attn, const KvCache &cache);
int attention_prefill_flash(const Attn &attn, const KvCache &cache, int rows, const int32_t *lengths, int slot,
                            cudaStream_t stream);
// FlashAttention-2 forward with S, P and O in registers (attention_mma.cu: mma.sync, ldmatrix,
// cp.async double buffering); the same operands as attention_prefill_flash.
bool attention_prefill_mma_supported(const Attn &attn, const KvCache &cache);
int attention_prefill_mma(const Attn &attn, const KvCache &cache, int rows, const int32_t *lengths, int slot,
                          cudaStream_t stream);
// The prefill attention env NMC_PREFILL_ATTENTION picks: flash (default; falls back to wmma, then
// fp32, where the shape is not covered), wmma (attention_prefill_tc where supported, else fp32),
// fp32 (attention_prefill), mma (attention_prefill_mma where supported, else as the default);
// any other value is an error.
int attention_prefill_select(const Attn &attn, const KvCache &cache, int rows, const int32_t *lengths, int slot,
                             cudaStream_t stream);
// One query per row over its slot's cache (after kv_append): keys 0..lengths[slot].
// Split along the sequence; workspace of attention_decode_workspace_floats.
int64_t attention_decode_workspace_floats(const Attn &attn, const KvCache &cache, int rows);
int attention_decode(const Attn &attn, const KvCache &cache, int rows, const int32_t *lengths,
                     const int32_t *slots, float *workspace, cudaStream_t stream);
// The BF16-cache kernel attention_decode uses when supported (attention_decode.cu): head_dim 16,
// 64 or 128, at most 8 query heads per KV head; writes the pieces only (no combine).
bool attention_decode_bf16_supported(const Attn &attn, const KvCache &cache);
int attention_decode_bf16(const Attn &attn, const KvCache &cache, int rows, const int32_t *lengths,
                          const int32_t *slots, float *workspace, int splits, cudaStream_t stream);

// ---- sampling (sampling.cu) ----
// tokens[r] = sample of logits[r] (overwritten: probabilities) with params[r]; the draw uses
// (params[r].seed, lengths[slots[r]]).
int sample(float *logits, int rows, int vocab, const nmc_sampling *params, const int32_t *lengths,
           const int32_t *slots, int32_t *tokens, cudaStream_t stream);

}  // namespace nmc::k
