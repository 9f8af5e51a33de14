// The trainer's layers: forward keeping what backward needs, and backward. Rows R = B * L.
//
// every layer: xn = RMSNorm(h_in) * norm;  h_out = h_in + mixer(xn);  backward: dh_in = dh_out +
// RMSNorm'(mixer'(dh_out)). The forward keeps each layer's intermediates for its backward where
// they fit (train_acts.cu, NMC_TRAIN_KEEP_ACTIVATIONS); else backward first recomputes the layer's
// forward from h_in (then only h_in of every layer is kept between forward and backward), then:
// M  the Mamba layer: train_mamba.cu
// *  1. proj = xn [q | k | v]^T                    [R, (Hq + 2 Hkv) hd]
//    2. 3. mid = causal softmax(q k^T / sqrt(hd)) v per query head (GQA), lse per query row
//          (flash kernels: memory O(L), no L x L scores kept; BF16 trainers on tensor cores,
//          kernels/train_flash_tc.cu, where head_dim is 64 or 128, else fp32 kernels/train_flash.cu;
//          env NMC_TRAIN_ATTENTION = flash | tc | materialised | mma | mma-bwd overrides, see attention_impl)
//    h_out += mid o_proj^T
//    backward: dmid from o_proj; flash backward (scores recomputed per tile from lse) writes
//              dq | dk | dv into dproj (dk, dv summed per KV group); then the projections.
//    The materialised O(L^2) path is the reference (train_attention_ref.cu).
// -  1. proj = xn up^T;  mid = relu(proj)^2;  h_out += mid down^T
// BF16 GEMM operands are made once where they are made at all: xn's copy once per layer forward
// (xn16), a Mamba or MLP mid written in BF16 by the gated norm / relu^2 kernel itself (mid16), dy's
// copy once per linear backward, weights once per optimizer step (train_linear.cu).
#include "train_layer_parts.h"

#include "env_switch.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace nmc::train {

// The BF16 copy of xn (the layer's normed input, [R, d]) when weight w's GEMMs take BF16 operands,
// else null: converted once per layer_forward (forward or recompute) and read by every GEMM on xn of
// that layer (in_proj; q, k, v; up) in the forward and, after the recompute, the weight gradients.
const void *xn16(nmc_trainer *t, int w) {
    if (gemm_precision(t, w) != NMC_BF16) return nullptr;
    if (!t->xn16_ready) {
        const void *out = nullptr;
        if (bf16_copy(t, t->xn16, t->xn.f(), t->batch * t->seq_len, t->dims.d, t->dims.d, &out) != NMC_OK) return nullptr;
        t->xn16_ready = true;
    }
    return t->xn16.p;
}

// Where the kernel making a Mamba or MLP layer's mid [R, width] writes it: in BF16 to mid16 when the
// next GEMM (out_proj, down_proj: weight w) takes BF16 operands (the fp32 mid is then not written
// and never read: that GEMM and its weight gradient read the copy), else null (fp32 mid).
int mid16_for(nmc_trainer *t, int w, int width, void **out) {
    *out = nullptr;
    if (gemm_precision(t, w) != NMC_BF16) return NMC_OK;
    NMC_TRY(ensure(t->mid16, (size_t)t->batch * t->seq_len * width * 2));
    *out = t->mid16.p;
    return NMC_OK;
}

// y [R, out] (row stride ldy) = x [R, in] (ldx) W^T + beta y (+ bias); GEMMs in w's precision
// (train_linear.cu); x16 (nullable) x's BF16 copy
int linear_fwd(nmc_trainer *t, const float *x, int ldx, int w, int b, int in, int out, float *y, int ldy, float beta,
               const void *x16) {
    int R = t->batch * t->seq_len;
    NMC_TRY(linear_gemm_fwd(t, w, R, out, in, x, ldx, y, ldy, beta, x16));
    if (b >= 0) NMC_TRY(k::train::bias_forward(y, ldy, R, out, CW(t, b), t->stream));
    return NMC_OK;
}

// dx (= or += when beta 1) dy W;  dW += dy^T x;  db += colsum(dy). A BF16 weight's two GEMMs share
// one BF16 copy of dy; x16 (nullable) x's BF16 copy.
int linear_bwd(nmc_trainer *t, const float *dy, int ldy, const float *x, int ldx, int w, int b, int in, int out,
               float *dx, int lddx, float beta, const void *x16) {
    int R = t->batch * t->seq_len;
    const void *dy16 = nullptr;
    if (gemm_precision(t, w) == NMC_BF16) NMC_TRY(bf16_copy(t, t->dy16, dy, R, out, ldy, &dy16));
    NMC_TRY(linear_gemm_bwd(t, w, R, out, in, dy, ldy, dx, lddx, beta, x, ldx, dy16, x16));
    if (b >= 0) NMC_TRY(k::train::bias_backward(dy, ldy, R, out, G(t, b), t->stream));
    return NMC_OK;
}

namespace {

k::train::FlashAttn flash_args(nmc_trainer *t) {
    const Dims &d = t->dims;
    return k::train::FlashAttn{t->batch, t->seq_len, d.q_heads, d.kv_heads, d.head_dim,
                               1.0f / sqrtf((float)d.head_dim), t->proj.f(), d.qkv_dim};
}

// The attention kernels (env NMC_TRAIN_ATTENTION = flash | tc | materialised | mma | mma-bwd overrides): BF16
// trainers use the tensor-core kernels where they apply (head_dim 64, 128), else the fp32 ones: the
// register-resident forward (flash_mma_forward, "mma") with the tensor-core backward — the default
// since 2026-12-07 (hybrid1b step 143.2 -> 131.2 ms on an H100; forward 0.35 ms against tc's 1.95 at
// L 4096, 10:2 heads of 128) — or, NMC_TRAIN_ATTENTION=tc, the WMMA forward. mma-bwd, the default
// since 2026-12-07: the same forward with the register-resident backward (flash_mma_backward; L 4096,
// 32:8 heads of 64: 1.31 ms against tc's 2.82; hybrid1b BF16 step 119.0 -> 114.1 ms on an H100).
enum class AttnImpl { Flash, Tc, Materialised, Mma, MmaBwd };

int attention_impl(nmc_trainer *t, const k::train::FlashAttn &a, AttnImpl *impl) {
    int choice;
    NMC_TRY(env_choice("NMC_TRAIN_ATTENTION", {"flash", "tc", "materialised", "mma", "mma-bwd"}, &choice));
    bool tc_ok = k::train::flash_tc_supported(a);
    switch (choice) {
        case 0: *impl = AttnImpl::Flash; break;
        case 1: *impl = tc_ok ? AttnImpl::Tc : AttnImpl::Flash; break;
        case 2: *impl = AttnImpl::Materialised; break;
        case 3: *impl = tc_ok ? AttnImpl::Mma : AttnImpl::Flash; break;
        case 4: *impl = tc_ok ? AttnImpl::MmaBwd : AttnImpl::Flash; break;
        default: *impl = t->dtype == NMC_BF16 && tc_ok ? AttnImpl::MmaBwd : AttnImpl::Flash; break;
    }
    return NMC_OK;
}

int attention_fwd(nmc_trainer *t, const TLayer &L, float *h_out) {
    const Dims &d = t->dims;
    int qw = d.q_heads * d.head_dim, kw = d.kv_heads * d.head_dim, pw = d.qkv_dim;
    NMC_TRY(linear_fwd(t, t->xn.f(), d.d, L.q, L.qb, d.d, qw, t->proj.f(), pw, 0.0f, xn16(t, L.q)));       // 1.
    NMC_TRY(linear_fwd(t, t->xn.f(), d.d, L.k, L.kb, d.d, kw, t->proj.f() + qw, pw, 0.0f, xn16(t, L.k)));
    NMC_TRY(linear_fwd(t, t->xn.f(), d.d, L.v, L.vb, d.d, kw, t->proj.f() + qw + kw, pw, 0.0f, xn16(t, L.v)));
    k::train::FlashAttn a = flash_args(t);                                                               // 2. 3.
    AttnImpl impl;
    NMC_TRY(attention_impl(t, a, &impl));
    switch (impl) {
        case AttnImpl::Tc: NMC_TRY(k::train::flash_tc_forward(a, t->mid.f(), t->lse.f(), t->stream)); break;
        case AttnImpl::Mma:
        case AttnImpl::MmaBwd: NMC_TRY(k::train::flash_mma_forward(a, t->mid.f(), t->lse.f(), t->stream)); break;
        case AttnImpl::Materialised: NMC_TRY(attention_materialised(t->gemm, t->stream, a, nullptr, t->mid.f(), nullptr)); break;
        default: NMC_TRY(k::train::flash_forward(a, t->mid.f(), t->lse.f(), t->stream)); break;
    }
    if (h_out != nullptr) NMC_TRY(linear_fwd(t, t->mid.f(), qw, L.o, L.ob, qw, d.d, h_out, d.d, 1.0f));
    return NMC_OK;
}

int attention_bwd(nmc_trainer *t, const TLayer &L) {
    const Dims &d = t->dims;
    int qw = d.q_heads * d.head_dim, kw = d.kv_heads * d.head_dim, pw = d.qkv_dim;
    NMC_TRY(linear_bwd(t, t->dh.f(), d.d, t->mid.f(), qw, L.o, L.ob, qw, d.d, t->dmid.f(), qw, 0.0f));
    k::train::FlashAttn a = flash_args(t);
    AttnImpl impl;
    NMC_TRY(attention_impl(t, a, &impl));
    switch (impl) {
        case AttnImpl::Tc:
        case AttnImpl::Mma:
            NMC_TRY(k::train::flash_tc_backward(a, t->mid.f(), t->dmid.f(), t->lse.f(), t->delta.f(), t->dproj.f(), pw,
                                                t->stream));
            break;
        case AttnImpl::MmaBwd:
            NMC_TRY(k::train::flash_mma_backward(a, t->mid.f(), t->dmid.f(), t->lse.f(), t->delta.f(), t->dproj.f(), pw,
                                                 t->stream));
            break;
        case AttnImpl::Materialised:  // recomputes the forward (mid is rewritten with the same values)
            NMC_TRY(attention_materialised(t->gemm, t->stream, a, t->dmid.f(), t->mid.f(), t->dproj.f()));
            break;
        default:
            NMC_TRY(k::train::flash_backward(a, t->mid.f(), t->dmid.f(), t->lse.f(), t->delta.f(), t->dproj.f(), pw,
                                             t->stream));
            break;
    }
    NMC_TRY(linear_bwd(t, t->dproj.f(), pw, t->xn.f(), d.d, L.q, L.qb, d.d, qw, t->dxn.f(), d.d, 0.0f, xn16(t, L.q)));
    NMC_TRY(linear_bwd(t, t->dproj.f() + qw, pw, t->xn.f(), d.d, L.k, L.kb, d.d, kw, t->dxn.f(), d.d, 1.0f,
                       xn16(t, L.k)));
    return linear_bwd(t, t->dproj.f() + qw + kw, pw, t->xn.f(), d.d, L.v, L.vb, d.d, kw, t->dxn.f(), d.d, 1.0f,
                      xn16(t, L.v));
}

int mlp_fwd(nmc_trainer *t, const TLayer &L, float *h_out) {
    const Dims &d = t->dims;
    int R = t->batch * t->seq_len;
    NMC_TRY(linear_fwd(t, t->xn.f(), d.d, L.up, L.up_b, d.d, d.mlp, t->proj.f(), d.mlp, 0.0f, xn16(t, L.up)));
    t->profile.mark(t->stream, "mlp.fwd.up_proj");
    void *mid16;
    NMC_TRY(mid16_for(t, L.down, d.mlp, &mid16));
    NMC_TRY(k::train::relu2_forward(t->proj.f(), (int64_t)R * d.mlp, t->mid.f(), t->stream, mid16));
    t->profile.mark(t->stream, "mlp.fwd.relu2");
    if (h_out != nullptr) NMC_TRY(linear_fwd(t, t->mid.f(), d.mlp, L.down, L.down_b, d.mlp, d.d, h_out, d.d, 1.0f, mid16));
    return NMC_OK;
}

int mlp_bwd(nmc_trainer *t, const TLayer &L) {
    const Dims &d = t->dims;
    int R = t->batch * t->seq_len;
    void *mid16;
    NMC_TRY(mid16_for(t, L.down, d.mlp, &mid16));
    NMC_TRY(linear_bwd(t, t->dh.f(), d.d, t->mid.f(), d.mlp, L.down, L.down_b, d.mlp, d.d, t->dmid.f(), d.mlp, 0.0f,
                       mid16));
    t->profile.mark(t->stream, "mlp.bwd.down_proj");
    NMC_TRY(k::train::relu2_backward(t->proj.f(), (int64_t)R * d.mlp, t->dmid.f(), t->stream));
    return linear_bwd(t, t->dmid.f(), d.mlp, t->xn.f(), d.d, L.up, L.up_b, d.d, d.mlp, t->dxn.f(), d.d, 0.0f,
                      xn16(t, L.up));
}

// Layer i's kept intermediates (train_acts.cu) in the trainer's buffers while in scope, when `on`.
class LayerActsInUse {
  public:
    LayerActsInUse(nmc_trainer *t, int i, bool on) : t_(t), i_(i), on_(on) {
        if (on_) acts_swap(t_, i_);
    }
    ~LayerActsInUse() {
        if (on_) acts_swap(t_, i_);
    }
    LayerActsInUse(const LayerActsInUse &) = delete;
    LayerActsInUse &operator=(const LayerActsInUse &) = delete;

  private:
    nmc_trainer *t_;
    int i_;
    bool on_;
};

// NMC_PROFILE=1 stage names: "mamba.forward", "attention.recompute", "mlp.backward", ...; inside
// Mamba and MLP layers also "mamba.fwd.scan", "mlp.bwd.down_proj", ... (forward and recompute
// together), and the layer-level line keeps the rest of the layer (its last GEMM and the norm).
const char *stage_name(char kind, const char *phase) {
    static thread_local std::string name;
    name = std::string(kind == 'M' ? "mamba." : kind == '*' ? "attention." : "mlp.") + phase;
    return name.c_str();
}

}  // namespace

int ensure(Buf &b, size_t bytes) {
    if (b.bytes >= bytes) return NMC_OK;
    if (b.p != nullptr) cudaFree(b.p);
    b.p = nullptr;
    b.bytes = 0;
    cudaError_t err = cudaMalloc(&b.p, bytes);
    if (err != cudaSuccess) {
        cudaGetLastError();
        return fail("cannot allocate " + std::to_string(bytes) + " bytes of training work memory: " + cudaGetErrorString(err));
    }
    b.bytes = bytes;
    return NMC_OK;
}

float *W(nmc_trainer *t, int idx) { return idx < 0 ? nullptr : t->params[idx].w; }
float *G(nmc_trainer *t, int idx) { return idx < 0 ? nullptr : t->params[idx].g; }

int mm(nmc_trainer *t, bool ta, bool tb, int m, int n, int k, float alpha, const float *a, int lda, long long sa,
       const float *b, int ldb, long long sb, float beta, float *c, int ldc, long long sc, int batch) {
    return mm_as(t, t->dtype, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, batch);
}

int mm_as(nmc_trainer *t, int dtype, bool ta, bool tb, int m, int n, int k, float alpha, const float *a, int lda,
          long long sa, const float *b, int ldb, long long sb, float beta, float *c, int ldc, long long sc, int batch) {
    if (dtype == NMC_F32) {
        return gemm_rm(t->gemm, NMC_F32, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, batch);
    }
    // BF16: both operands converted over their whole (strided) extent, layout unchanged
    auto extent = [](int rows, int cols, int ld, long long stride, int batch) {
        return (int64_t)(batch - 1) * stride + (int64_t)(rows - 1) * ld + cols;
    };
    int64_t na = extent(ta ? k : m, ta ? m : k, lda, sa, batch);
    int64_t nb = extent(tb ? n : k, tb ? k : n, ldb, sb, batch);
    NMC_TRY(ensure(t->bf_a, (size_t)na * 2));
    NMC_TRY(ensure(t->bf_b, (size_t)nb * 2));
    NMC_TRY(k::convert(t->bf_a.p, NMC_BF16, a, NMC_F32, na, t->stream));
    NMC_TRY(k::convert(t->bf_b.p, NMC_BF16, b, NMC_F32, nb, t->stream));
    return gemm_rm(t->gemm, NMC_BF16, ta, tb, m, n, k, alpha, t->bf_a.p, lda, sa, t->bf_b.p, ldb, sb, beta, c, ldc, sc,
                   batch);
}

int layer_forward(nmc_trainer *t, int i, const float *h_in, float *h_out) {
    const Dims &d = t->dims;
    const TLayer &L = t->layers[i];
    int R = t->batch * t->seq_len;
    const LayerActsInUse use(t, i, h_out != nullptr && t->acts_kept);  // the forward writes layer i's slots
    NMC_TRY(k::train::rms_forward(h_in, R, d.d, 1, CW(t, L.norm), t->cfg.norm_eps, t->xn.f(), t->rstd.f(), t->stream));
    t->xn16_ready = false;  // xn changed: its BF16 copy is made again on first use
    switch (L.kind) {
        case 'M': NMC_TRY(mamba_fwd(t, L, h_out)); break;
        case '*': NMC_TRY(attention_fwd(t, L, h_out)); break;
        default: NMC_TRY(mlp_fwd(t, L, h_out)); break;
    }
    t->profile.mark(t->stream, stage_name(L.kind, h_out == nullptr ? "recompute" : "forward"));
    return NMC_OK;
}

int layer_backward(nmc_trainer *t, int i, const float *h_in) {
    const Dims &d = t->dims;
    const TLayer &L = t->layers[i];
    int R = t->batch * t->seq_len;
    const LayerActsInUse use(t, i, t->acts_kept);  // the forward kept layer i's intermediates: no recompute
    if (!t->acts_kept) NMC_TRY(layer_forward(t, i, h_in, nullptr));
    switch (L.kind) {
        case 'M': NMC_TRY(mamba_bwd(t, L)); break;
        case '*': NMC_TRY(attention_bwd(t, L)); break;
        default: NMC_TRY(mlp_bwd(t, L)); break;
    }
    NMC_TRY(k::train::rms_backward(h_in, CW(t, L.norm), t->rstd.f(), t->dxn.f(), R, d.d, 1, t->dh.f(), true, G(t, L.norm),
                                   t->stream));
    t->profile.mark(t->stream, stage_name(L.kind, "backward"));
    return NMC_OK;
}

}  // namespace nmc::train
