// Launchers of the training kernels (forward pieces that keep what backward needs, and the
// backward of every layer), all fp32. Conventions as kernels.h: rows are tokens (batch rows times
// sequence, row-major), every launcher enqueues on `stream` and returns NMC_OK / NMC_ERR.
// Gradients named d* are ACCUMULATED (+=) into parameter gradients; activation gradients are
// written unless the name says add.
#pragma once

#include "../nmc_internal.h"

namespace nmc {
struct Gemm;
}

namespace nmc::k::train {

// ---- embedding ----
// dtable[tokens[r], c] += dh[r, c]   (atomics: repeated tokens add up)
int embed_backward(const int32_t *tokens, int rows, const float *dh, int dim, float *dtable, cudaStream_t stream);

// ---- RMSNorm, grouped (groups = 1: plain RMSNorm over dim) ----
// out[r, c] = w[c] * x[r, c] * rstd[r, g],  rstd[r, g] = 1/sqrt(mean_{c in g}(x^2) + eps);
// out16 non-null: out written there in BF16 instead (rounded to nearest even, as k::convert rounds)
int rms_forward(const float *x, int rows, int dim, int groups, const float *w, float eps, float *out,
                float *rstd, cudaStream_t stream, void *out16 = nullptr);
// dx[r, c] (= or += when add) = rstd (w dy) - x rstd^3 / gs * sum_{c' in g}(w dy x);
// dw[c] += sum_r dy x rstd
int rms_backward(const float *x, const float *w, const float *rstd, const float *dy, int rows, int dim,
                 int groups, float *dx, bool add, float *dw, cudaStream_t stream);

// ---- Mamba-2 gate: t = y * silu(z) (z rows of z_stride) ----
int gate_forward(const float *y, const float *z, int z_stride, int rows, int dim, float *t, cudaStream_t stream);
// dy = dt * silu(z);  dz[r, c] = dt * y * silu'(z) (dz rows of z_stride)
int gate_backward(const float *y, const float *z, int z_stride, const float *dt, int rows, int dim, float *dy,
                  float *dz, cudaStream_t stream);

// ---- dt = clamp(softplus(raw + bias), lo, hi), raw rows of raw_stride; dt [rows, H] ----
int dt_forward(const float *raw, int raw_stride, const float *bias, int rows, int heads, float lo, float hi,
               float *dt, cudaStream_t stream);
// draw[r, h] = ddt * sigmoid(raw + bias) (0 where clamped), rows of raw_stride; dbias[h] += sum_r
int dt_backward(const float *raw, int raw_stride, const float *bias, const float *ddt, int rows, int heads,
                float lo, float hi, float *draw, float *dbias, cudaStream_t stream);

// ---- causal depthwise conv + SiLU over `batch` sequences of seq_len (in rows of in_stride) ----
// recomputes u = bias + sum_k w[c, k] in[t-K+1+k, c]; dout -> du = dout silu'(u);
// din[t, c] = sum_k w[c, k] du[t+K-1-k, c] (rows of din_stride); dw[c, k] += ..., dbias[c] += ...
int conv_backward(const float *in, int in_stride, const float *w, const float *bias, const float *dout,
                  int dout_stride, int batch, int seq_len, int channels, int kernel, float *din, int din_stride,
                  float *dw, float *dbias, cudaStream_t stream);

// ---- the same Mamba steps as row and tile kernels (train_mamba_rows.cu; NMC_MAMBA_ELEM=rows) ----
// gate_forward + rms_forward in one pass: mid = RMSNorm_G(y silu(z)) * w, rstd [rows, groups]; the
// gated value tg is not written (gated_norm_backward_rows recomputes it); bit-equal mid and rstd
bool gated_norm_rows_supported(int dim, int groups);  // groups of at most 4096 columns
int gated_norm_forward_rows(const float *y, const float *z, int z_stride, int rows, int dim, int groups, const float *w,
                            float eps, float *out, float *rstd, cudaStream_t stream, void *out16 = nullptr);
// rms_backward (dL/dmid -> dtg) + gate_backward in one pass: dmid in, dy out (in place);
// dz rows of z_stride (written); dw += dgnorm; work: gated_norm_rows_work_floats floats
int64_t gated_norm_rows_work_floats(int rows, int dim);
int gated_norm_backward_rows(const float *y, const float *z, float *dz, int z_stride, const float *w, const float *rstd,
                             float *dmid, int rows, int dim, int groups, float *dw, float *work, int64_t work_floats,
                             cudaStream_t stream);
// conv_backward + dt_backward in one launch (then one deterministic sum of the weight partials):
// the arguments of both (heads 0: no dt part)
struct ConvDtBwd {
    int batch, seq_len, channels, kernel;
    const float *in; int in_stride;              // xBC before the conv (proj columns)
    const float *w, *bias;                       // [C, K], [C] (nullable)
    const float *dout; int dout_stride;          // d xbc (after the SiLU)
    float *din; int din_stride;                  // d xBC (written)
    float *dw, *dbias;                           // +=; dbias null when bias is
    int heads; float lo, hi;                     // dt = clamp(softplus(raw + dt_bias), lo, hi)
    const float *raw; int raw_stride;
    const float *dt_bias, *ddt;                  // [H], [rows, H]
    float *draw, *ddt_bias;                      // draw written (rows of raw_stride); ddt_bias +=
};
int64_t conv_dt_rows_work_floats(int batch, int seq_len, int channels, int kernel, int heads);
int conv_dt_backward_rows(const ConvDtBwd &a, float *work, int64_t work_floats, cudaStream_t stream);

// ---- selective scan (train_scan.cu): see there ----
struct ScanArgs {
    int batch, seq_len, heads, head_dim, groups, state;  // B, L, H, P, G, N
    const float *xbc;   // [B*L, conv_dim]: x [H*P] | B [G*N] | C [G*N]
    int conv_dim;
    const float *dt;    // [B*L, H] final dt
    const float *a_log; // [H]: A = -exp(a_log)
    const float *d;     // [H]
    nmc::Gemm *gemm;    // chunked scan only: cuBLAS handle bound to the stream
    int dtype;          // chunked scan only: GEMM inputs NMC_F32 (pedantic) or NMC_BF16
};
// The sequential scan (train_scan.cu, the reference path).
// Floats of the state checkpoints the forward keeps for the backward.
int64_t scan_checkpoint_floats(const ScanArgs &s);
// y [B*L, H*P] = scan + D x; keeps checkpoints (scan_checkpoint_floats)
int scan_forward(const ScanArgs &s, float *y, float *checkpoints, cudaStream_t stream);
// dy [B*L, H*P] -> dxbc [B*L, conv_dim] (written; zeroed here), ddt [B*L, H] (written);
// da_log[h] += dA A, dd[h] += sum dy x
int scan_backward(const ScanArgs &s, const float *checkpoints, const float *dy, float *dxbc, float *ddt,
                  float *da_log, float *dd, cudaStream_t stream);
// The chunked SSD scan (train_ssd.cu), same semantics, GEMMs on tensor cores. The trainer's
// choice: chunked unless the environment says NMC_TRAIN_SCAN=sequential (read at every sizing,
// forward and backward: set it before a trainer's first forward and leave it during the run).
bool ssd_selected();
// NMC_TRAIN_SCAN's one parse: *mode -1 (unset) or the index in fused, fused-bwd, chunked, sequential,
// tc-bwd (the default forward, the backward's intra-chunk part on tensor cores: ssd_backward_tc);
// any other value fails with one error line naming them (env_choice).
int scan_mode_choice(int *mode);
// Floats of its work buffer (the forward's intermediates the backward reads, and its own)
int64_t ssd_work_floats(const ScanArgs &s);
int ssd_forward(const ScanArgs &s, float *y, float *work, cudaStream_t stream);
// The fused tensor-core forward (ssd_fused.cu, BF16 operands) on these args: y only, none of the
// intermediates ssd_backward reads, so the trainer's first forward (h_out given) uses it and the
// recompute before backward keeps ssd_forward. Work: ssd_fused_work_floats (<= ssd_work_floats).
int64_t ssd_fused_work_floats(const ScanArgs &s);
int ssd_forward_fused(const ScanArgs &s, float *y, float *work, cudaStream_t stream);
// Whether a trainer of GEMM type `dtype` runs its forward's scan fused: NMC_TRAIN_SCAN unset or
// fused: yes for NMC_BF16 (fp32 trainers keep the exact chunked path); chunked or sequential: no;
// fused-bwd (EXPERIMENTAL, opt-in): as fused, and *fused_bwd (when not null) says that the
// recompute runs the fused forward and the backward ssd_backward_fused (no chunked scan at all);
// any other value fails naming the accepted ones.
int ssd_fused_selected(int dtype, bool *fused, bool *fused_bwd = nullptr);
// The fused backward (ssd_fused_bwd.cu, EXPERIMENTAL: fp32 CUDA-core loops, not yet used by the
// trainer), ssd_backward's outputs and semantics from the inputs, dy and the work that
// ssd_forward_fused left (its entering states and decays), its own work ssd_fused_bwd_work_floats.
bool ssd_backward_fused_supported(int head_dim, int state);
int64_t ssd_fused_bwd_work_floats(const ScanArgs &s);
int ssd_backward_fused(const ScanArgs &s, const float *fused_work, float *bwd_work, const float *dy, float *dxbc,
                       float *ddt, float *da_log, float *dd, cudaStream_t stream);
// after ssd_forward with the same args and work
int ssd_backward(const ScanArgs &s, float *work, const float *dy, float *dxbc, float *ddt, float *da_log, float *dd,
                 cudaStream_t stream);
// Save instead of recompute (NMC_TRAIN_SCAN_SAVE=1): the trainer's first forward keeps, per Mamba
// layer, the regions ssd_backward reads (and y) in a buffer of ssd_saved_floats, so the recompute
// before backward restores y (ssd_restore_y) instead of running the scan again and the backward
// reads that buffer (ssd_backward_saved; its own regions and the BF16 staging in `work`, an
// ssd_work_floats buffer). Same values as ssd_forward / ssd_backward bit for bit.
int64_t ssd_saved_floats(const ScanArgs &s);
int ssd_forward_save(const ScanArgs &s, float *y, float *saved, float *work, cudaStream_t stream);
int ssd_restore_y(const ScanArgs &s, const float *saved, float *y, cudaStream_t stream);
int ssd_backward_saved(const ScanArgs &s, const float *saved, float *work, const float *dy, float *dxbc, float *ddt,
                       float *da_log, float *dd, cudaStream_t stream);
// The backward with steps B8 - B10 (the intra-chunk part: dm, m^T dy, the mask's gradients) in one
// tensor-core kernel, ssd_tc_bwd.cu (BF16 operands dy, x, m; fp32 accumulation), and its other
// GEMMs, when fp32 (s.dtype NMC_F32), through TF32 tensor cores (gemm.h GEMM_TF32): the trainer's
// NMC_TRAIN_SCAN=tc-bwd for BF16 trainers. fwd: the forward's regions (the work of ssd_forward, or
// an ssd_forward_save slot), work: an ssd_work_floats buffer (may be fwd). Needs head_dim a
// multiple of 16, at most 128 (ssd_intra_bwd_tc_supported).
int ssd_backward_tc(const ScanArgs &s, const float *fwd, float *work, const float *dy, float *dxbc, float *ddt,
                    float *da_log, float *dd, cudaStream_t stream);
bool ssd_intra_bwd_tc_supported(int head_dim);
// The kernel itself on the chunked layout (train_ssd.cu's header): dx += m^T dy, dacs += row - col,
// ddt += colt, dcb written; nbc = B nc chunks.
int ssd_intra_bwd_tc(const float *dyh, const float *xh, const float *m, const float *cb, const float *acs,
                     const float *dtp, int64_t nbc, int heads, int groups, int head_dim, float *dx, float *dacs,
                     float *ddt, float *dcb, cudaStream_t stream);
// NMC_TRAIN_SCAN_SAVE's one parse: 1 asks for the saved scan, 0 or unset (the default) recomputes;
// any other value fails with one error line (env_choice).
int ssd_save_selected(bool *save);

// ---- attention layout (q | k | v rows of the fused projection, GQA) ----
// qe [B, Hq, L, hd], ke/ve [B, Hq, L, hd] (KV heads repeated for every query head of the group)
int attn_gather(const float *qkv, int qkv_stride, int batch, int seq_len, int q_heads, int kv_heads, int head_dim,
                float *qe, float *ke, float *ve, cudaStream_t stream);
// out [B*L, Hq*hd] = o [B, Hq, L, hd]   (and back: o from out, for dO)
int attn_heads_to_rows(const float *o, int batch, int seq_len, int q_heads, int head_dim, float *out,
                       cudaStream_t stream);
int attn_rows_to_heads(const float *out, int batch, int seq_len, int q_heads, int head_dim, float *o,
                       cudaStream_t stream);
// dqkv rows (written) from dqe and the per-query-head dke, dve summed over each KV group
int attn_scatter(const float *dqe, const float *dke, const float *dve, int batch, int seq_len, int q_heads,
                 int kv_heads, int head_dim, float *dqkv, int qkv_stride, cudaStream_t stream);
// causal softmax over each row i of s [n, L, L] (scores already scaled): p[j] = 0 for j > i
int causal_softmax(float *s, int n, int seq_len, cudaStream_t stream);
// ds = p * (dp - sum_j p dp) in place of dp
int softmax_backward(const float *p, float *dp, int n, int seq_len, cudaStream_t stream);

// ---- causal GQA attention, flash style (train_flash.cu): memory O(L), fp32 ----
constexpr int FLASH_MAX_HEAD_DIM = 256;
struct FlashAttn {
    int batch, seq_len, q_heads, kv_heads, head_dim;
    float scale;         // 1 / sqrt(head_dim)
    const float *qkv;    // [B*L, ld] fused rows q [Hq hd] | k [Hkv hd] | v [Hkv hd]
    int64_t ld;
};
// o [B*L, Hq*hd] (written), lse [B, Hq, L] (written): the logsumexp of every query row's scores
int flash_forward(const FlashAttn &a, float *o, float *lse, cudaStream_t stream);
// From the forward's o and lse and dO [B*L, Hq*hd]: dq, dk, dv written into their columns of
// dqkv [B*L, ld_dqkv] (same layout as qkv; dk, dv summed over each KV group's query heads);
// delta [B, Hq, L] is work memory
int flash_backward(const FlashAttn &a, const float *o, const float *dout, const float *lse, float *delta,
                   float *dqkv, int ld_dqkv, cudaStream_t stream);
// delta [B, Hq, L] (written) = rowsum(dO o) per query head: step 0 of both backwards. bf16_dout
// rounds dO to BF16 first, as the tensor-core backward's dP = dO V^T sees it (else dS = P (dP -
// delta) keeps dO's rounding: dQ, dK at L = 1 would be ~1e-2 instead of 0)
int flash_delta(const FlashAttn &a, const float *o, const float *dout, bool bf16_dout, float *delta,
                cudaStream_t stream);
// The same attention on tensor cores (train_flash_tc.cu): BF16 operands, fp32 accumulation, lse
// and delta; head_dim 64 or 128 with 16-byte aligned rows (flash_tc_supported), else an error.
bool flash_tc_supported(const FlashAttn &a);
int flash_tc_forward(const FlashAttn &a, float *o, float *lse, cudaStream_t stream);
// The same forward (o, lse) with S, P and O in registers (flash_mma_tile.cuh; NMC_TRAIN_ATTENTION=mma).
int flash_mma_forward(const FlashAttn &a, float *o, float *lse, cudaStream_t stream);
int flash_tc_backward(const FlashAttn &a, const float *o, const float *dout, const float *lse, float *delta,
                      float *dqkv, int ld_dqkv, cudaStream_t stream);
// flash_tc_backward's results with S, P, dP, dS in registers (mma.sync; train_flash_mma_bwd.cu,
// NMC_TRAIN_ATTENTION=mma-bwd): blocks of 128 keys over the KV group's query heads (dk, dv then
// deterministic; fewer heads a block when the grid would be too coarse), dq by fp32 atomics.
int flash_mma_backward(const FlashAttn &a, const float *o, const float *dout, const float *lse, float *delta,
                       float *dqkv, int ld_dqkv, cudaStream_t stream);

// ---- FP8 E4M3 fake quantisation (train_fp8.cu): blocks of block_rows x block_cols of x [rows,
// cols] (row stride ld); out (dequantised, dense [rows, cols]), codes (dense) and scales
// [ceil(rows/br), ceil(cols/bc)] each nullable ----
int fake_quant_fp8(const float *x, int64_t ld, int rows, int cols, int block_rows, int block_cols, float *out,
                   uint8_t *codes, float *scales, cudaStream_t stream);

// ---- MLP ----
// out = relu(x)^2 (dense [rows, dim]); out16 non-null: out written there in BF16 instead
int relu2_forward(const float *x, int64_t n, float *out, cudaStream_t stream, void *out16 = nullptr);
// dx = dy * 2 relu(x) in place of dy
int relu2_backward(const float *x, int64_t n, float *dy, cudaStream_t stream);

// ---- linear helpers ----
// db[c] += sum_r dy[r, c]  (rows of stride)
int bias_backward(const float *dy, int stride, int rows, int dim, float *db, cudaStream_t stream);
// y[r, c] += b[c]
int bias_forward(float *y, int stride, int rows, int dim, const float *b, cudaStream_t stream);

// ---- cross-entropy over logits [rows, vocab] with labels (-100 ignored) ----
// loss[r] = logsumexp - logit[label] (0 when ignored); when grad: logits <- (softmax - onehot) * s_r with
// s_r = weights[r] (weights non-null: a loss weighted per position) else scale (0 rows when ignored)
int cross_entropy(float *logits, const int32_t *labels, int rows, int vocab, float scale, const float *weights,
                  bool grad, float *loss, cudaStream_t stream);
// train_xent.cu: the same in one read of the logits (two with grad), logits row stride ld; with grad and
// dlogits16 non-null the gradient goes to dlogits16 [rows, vocab] in BF16 (RNE, as k::convert) and the
// logits are left as they are. cross_entropy is this with ld = vocab and no dlogits16.
int cross_entropy_fused(float *logits, int64_t ld, const int32_t *labels, int rows, int vocab, float scale,
                        const float *weights, bool grad, float *loss, void *dlogits16, cudaStream_t stream);

// ---- optimizer ----
// partial[i] for i < blocks: sums of squares of x (n elements); returns the block count used
int sum_squares(const float *x, int64_t n, double *partial, int max_blocks, cudaStream_t stream);
// x *= s
int scale(float *x, int64_t n, float s, cudaStream_t stream);
// train_adamw.cu. AdamW as torch.optim.AdamW: g = grad * gscale; p = p*decay; m, v moments;
// p -= step_size m / (sqrt(v)/bc2sqrt + eps), one tensor:
int adamw(float *p, const float *g, float *m, float *v, int64_t n, float gscale, float beta1, float beta2,
          float eps, float decay, float step_size, float bc2_sqrt, cudaStream_t stream);

}  // namespace nmc::k::train
