// The C ABI of the trainer (nemotron_cuda.h, "training"): parameters by HF name, forward with the
// loss (keeping the residual stream entering every layer), backward accumulating gradients, and
// AdamW with global-norm clipping.
//
// forward, rows R = B * L:  hs[0] = embed[ids];  hs[i+1] = hs[i] + layer_i(hs[i]);
//   xf = RMSNorm(hs[n]) * norm_f;  logits = xf lm_head^T (in pieces of rows);
//   loss = sum_r CE(logits[r], labels[r]) / count (labels -100 ignored)
// backward: the pieces again with dlogits = (softmax - onehot) * w_r, w_r = 1 / count, or the weights
//   of nmc_trainer_set_token_weights (any loss that is a function of the token log-probs);
//   dh = RMSNorm'(dxf);
//   layers in reverse (train_layers.cu); dembed[ids] += dh.  Gradients add up over backward calls.
// step: train_step.cu (global-norm clipping, AdamW).
#include "train.h"
#include "env_switch.h"
#include "kernels/device_math.cuh"

#include <algorithm>
#include <cmath>
#include <cstring>

using nmc::Buf;
using nmc::TInit;
using nmc::TLayer;
using nmc::TParam;
using nmc::train::ensure;

namespace {

constexpr int64_t LOGIT_FLOATS = 64ll << 20;  // logits piece: at most 256 MiB

int add(nmc_trainer *t, const std::string &name, std::vector<int64_t> shape, TInit init, int fan_in = 1) {
    TParam p;
    p.name = name;
    p.shape = std::move(shape);
    p.n = 1;
    for (int64_t s : p.shape) p.n *= s;
    p.init = init;
    p.fan_in = fan_in;
    t->params.push_back(p);
    return (int)t->params.size() - 1;
}

int add_linear(nmc_trainer *t, const std::string &name, std::vector<int64_t> shape, int fan_in) {
    int i = add(t, name, std::move(shape), TInit::Linear, fan_in);
    t->params[i].linear = true;
    return i;
}

void declare(nmc_trainer *t) {
    const nmc::Dims &d = t->dims;
    const nmc_config &c = t->cfg;
    t->embed = add(t, "backbone.embeddings.weight", {d.vocab, d.d}, TInit::Embedding);
    for (int i = 0; i < d.layers; i++) {
        TLayer L;
        L.kind = t->pattern[i];
        const size_t first = t->params.size();
        std::string p = "backbone.layers." + std::to_string(i) + ".";
        std::string x = p + "mixer.";
        L.norm = add(t, p + "norm.weight", {d.d}, TInit::One);
        if (L.kind == 'M') {
            L.in_proj = add_linear(t, x + "in_proj.weight", {d.proj_dim, d.d}, d.d);
            if (c.mamba_proj_bias) L.in_proj_b = add(t, x + "in_proj.bias", {d.proj_dim}, TInit::Zero);
            L.conv_w = add(t, x + "conv1d.weight", {d.conv_dim, 1, d.conv_k}, TInit::Conv, d.conv_k);
            if (c.use_conv_bias) L.conv_b = add(t, x + "conv1d.bias", {d.conv_dim}, TInit::Zero);
            L.dt_bias = add(t, x + "dt_bias", {d.m_heads}, TInit::DtBias);
            L.a_log = add(t, x + "A_log", {d.m_heads}, TInit::ALog);
            L.d = add(t, x + "D", {d.m_heads}, TInit::One);
            L.gnorm = add(t, x + "norm.weight", {d.inner}, TInit::One);
            L.out_proj = add_linear(t, x + "out_proj.weight", {d.d, d.inner}, d.inner);
            if (c.mamba_proj_bias) L.out_proj_b = add(t, x + "out_proj.bias", {d.d}, TInit::Zero);
        } else if (L.kind == '*') {
            int q = d.q_heads * d.head_dim, kv = d.kv_heads * d.head_dim;
            L.q = add_linear(t, x + "q_proj.weight", {q, d.d}, d.d);
            L.k = add_linear(t, x + "k_proj.weight", {kv, d.d}, d.d);
            L.v = add_linear(t, x + "v_proj.weight", {kv, d.d}, d.d);
            if (c.attention_bias) {
                L.qb = add(t, x + "q_proj.bias", {q}, TInit::Zero);
                L.kb = add(t, x + "k_proj.bias", {kv}, TInit::Zero);
                L.vb = add(t, x + "v_proj.bias", {kv}, TInit::Zero);
            }
            L.o = add_linear(t, x + "o_proj.weight", {d.d, q}, q);
            if (c.attention_bias) L.ob = add(t, x + "o_proj.bias", {d.d}, TInit::Zero);
        } else {
            L.up = add_linear(t, x + "up_proj.weight", {d.mlp, d.d}, d.d);
            if (c.mlp_bias) L.up_b = add(t, x + "up_proj.bias", {d.mlp}, TInit::Zero);
            L.down = add_linear(t, x + "down_proj.weight", {d.d, d.mlp}, d.mlp);
            if (c.mlp_bias) L.down_b = add(t, x + "down_proj.bias", {d.d}, TInit::Zero);
        }
        t->layers.push_back(L);
        for (size_t k = first; k < t->params.size(); k++) t->params[k].unit = 1 + (d.layers - 1 - i);
    }
    t->norm_f = add(t, "backbone.norm_f.weight", {d.d}, TInit::One);
    t->lm_head = c.tie_word_embeddings ? t->embed : add_linear(t, "lm_head.weight", {d.vocab, d.d}, d.d);
    t->params[t->embed].unit = d.layers + 1;  // (the tied head's gradient is complete after the embedding's)
    t->params[t->norm_f].unit = 0;
    if (t->lm_head != t->embed) t->params[t->lm_head].unit = 0;
}

// The flat storage: offsets in the order backward completes the gradients (unit, then parameter
// index), each 64-float aligned (the alignment cudaMalloc gave every tensor before: 256 bytes);
// one allocation per slot, zeroed.
int allocate_flat(nmc_trainer *t) {
    std::vector<size_t> order(t->params.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return t->params[a].unit < t->params[b].unit; });
    int64_t n = 0;
    for (size_t i : order) {
        t->params[i].off = n;
        n += (t->params[i].n + 63) / 64 * 64;
    }
    const int64_t pad = 64 * nmc::train::FLAT_PAD;
    t->flat_n = (n + pad - 1) / pad * pad;
    for (int s = 0; s < 4; s++) {
        cudaError_t err = cudaMalloc(&t->flat[s], t->flat_n * sizeof(float));
        if (err != cudaSuccess) {
            cudaGetLastError();
            t->flat[s] = nullptr;
            return nmc::fail("cannot allocate the trainer's parameters (" + std::to_string(t->flat_n * 16) +
                             " bytes for weights, gradients and moments): " + cudaGetErrorString(err));
        }
        NMC_CUDA(cudaMemsetAsync(t->flat[s], 0, t->flat_n * sizeof(float), t->stream));
    }
    for (TParam &p : t->params) {
        p.w = t->flat[0] + p.off;
        p.g = t->flat[1] + p.off;
        p.m = t->flat[2] + p.off;
        p.v = t->flat[3] + p.off;
    }
    return NMC_OK;
}

void free_all(nmc_trainer *t) {
    t->dp.reset();  // the data-parallel group first (it owns the moments' shards: flat[2], flat[3])
    for (float *&q : t->flat) {
        if (q) cudaFree(q);
        q = nullptr;
    }
    for (TParam &p : t->params) {
        for (Buf *b : {&p.w16, &p.q8_fwd, &p.q8_dx}) {
            if (b->p) cudaFree(b->p);
        }
    }
    nmc::train::acts_free(t);
    Buf *bufs[] = {&t->ids, &t->labels, &t->hs, &t->xn, &t->rstd, &t->rstd_f, &t->proj, &t->dproj, &t->xbc, &t->dxbc,
                   &t->dtv, &t->ddt, &t->y, &t->tg, &t->rstd_g, &t->mid, &t->dmid, &t->dtmp, &t->ckpt, &t->lse,
                   &t->delta, &t->dh, &t->token_w,
                   &t->dxn, &t->logits, &t->loss_rows, &t->partial, &t->bf_a, &t->bf_b, &t->fq_a, &t->fq_b, &t->fq_c,
                   &t->xn16, &t->dy16, &t->mid16, &t->scan_save};
    for (Buf *b : bufs) {
        if (b->p) cudaFree(b->p);
    }
    nmc::gemm_destroy(t->gemm);
    if (t->stream) cudaStreamDestroy(t->stream);
}

// Work buffers for R = B * L rows.
int size_buffers(nmc_trainer *t) {
    int scan;  // refuse an unknown NMC_TRAIN_SCAN before any scan reads it
    NMC_TRY(nmc::k::train::scan_mode_choice(&scan));
    const nmc::Dims &d = t->dims;
    int64_t R = (int64_t)t->batch * t->seq_len, L = t->seq_len, F = sizeof(float);
    int64_t pw = std::max<int64_t>({d.n_mamba ? d.proj_dim : 0, d.n_attn ? d.qkv_dim : 0, d.mlp > 0 ? d.mlp : 0, 1});
    int64_t mw = std::max<int64_t>({d.n_mamba ? d.inner : 0, d.n_attn ? (int64_t)d.q_heads * d.head_dim : 0,
                                    d.mlp > 0 ? d.mlp : 0, 1});
    int64_t stats = d.n_attn ? (int64_t)t->batch * d.q_heads * L : 1;  // flash attention: O(L) per head
    int64_t logit_rows = std::max<int64_t>(1, std::min<int64_t>(R, LOGIT_FLOATS / d.vocab));
    NMC_TRY(ensure(t->ids, R * 4));
    NMC_TRY(ensure(t->labels, R * 4));
    NMC_TRY(ensure(t->hs, (d.layers + 1) * R * d.d * F));
    NMC_TRY(ensure(t->xn, R * d.d * F));
    NMC_TRY(ensure(t->dxn, R * d.d * F));
    NMC_TRY(ensure(t->dh, R * d.d * F));
    NMC_TRY(ensure(t->rstd, R * F));
    NMC_TRY(ensure(t->rstd_f, R * F));
    NMC_TRY(ensure(t->proj, R * pw * F));
    NMC_TRY(ensure(t->dproj, R * pw * F));
    NMC_TRY(ensure(t->mid, R * mw * F));
    NMC_TRY(ensure(t->dmid, R * mw * F));
    if (d.n_mamba) {
        const nmc::k::train::ScanArgs s = nmc::train::scan_shape(t);
        NMC_TRY(ensure(t->xbc, R * d.conv_dim * F));
        NMC_TRY(ensure(t->dxbc, R * d.conv_dim * F));
        NMC_TRY(ensure(t->dtv, R * d.m_heads * F));
        NMC_TRY(ensure(t->ddt, R * d.m_heads * F));
        NMC_TRY(ensure(t->y, R * d.inner * F));
        NMC_TRY(ensure(t->tg, R * d.inner * F));
        NMC_TRY(ensure(t->dtmp, R * d.inner * F));
        NMC_TRY(ensure(t->rstd_g, R * d.groups * F));
        NMC_TRY(ensure(t->ckpt, (nmc::k::train::ssd_selected() ? nmc::k::train::ssd_work_floats(s)
                                                                : nmc::k::train::scan_checkpoint_floats(s)) * F));
    }
    if (d.n_attn) {
        NMC_TRY(ensure(t->lse, stats * F));
        NMC_TRY(ensure(t->delta, stats * F));
    }
    NMC_TRY(ensure(t->logits, logit_rows * d.vocab * F));
    NMC_TRY(ensure(t->loss_rows, R * F));
    NMC_TRY(ensure(t->partial, nmc::train::NORM_BLOCKS * sizeof(double)));
    return NMC_OK;
}

// Rows per logits piece: as many as LOGIT_FLOATS holds, rounded down to a multiple of 64 (the
// lm_head weight gradient's GEMM sums over these rows: an odd count (2097 at vocabulary 32000) kept
// cuBLAS off its aligned tensor-core kernels).
int64_t logit_rows(nmc_trainer *t) {
    int64_t R = (int64_t)t->batch * t->seq_len;
    int64_t fit = LOGIT_FLOATS / t->dims.vocab;
    if (fit >= 128) fit -= fit % 64;
    return std::max<int64_t>(1, std::min<int64_t>(R, fit));
}

float *hs(nmc_trainer *t, int i) { return t->hs.f() + (int64_t)i * t->batch * t->seq_len * t->dims.d; }

// The loss head over all rows: loss_rows (-log p(label), 0 where ignored); with grad, dxn (for the
// final norm) and lm_head's gradient of sum_r w_r CE_r, w_r = 1 / tokens or token_w[r] when weighted.
int head(nmc_trainer *t, bool grad) {
    const nmc::Dims &d = t->dims;
    int R = t->batch * t->seq_len;
    float scale = t->tokens > 0 ? 1.0f / (float)t->tokens : 0.0f;
    const float *weights = grad && t->weighted ? t->token_w.f() : nullptr;
    NMC_TRY(nmc::k::train::rms_forward(hs(t, d.layers), R, d.d, 1, nmc::train::W(t, t->norm_f), t->cfg.norm_eps,
                                       t->xn.f(), t->rstd_f.f(), t->stream));
    int64_t piece = logit_rows(t);
    const bool bf16 = nmc::train::gemm_precision(t, t->lm_head) == NMC_BF16;
    for (int64_t r0 = 0; r0 < R; r0 += piece) {
        int rows = (int)std::min<int64_t>(piece, R - r0);
        const float *x = t->xn.f() + r0 * d.d;
        NMC_TRY(nmc::train::linear_gemm_fwd(t, t->lm_head, rows, d.vocab, d.d, x, d.d, t->logits.f(), d.vocab, 0.0f));
        t->profile.mark(t->stream, grad ? "head.bwd.logits_gemm" : "head.fwd.logits_gemm");
        void *dl16 = nullptr;  // BF16 dlogits (dy16) when both backward GEMMs read BF16; else fp32 in logits
        if (nmc::train::soft_active(t)) {  // distillation (train_head_soft.cu): fp32 dlogits in place
            NMC_TRY(nmc::train::soft_piece(t, t->logits.f(), r0, rows, grad, t->loss_rows.f() + r0));
        } else {
            // one kernel: log-sum-exp, loss and dlogits
            if (grad && bf16) {
                NMC_TRY(ensure(t->dy16, (size_t)rows * d.vocab * 2));
                dl16 = t->dy16.p;
            }
            NMC_TRY(nmc::k::train::cross_entropy_fused(t->logits.f(), d.vocab, (const int32_t *)t->labels.p + r0, rows,
                                                       d.vocab, scale, weights ? weights + r0 : nullptr, grad,
                                                       t->loss_rows.f() + r0, dl16, t->stream));
        }
        t->profile.mark(t->stream, grad ? "head.bwd.xent" : "head.fwd.xent");
        if (grad) {
            NMC_TRY(nmc::train::linear_gemm_bwd(t, t->lm_head, rows, d.vocab, d.d, t->logits.f(), d.vocab,
                                                t->dxn.f() + r0 * d.d, d.d, 0.0f, x, d.d, dl16));
            t->profile.mark(t->stream, "head.bwd.dx_dw_gemm");
        }
    }
    return NMC_OK;
}

}  // namespace

extern "C" int nmc_trainer_create(const nmc_config *c, int device, nmc_trainer **out) {
    if (out == nullptr || c == nullptr) return nmc::fail("nmc_trainer_create: null argument");
    *out = nullptr;
    if (c->abi_version != NMC_ABI_VERSION) return nmc::fail("config ABI version mismatch");
    if (c->pattern == nullptr || (int)strlen(c->pattern) != c->num_layers) return nmc::fail("pattern must have num_layers characters");
    if (c->compute_dtype != NMC_F32 && c->compute_dtype != NMC_BF16) return nmc::fail("compute_dtype must be NMC_F32 or NMC_BF16");
    for (const char *p = c->pattern; *p; p++) {
        if (*p != 'M' && *p != '*' && *p != '-') return nmc::fail(std::string("unsupported layer type '") + *p + "' in the pattern");
    }
    if (c->vocab_size <= 0 || c->hidden_size <= 0) return nmc::fail("vocab_size and hidden_size must be positive");
    nmc::Dims d = nmc::derive_dims(c);
    if (d.n_mamba) {
        if (d.m_heads <= 0 || d.m_head_dim <= 0 || d.groups <= 0 || d.state <= 0 || d.conv_k <= 0 || d.m_heads % d.groups)
            return nmc::fail("Mamba layers need positive heads, head_dim, groups (dividing heads), state and conv kernel");
        if (d.state > 256) return nmc::fail("training supports ssm_state_size up to 256");
        if (d.conv_k > 8) return nmc::fail("training supports conv_kernel up to 8");
        if (d.inner % d.groups) return nmc::fail("mamba inner size not divisible by n_groups");
    }
    if (d.n_attn && (d.q_heads <= 0 || d.kv_heads <= 0 || d.head_dim <= 0 || d.q_heads % d.kv_heads))
        return nmc::fail("attention layers need positive heads with num_attention_heads divisible by num_key_value_heads");
    if (d.n_attn && d.head_dim > nmc::k::train::FLASH_MAX_HEAD_DIM)
        return nmc::fail("training supports attention head_dim up to " + std::to_string(nmc::k::train::FLASH_MAX_HEAD_DIM));
    if (strchr(c->pattern, '-') && c->intermediate_size <= 0) return nmc::fail("MLP layers need a positive intermediate_size");
    auto *t = new nmc_trainer();
    t->cfg = *c;
    t->pattern = c->pattern;
    t->cfg.pattern = t->pattern.c_str();
    t->dims = d;
    t->device = device;
    t->dtype = c->compute_dtype;
    int rc = NMC_OK;
    if (cudaSetDevice(device) != cudaSuccess || cudaStreamCreateWithFlags(&t->stream, cudaStreamNonBlocking) != cudaSuccess) {
        rc = nmc::fail("cannot use CUDA device " + std::to_string(device));
    }
    if (rc == NMC_OK) rc = nmc::gemm_create(t->gemm, t->stream);
    if (rc == NMC_OK) {
        declare(t);
        rc = allocate_flat(t);
    }
    if (rc == NMC_OK && cudaStreamSynchronize(t->stream) != cudaSuccess) rc = nmc::fail("trainer allocation failed");
    if (rc != NMC_OK) {
        free_all(t);
        delete t;
        return rc;
    }
    *out = t;
    return NMC_OK;
}

extern "C" void nmc_trainer_destroy(nmc_trainer *t) {
    if (t == nullptr) return;
    cudaSetDevice(t->device);
    cudaStreamSynchronize(t->stream);
    t->profile.print();
    free_all(t);
    delete t;
}

extern "C" int nmc_trainer_forward(nmc_trainer *t, const int32_t *ids, const int32_t *labels, int rows, int seq_len,
                                   double *loss, int64_t *tokens) {
    if (t == nullptr || ids == nullptr || labels == nullptr) return nmc::fail("nmc_trainer_forward: null argument");
    for (const TParam &p : t->params) {
        if (!p.set) return nmc::fail("the trainer's weight " + p.name + " was never set");
    }
    if (rows <= 0 || seq_len <= 0 || (int64_t)rows * seq_len > (1 << 30)) return nmc::fail("nmc_trainer_forward: bad batch shape");
    const nmc::Dims &d = t->dims;
    int64_t R = (int64_t)rows * seq_len, count = 0;
    for (int64_t r = 0; r < R; r++) {
        if (ids[r] < 0 || ids[r] >= d.vocab) return nmc::fail("token id " + std::to_string(ids[r]) + " outside the vocabulary of " + std::to_string(d.vocab));
        if (labels[r] != -100 && (labels[r] < 0 || labels[r] >= d.vocab)) return nmc::fail("label " + std::to_string(labels[r]) + " is neither -100 nor a token id below " + std::to_string(d.vocab));
        count += labels[r] != -100;
    }
    NMC_CUDA(cudaSetDevice(t->device));
    t->saved = false;
    t->weighted = false;
    t->batch = rows;
    t->seq_len = seq_len;
    t->tokens = count;
    NMC_TRY(nmc::train::soft_begin(t, R));
    NMC_TRY(size_buffers(t));
    cudaStream_t st = t->stream;
    NMC_CUDA(cudaMemcpyAsync(t->ids.p, ids, R * 4, cudaMemcpyHostToDevice, st));
    NMC_CUDA(cudaMemcpyAsync(t->labels.p, labels, R * 4, cudaMemcpyHostToDevice, st));
    t->profile.start(st);
    NMC_TRY(nmc::k::embed((const int32_t *)t->ids.p, (int)R, nmc::train::W(t, t->embed), NMC_F32, d.d, hs(t, 0), st));
    t->profile.mark(st, "embedding");
    NMC_TRY(nmc::train::acts_decide(t));
    for (int i = 0; i < d.layers; i++) {
        NMC_CUDA(cudaMemcpyAsync(hs(t, i + 1), hs(t, i), R * d.d * sizeof(float), cudaMemcpyDeviceToDevice, st));
        NMC_TRY(nmc::train::layer_forward(t, i, hs(t, i), hs(t, i + 1)));
    }
    nmc::train::acts_settle(t);
    NMC_TRY(head(t, false));
    t->profile.mark(st, "head.forward");
    std::vector<float> per_row(R);
    NMC_CUDA(cudaMemcpyAsync(per_row.data(), t->loss_rows.p, R * sizeof(float), cudaMemcpyDeviceToHost, st));
    NMC_CUDA(cudaStreamSynchronize(st));
    double sum = 0;
    for (float v : per_row) sum += v;
    *loss = count > 0 ? sum / (double)count : 0.0;
    *tokens = count;
    t->saved = true;
    return NMC_OK;
}

extern "C" int nmc_trainer_backward(nmc_trainer *t) {
    if (t == nullptr) return nmc::fail("nmc_trainer_backward: null trainer");
    if (!t->saved) return nmc::fail("backward needs the forward pass just before it (another forward or a backward came between)");
    const nmc::Dims &d = t->dims;
    int R = t->batch * t->seq_len;
    NMC_CUDA(cudaSetDevice(t->device));
    cudaStream_t st = t->stream;
    t->profile.start(st);
    // after nmc_trainer_dp_join each unit's gradients are all-reduced as soon as they are complete
    // (train_dp.cu; no-ops otherwise)
    NMC_TRY(nmc::train::dp_backward_begin(t));
    NMC_TRY(head(t, true));
    NMC_TRY(nmc::k::train::rms_backward(hs(t, d.layers), nmc::train::W(t, t->norm_f), t->rstd_f.f(), t->dxn.f(), R, d.d,
                                        1, t->dh.f(), false, nmc::train::G(t, t->norm_f), st));
    t->profile.mark(st, "head.backward");
    NMC_TRY(nmc::train::dp_unit_done(t, 0));
    for (int i = d.layers - 1; i >= 0; i--) {
        NMC_TRY(nmc::train::layer_backward(t, i, hs(t, i)));
        NMC_TRY(nmc::train::dp_unit_done(t, d.layers - i));
    }
    NMC_TRY(nmc::k::train::embed_backward((const int32_t *)t->ids.p, R, t->dh.f(), d.d, nmc::train::G(t, t->embed), st));
    t->profile.mark(st, "embedding.backward");
    NMC_TRY(nmc::train::dp_unit_done(t, d.layers + 1));
    NMC_CUDA(cudaStreamSynchronize(st));
    NMC_TRY(nmc::train::dp_backward_end(t));
    t->saved = false;
    t->weighted = false;
    t->micro_batches++;
    return NMC_OK;
}

extern "C" int nmc_trainer_token_logprobs(nmc_trainer *t, float *out) {
    if (t == nullptr || out == nullptr) return nmc::fail("nmc_trainer_token_logprobs: null argument");
    if (!t->saved) return nmc::fail("token log-probs need the forward pass just before (a backward or nothing came between)");
    int64_t R = (int64_t)t->batch * t->seq_len;
    NMC_CUDA(cudaSetDevice(t->device));
    NMC_CUDA(cudaMemcpyAsync(out, t->loss_rows.p, R * sizeof(float), cudaMemcpyDeviceToHost, t->stream));
    NMC_CUDA(cudaStreamSynchronize(t->stream));
    for (int64_t r = 0; r < R; r++) out[r] = out[r] == 0.0f ? 0.0f : -out[r];  // log p = -CE; no -0 where ignored
    return NMC_OK;
}

extern "C" int nmc_trainer_set_token_weights(nmc_trainer *t, const float *w) {
    if (t == nullptr || w == nullptr) return nmc::fail("nmc_trainer_set_token_weights: null argument");
    if (!t->saved) return nmc::fail("token weights need the forward pass just before (a backward or nothing came between)");
    int64_t R = (int64_t)t->batch * t->seq_len;
    for (int64_t r = 0; r < R; r++) {
        if (!std::isfinite(w[r])) return nmc::fail("token weight " + std::to_string(r) + " is not finite");
    }
    NMC_CUDA(cudaSetDevice(t->device));
    NMC_TRY(ensure(t->token_w, R * sizeof(float)));
    NMC_CUDA(cudaMemcpyAsync(t->token_w.p, w, R * sizeof(float), cudaMemcpyHostToDevice, t->stream));
    NMC_CUDA(cudaStreamSynchronize(t->stream));
    t->weighted = true;
    return NMC_OK;
}
