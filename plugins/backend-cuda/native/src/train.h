// The trainer on the device (nmc_trainer_*): fp32 master weights, gradients and AdamW moments,
// the saved forward (the residual stream entering every layer) and the work buffers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model.h"
#include "profile.h"
#include "kernels/train_kernels.h"

namespace nmc {

// A device buffer that grows on demand.
struct Buf {
    void *p = nullptr;
    size_t bytes = 0;
    float *f() const { return static_cast<float *>(p); }
};

enum class TInit { Linear, Embedding, One, Zero, ALog, DtBias, Conv };

struct TParam {
    std::string name;             // HF checkpoint name ("backbone.layers.0.mixer.in_proj.weight")
    std::vector<int64_t> shape;
    int64_t n = 0;
    float *w = nullptr, *g = nullptr, *m = nullptr, *v = nullptr;
    bool decay = true;
    bool set = false;
    TInit init = TInit::Zero;
    int fan_in = 1;
    bool linear = false;  // a linear layer's weight (feeds a GEMM; nmc_trainer_set_gemm_precision)
    int gemm = -1;        // its GEMM precision: NMC_F32, NMC_BF16, NMC_FP8; -1 the trainer's dtype
    // GEMM operand copies of w made once per weight version (nmc_trainer::weight_version), not per GEMM
    // (train_linear.cu): BF16; FP8 E4M3 codes + scales in the cuBLASLt layouts of the forward (W) and
    // the data gradient (W^T) (train_linear_lt.cu)
    Buf w16, q8_fwd, q8_dx;
    int64_t w16_version = -1, q8_fwd_version = -1, q8_dx_version = -1;
    // w, g, m, v point into the trainer's flat storage at `off` floats (nmc_trainer::flat); the
    // tensors lie in the order backward finishes their gradients: `unit` 0 the head (an untied
    // lm_head, norm_f), 1 + (layers - 1 - i) layer i, layers + 1 the embedding (train.cu)
    int64_t off = 0;
    int unit = 0;
};

// One layer's forward intermediates that its backward reads (train_acts.cu): the trainer's buffers
// of the same names while that layer runs. Kinds use a subset (M: all but lse; *: xn, rstd, xn16,
// proj, mid, lse; -: xn, rstd, xn16, proj, mid, mid16); the others stay empty.
struct LayerActs {
    Buf xn, rstd, xn16, proj, xbc, dtv, y, tg, rstd_g, mid, mid16, lse;
    bool xn16_ready = false;
};

// Parameter indices of one layer (-1: absent).
struct TLayer {
    char kind = '-';
    int norm = -1;
    int in_proj = -1, in_proj_b = -1, conv_w = -1, conv_b = -1, dt_bias = -1, a_log = -1, d = -1, gnorm = -1;
    int out_proj = -1, out_proj_b = -1;
    int q = -1, k = -1, v = -1, qb = -1, kb = -1, vb = -1, o = -1, ob = -1;
    int up = -1, up_b = -1, down = -1, down_b = -1;
};

// The soft targets of nmc_trainer_set_soft_targets (train_head_soft.cu), freed with the trainer.
namespace train {
struct Dp;  // the data-parallel group of nmc_trainer_dp_join (train_dp.cu)
struct DpFree {
    void operator()(Dp *d) const;
};
struct SoftTargets;
struct SoftTargetsFree {
    void operator()(SoftTargets *s) const;
};
}  // namespace train

}  // namespace nmc

struct nmc_trainer {
    nmc_config cfg{};
    std::string pattern;
    nmc::Dims dims{};
    int device = 0;
    int dtype = NMC_F32;  // GEMM input type: NMC_F32 (no TF32) or NMC_BF16 (fp32 accumulation)
    int fp8_gemm = -1;    // FP8 GEMMs: -1 cuBLASLt when available (env NMC_FP8_GEMM=fakequant: never), 0 fake quant, 1 cuBLASLt or an error
    cudaStream_t stream = nullptr;
    nmc::Gemm gemm;
    std::vector<nmc::TParam> params;
    // flat storage: weights, gradient sums, exp_avg, exp_avg_sq, flat_n floats each (tensor offsets
    // 64-float aligned, gaps zero; flat_n a multiple of 64 * FLAT_PAD). After nmc_trainer_dp_join the two
    // moments hold this rank's ZeRO-1 shard only (train_dp.cu) and TParam::m, v are null.
    float *flat[4] = {nullptr, nullptr, nullptr, nullptr};
    int64_t flat_n = 0;
    std::unique_ptr<nmc::train::Dp, nmc::train::DpFree> dp;  // null until nmc_trainer_dp_join
    std::vector<nmc::TLayer> layers;
    int embed = -1, lm_head = -1, norm_f = -1;  // lm_head == embed when tied
    // the saved forward
    int batch = 0, seq_len = 0;
    bool saved = false;
    int64_t tokens = 0;     // labels not ignored
    bool weighted = false;  // nmc_trainer_set_token_weights: token_w replaces 1/tokens in the next backward
    nmc::Buf token_w;       // [batch * seq_len] per-position d loss / d CE (train.cu)
    std::unique_ptr<nmc::train::SoftTargets, nmc::train::SoftTargetsFree> soft;  // distillation head (train_head_soft.cu)
    int micro_batches = 0;  // backward passes since the last step
    int64_t steps = 0;      // optimizer steps taken (AdamW's t)
    int64_t weight_version = 0;  // bumped whenever weights change (step, set_tensor, init): the key of the GEMM copies
    bool xn16_ready = false;     // xn16 holds xn in BF16 (reset when a layer's norm rewrites xn; train_layers.cu)
    // mid16: a Mamba or MLP layer's mid in BF16, written by the kernel that makes mid (gated norm, relu^2)
    // instead of mid when out_proj / down_proj take BF16 operands (train_layers.cu)
    // work buffers (train.cu sizes them for batch * seq_len rows)
    nmc::Profile profile;  // NMC_PROFILE=1: per-stage wall time, printed when the trainer is destroyed
    nmc::Buf ids, labels, hs, xn, rstd, rstd_f, proj, dproj, xbc, dxbc, dtv, ddt, y, tg, rstd_g, mid, dmid, dtmp,
        ckpt, lse, delta, dh, dxn, logits, loss_rows, partial, bf_a, bf_b, fq_a, fq_b, xn16, dy16, mid16;
    // NMC_FP8_QUANT=fused (train_linear_lt.cu lt_linear_bwd): dY's column-tile codes for the weight gradient,
    // made with its row tiles (fq_a) in one pass and kept beside them
    nmc::Buf fq_c;
    // NMC_TRAIN_SCAN_SAVE=1 (train_mamba.cu, scan_save_decide): every Mamba layer's chunked scan forward kept
    // from the forward for its backward, [Mamba layers, ssd_saved_floats] fp32; scan_saved: the last
    // forward filled it (false: the recompute before backward runs the scan again)
    nmc::Buf scan_save;
    bool scan_saved = false;
    // NMC_TRAIN_KEEP_ACTIVATIONS (train_acts.cu): every layer's intermediates kept from the forward for
    // its backward instead of recomputed; acts[i] holds layer i's while the trainer's own are in use.
    // acts_kept: the last forward kept them (false: each backward recomputes its layer's forward)
    std::vector<nmc::LayerActs> acts;
    bool acts_kept = false;
};

namespace nmc::train {
// The GEMM type of the chunked scan (train_ssd.cu) in every trainer dtype: fp32. Its GEMMs are
// small (Q = 64), so converting their operands to BF16 costs more than it saves (H100, L 4096, 64
// heads of 64, state 128: forward 2.7 ms fp32 vs 7.5 ms BF16, backward 4.1 vs 10.2 ms;
// docs/benchmarks.md), and the FP8 recipe keeps the scan in full precision as the host's
// simulation does.
constexpr int SCAN_GEMM_DTYPE = NMC_F32;
// The flat storage's length is a multiple of 64 * FLAT_PAD floats, so that a data-parallel group
// of any size dividing 1680 (1 to 8, 10, 12, 14, 16, ...) splits it into equal 64-float-aligned shards
constexpr int64_t FLAT_PAD = 1680;
// Units of a backward (see TParam::unit)
inline int units(const nmc_trainer *t) { return t->dims.layers + 2; }
// train_dp.cu: the data-parallel hooks (no-ops until nmc_trainer_dp_join). A backward calls
// dp_backward_begin, then dp_unit_done after each unit's gradients are complete (launches the
// all-reduce of every bucket that unit completes on the communication stream), then dp_backward_end
// (waits for the communication, polling NCCL's asynchronous error with a timeout).
bool dp_joined(const nmc_trainer *t);
int dp_size(const nmc_trainer *t);
int dp_backward_begin(nmc_trainer *t);
int dp_unit_done(nmc_trainer *t, int unit);
int dp_backward_end(nmc_trainer *t);
// The step's AdamW on this rank's shard (the per-tensor kernel on each tensor's part of the shard),
// then the all-gather of the updated weights
int dp_adamw_gather(nmc_trainer *t, float gscale, float beta1, float beta2, float eps, double lr, double wd, float lr_bc1,
                    float bc2_sqrt);
// A moment slot (NMC_TRAIN_EXP_AVG, _SQ) of parameter i after joining: download gathers the whole
// tensor from its owners (a collective: every rank calls it in the same order); upload keeps this
// rank's part of the fp32 values at `src` (device)
int dp_get_moment(nmc_trainer *t, int i, int slot, float *out);
int dp_set_moment(nmc_trainer *t, int i, int slot, const float *src);
// Blocks of the gradient norm's partial sums (train_step.cu; the work buffer `partial`)
constexpr int NORM_BLOCKS = 1024;
// train_layers.cu: the forward of layer i from h_in (h_out += its output; h_out null: only the
// intermediates backward needs) and its backward (dh in, += the gradient of h_in).
int layer_forward(nmc_trainer *t, int i, const float *h_in, float *h_out);
int layer_backward(nmc_trainer *t, int i, const float *h_in);
// The chunked scan's shape arguments at the trainer's batch and sequence (no tensors).
k::train::ScanArgs scan_shape(const nmc_trainer *t);
// Device bytes the trainer may still allocate after a forward has begun (each linear weight's GEMM
// copy not made yet, at most 2 bytes a parameter, plus headroom for activation copies and cuBLAS
// work): what the keep-instead-of-recompute choices (scan_save_decide, acts_decide) leave free.
size_t later_bytes(const nmc_trainer *t);
// train_acts.cu (NMC_TRAIN_KEEP_ACTIVATIONS unset or 1: keep where they fit; 0: recompute): at the
// start of a forward, whether this forward keeps every layer's intermediates (t->acts_kept; slots
// sized, memory checked together with the scan's slots of scan_save_decide); acts_swap exchanges
// layer i's slots with the trainer's buffers (the forward and the backward of layer i run between
// two swaps); acts_settle after the forward's last layer: a hybrid whose scans were not saved
// recomputes after all (its scan work is shared); acts_free gives the slots back.
int acts_decide(nmc_trainer *t);
void acts_swap(nmc_trainer *t, int i);
void acts_settle(nmc_trainer *t);
void acts_free(nmc_trainer *t);
// The GEMM precision of linear weight w (its TParam::gemm, else the trainer's dtype)
int gemm_precision(nmc_trainer *t, int w);
// A BF16 copy in b of x [rows, cols] (row stride ld, the same layout: the whole strided extent)
int bf16_copy(nmc_trainer *t, Buf &b, const float *x, int rows, int cols, int64_t ld, const void **out);
// C = alpha op(A) op(B) + beta C in the trainer's GEMM type (fp32 operands converted to BF16
// in BF16 mode); row-major, as gemm_rm.
int mm(nmc_trainer *t, bool ta, bool tb, int m, int n, int k, float alpha, const float *a, int lda, long long sa,
       const float *b, int ldb, long long sb, float beta, float *c, int ldc, long long sc, int batch);
// mm with GEMM inputs of `dtype` (NMC_F32 or NMC_BF16) instead of the trainer's
int mm_as(nmc_trainer *t, int dtype, bool ta, bool tb, int m, int n, int k, float alpha, const float *a, int lda,
          long long sa, const float *b, int ldb, long long sb, float beta, float *c, int ldc, long long sc, int batch);
// train_linear.cu: the GEMMs of linear weight w [n, kk] over `rows` rows in the weight's precision:
// y (= or += with beta 1) x W^T;  dx (=, +=) dy W;  dW += dy^T x
// x16, dy16 (nullable): BF16 copies of x, dy in the same layout (bf16_copy) that a BF16 weight's
// GEMMs read instead of converting x, dy again
int linear_gemm_fwd(nmc_trainer *t, int w, int rows, int n, int kk, const float *x, int ldx, float *y, int ldy,
                    float beta, const void *x16 = nullptr);
int linear_gemm_dx(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, float *dx, int lddx,
                   float beta, const void *dy16 = nullptr);
int linear_gemm_dw(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, const float *x, int ldx,
                   const void *dy16 = nullptr, const void *x16 = nullptr);
// linear_gemm_dx then linear_gemm_dw with the same dy; an FP8 weight's cuBLASLt GEMMs under
// NMC_FP8_QUANT=fused quantise dy once for both (train_linear_lt.cu lt_linear_bwd)
int linear_gemm_bwd(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, float *dx, int lddx,
                    float beta, const float *x, int ldx, const void *dy16 = nullptr, const void *x16 = nullptr);
float *W(nmc_trainer *t, int idx);
// Grows b to at least `bytes` (contents lost when it grows).
int ensure(Buf &b, size_t bytes);
float *G(nmc_trainer *t, int idx);
// The index of parameter `name` ("model." or no prefix taken for "backbone."), or -1.
int find_param(nmc_trainer *t, const char *name);
// train_attention_ref.cu: the materialised causal GQA attention (L x L scores, fp32 cuBLAS) on
// `stream`: o [B L, Hq hd] written; with dout, dq | dk | dv written into dqkv (row stride a.ld)
int attention_materialised(Gemm &gemm, cudaStream_t stream, const k::train::FlashAttn &a, const float *dout, float *o,
                           float *dqkv);
// train_head_soft.cu: at a forward of `positions` rows, puts the soft targets set since the last
// forward in use (an error when they cover another count) or drops them; whether they are in use;
// the loss rows of logits piece [r0, r0 + rows) (written as cross_entropy: T^2 l_t, 0 where ignored)
// and with grad its dlogits in place.
int soft_begin(nmc_trainer *t, int64_t positions);
bool soft_active(const nmc_trainer *t);
int soft_piece(nmc_trainer *t, float *logits, int64_t r0, int rows, bool grad, float *loss_rows);
}  // namespace nmc::train
