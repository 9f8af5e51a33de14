// The model's forward pass on the device: prefill of one slot, batched decode (CUDA graphs).
//
// rows R, residual h [R, d] (fp32):
// 1. h = embeddings[tokens]
// 2. per layer: xn = RMSNorm(h) * norm (compute dtype); h += mixer(xn)  (GEMM with beta = 1)
//    M: proj = xn in_proj^T          [R, D | conv_dim | H]   (z | xBC | dt)
//       xbc = silu(conv1d(xBC))      [R, conv_dim]           (window of the slot)
//       y = scan(x, dt, B, C)        [R, D]                  (state of the slot)
//       xn = gated_norm(y, z); h += xn out_proj^T
//    *: proj = xn qkv^T               [R, (qH + 2 kvH) hd]; K, V appended to the cache
//       xn = attention(q, cache); h += xn o_proj^T
//    -: proj = xn up^T; xn = relu(proj)^2; h += xn down^T
// 3. logits = RMSNorm(h) * norm_f . lm_head^T   (only the rows asked for)
// NMC_DECODE_FUSE=1 (decode): the RMSNorm of 2. inside the GEMV that follows (in_proj, qkv, up) where
// that is gemv_bf16 or gemv_fp8 of 1-2 rows (xn bit-equal, made in the kernel from h),
// mlp.up's bias and relu^2 in that GEMV's store (xn bit-equal, no relu2 kernel), and out_proj's x, the
// gated norm, made in that GEMV likewise (bit-equal to gated_norm_warp's), in_proj's conv1d step in
// that GEMV's store (bit-equal to conv_step, which then does not run); where out_proj's GEMV is
// another, the gated norm of 1-2 rows one block per (row, group).
// NMC_DECODE_PDL=1 (decode): the GEMVs, norms, conv and scan steps and relu^2 launch with programmatic
// dependent launch (kernels/pdl.cuh): each starts, and pulls its first weight rows into L2, while
// the kernel before it finishes.
#include "session.h"
#include "kernels/ssd2.h"
#include "kernels/pdl.cuh"
#include "env_switch.h"

#include <algorithm>
#include <cstdlib>

namespace nmc {
namespace {

// Which sequence the rows belong to: one slot (prefill) or one slot per row (decode).
struct Rows {
    int count;
    int slot;               // prefill
    const int32_t *slots;   // decode (device), null for prefill
};

// What a decode GEMV may do itself (NMC_DECODE_FUSE=1; each nullable): make its x by the RMSNorm (norm:
// in_proj, qkv, up) or the gated group norm (gated: out_proj), and with norm store relu(y + bias)^2
// instead of y (act: up; beta 0) or run the conv1d step of its conv channels in the store (conv:
// in_proj; beta 0, no bias).
struct Fused {
    const k::RowNorm *norm = nullptr;
    const k::GatedNorm *gated = nullptr;
    const k::Relu2Out *act = nullptr;
    const k::ConvStep *conv = nullptr;
    bool any() const { return norm != nullptr || gated != nullptr; }
};

// y[rows, out] = x . Q^T (+ beta y) for FP8 weights f by a kernel that reads them directly: the
// skinny GEMM (9-64 rows of per-channel weights, NMC_DECODE_GEMM unset or skinny), the tensor-core
// GEMV (3-64 rows; NMC_FP8_MMA=0 off), the CUDA-core GEMV (1-8 rows). *done false (nothing run) when
// none takes `rows` rows of f. fuse: what the CUDA-core GEMV does itself (NMC_DECODE_FUSE; *acted true
// where it ran fuse.act or fuse.conv); before any other kernel, and where fuse has no x to make,
// unfuse() makes x first (a no-op when x is made already).
template <class Unfuse>
int fp8_direct(nmc_session *s, const void *x, const k::Fp8Weight &f, float *y, int rows, float beta, const Fused &fuse,
               Unfuse unfuse, bool *done, bool *acted = nullptr) {
    nmc_model *m = s->m;
    int forced;  // NMC_DECODE_GEMM: -1 unset (skinny for FP8 weights), 1 skinny, 0 old
    NMC_TRY(k::decode_gemm_skinny(&forced));
    static const bool mma_off = !nmc::env_flag("NMC_FP8_MMA", true);
    *done = true;
    if (rows >= 9 && rows <= 64 && forced != 0 && k::skinny_gemm_fp8_supported(x, f, rows)) {
        NMC_TRY(unfuse());
        return k::skinny_gemm_fp8(x, f, y, rows, beta, s->gemm_ws, s->gemm_ws_floats, m->stream);
    }
    // 3+ rows on tensor cores (NMC_FP8_MMA=0: the CUDA-core GEMV up to 8 rows, for comparison)
    if (rows >= 3 && !mma_off && k::gemv_fp8_mma_supported(f, rows)) {
        NMC_TRY(unfuse());
        return k::gemv_fp8_mma(x, f, y, rows, beta, m->stream);
    }
    if (k::gemv_fp8_supported(f, rows)) {
        if (!fuse.any()) NMC_TRY(unfuse());
        if (acted != nullptr) *acted = fuse.act != nullptr || fuse.conv != nullptr;
        return k::gemv_fp8(x, f, y, rows, beta, m->stream, fuse.norm, fuse.act, fuse.gated, fuse.conv);
    }
    *done = false;
    return NMC_OK;
}

// y[rows, out] = xn . W^T (+ beta y): our GEMV for one BF16 row (NMC_GEMV=0 turns it off), the
// skinny tensor-core GEMM for 9-64 rows of FP8 per-channel weights (NMC_DECODE_GEMM=skinny: every
// weight type, =old: none; see kernels.h), the FP8 kernels of fp8_direct, else cuBLAS (FP8 weights
// dequantised to BF16 into the model's scratch first). want (NMC_DECODE_FUSE, decode): xn is still to
// be made from want.norm (RMSNorm) or want.gated (the gated norm): inside the GEMV where it takes it,
// else by rms_norm / gated_group_rms_norm first; want.act (with norm, beta 0): the relu2 epilogue, run
// by a GEMV that takes the norm (*acted true: act->out written, y not), else left to the caller; likewise
// want.conv (with norm, beta 0): the conv1d step in that GEMV's store (*acted true: y, cv.out and the
// windows written).
int matmul(nmc_session *s, const void *w, int in, int out, float *y, int rows, float beta, const Fused &want = Fused{},
           bool *acted = nullptr) {
    nmc_model *m = s->m;
    Fused pending = want, fuse;  // the GEMVs that take them get `fuse`; every other path makes xn first (unfuse)
    if (m->dtype == NMC_BF16 && want.norm != nullptr && want.norm->dim == in && k::row_norm_fusable(rows, in))
        fuse.norm = want.norm, fuse.act = beta == 0.0f ? want.act : nullptr,
        fuse.conv = beta == 0.0f && fuse.act == nullptr && want.conv != nullptr && k::conv_fusable(want.norm, nullptr, beta, *want.conv)
                        ? want.conv : nullptr;
    if (m->dtype == NMC_BF16 && want.gated != nullptr && want.gated->dim == in && k::gated_norm_fusable(rows, *want.gated))
        fuse.gated = want.gated;
    if (acted != nullptr) *acted = false;
    auto unfuse = [&]() -> int {
        if (const k::RowNorm *n = pending.norm) NMC_TRY(k::rms_norm(n->h, rows, n->dim, n->w, n->eps, s->xn, m->dtype, m->stream));
        if (const k::GatedNorm *g = pending.gated)  // session 11's decode-rows kernel (fused true)
            NMC_TRY(k::gated_group_rms_norm(g->y, g->y_stride, g->z, g->z_stride, rows, g->dim, g->groups, g->w, g->eps, s->xn, m->dtype,
                                            m->stream, true));
        pending = fuse = Fused{};
        return NMC_OK;
    };
    if (!m->fp8.empty()) {  // FP8 weights: our GEMVs for 1-64 rows, else BF16 copy + cuBLAS
        auto it = m->fp8.find(w);
        if (it != m->fp8.end()) {
            bool done;
            NMC_TRY(fp8_direct(s, s->xn, it->second, y, rows, beta, fuse, unfuse, &done, acted));
            if (done) return NMC_OK;
            NMC_TRY(unfuse());
            NMC_TRY(k::dequantize_fp8(it->second, m->fp8_scratch, m->stream));
            return gemm_xwt(m->gemm, NMC_BF16, s->xn, m->fp8_scratch, y, rows, in, out, beta);
        }
    }
    int forced;  // NMC_DECODE_GEMM: -1 unset (cuBLAS for BF16), 1 skinny, 0 old
    NMC_TRY(k::decode_gemm_skinny(&forced));
    const bool skinny = rows >= 9 && rows <= 64 && forced == 1;
    static const bool gemv_off = !nmc::env_flag("NMC_GEMV", true);
    if (m->dtype == NMC_BF16 && !gemv_off && k::gemv_supported(rows, in)) {
        if (!fuse.any()) NMC_TRY(unfuse());
        if (acted != nullptr) *acted = fuse.act != nullptr || fuse.conv != nullptr;
        return k::gemv_bf16(s->xn, w, y, rows, in, out, beta, m->stream, fuse.norm, fuse.act, fuse.gated, fuse.conv);
    }
    NMC_TRY(unfuse());
    if (m->dtype == NMC_BF16 && skinny && k::skinny_gemm_bf16_supported(s->xn, w, rows, in, out)) {
        return k::skinny_gemm_bf16(s->xn, w, y, rows, in, out, beta, s->gemm_ws, s->gemm_ws_floats, m->stream);
    }
    return gemm_xwt(m->gemm, m->dtype, s->xn, w, y, rows, in, out, beta);
}

// want, acted: matmul's (want.act->bias = bias, added there where the epilogue ran; want.conv only
// without a bias)
int linear(nmc_session *s, const void *w, const float *bias, int in, int out, float *y, int rows, float beta,
           const Fused &want = Fused{}, bool *acted = nullptr) {
    bool done = false;
    NMC_TRY(matmul(s, w, in, out, y, rows, beta, want, &done));
    if (acted != nullptr) *acted = done;
    if (bias != nullptr && !done) NMC_TRY(k::add_bias(y, out, bias, rows, out, s->m->stream));
    return NMC_OK;
}

// Prefill's scan of one sequence from and into `state` [H, P, N]: a tensor-core SSD
// (kernels/ssd2.cu or kernels/ssd_fused.cu, the same workspace) or the chunked fp32 scan
// (ssm_scan.cu), as the session chose at creation (NMC_PREFILL_SCAN, prefill_scan_mode). The
// tensor-core scans run in segments of as many 64-token chunks as the workspace session.cu sized
// holds (the chunked scan's), each continuing from the state.
int prefill_scan(nmc_session *s, const k::Scan &sc, int count, float *state, cudaStream_t st) {
    const Dims &d = s->m->dims;
    if (s->prefill_scan == k::PREFILL_CHUNKED) return k::scan_chunked(sc, count, d.chunk, state, s->scan_ws, st);
    const int64_t per = k::ssd_fused_workspace_floats(1, 64, sc.heads, sc.head_dim, sc.state_size);
    const int64_t cap = std::max(k::scan_workspace_floats(sc, s->max_prefill, d.chunk), per);
    const int seg = (int)std::min<int64_t>(cap / per * 64, count);
    for (int t0 = 0; t0 < count; t0 += seg) {
        k::SsdArgs a{1, std::min(seg, count - t0), sc.heads, sc.head_dim, sc.groups, sc.state_size,
                     sc.x + (int64_t)t0 * sc.x_stride, sc.x_stride, sc.b + (int64_t)t0 * sc.bc_stride,
                     sc.c + (int64_t)t0 * sc.bc_stride, sc.bc_stride, sc.dt + (int64_t)t0 * sc.dt_stride, sc.dt_stride,
                     sc.dt_bias, sc.dt_min, sc.dt_max, sc.a, nullptr, sc.d, sc.y + (int64_t)t0 * sc.y_stride,
                     sc.y_stride, state, state};
        NMC_TRY(s->prefill_scan == k::PREFILL_SSD2 ? k::ssd2(a, s->scan_ws, st) : k::ssd_fused(a, s->scan_ws, st));
    }
    return NMC_OK;
}

// norm (nullable): the layer's RMSNorm still to be made (NMC_DECODE_FUSE=1, decode), as matmul's
int mamba(nmc_session *s, int i, const Rows &r, const k::RowNorm *norm) {
    nmc_model *m = s->m;
    const Dims &d = m->dims;
    const LayerWeights &L = m->layers[i];
    cudaStream_t st = m->stream;
    k::Conv cv{};
    cv.in = s->proj + d.inner;
    cv.in_stride = d.proj_dim;
    cv.out = s->xbc;
    cv.out_stride = d.conv_dim;
    cv.channels = d.conv_dim;
    cv.kernel = d.conv_k;
    cv.w = L.conv_w;
    cv.bias = L.conv_b;
    cv.silu = true;
    // NMC_DECODE_FUSE=1 (norm set, decode, no in_proj bias): the conv step inside in_proj's GEMV where that
    // takes the norm (matmul)
    const k::ConvStep cs{cv, s->conv_windows[i], r.slots, d.inner};
    const bool conv_in = norm != nullptr && r.slots != nullptr && L.in_proj_b == nullptr;
    bool conv_done = false;
    NMC_TRY(linear(s, L.in_proj, L.in_proj_b, d.d, d.proj_dim, s->proj, r.count, 0.0f, Fused{norm, nullptr, nullptr, conv_in ? &cs : nullptr},
                   &conv_done));
    s->profile.mark(st, "mamba.in_proj");
    int64_t window = (int64_t)d.conv_dim * std::max(d.conv_k - 1, 1);
    int64_t hpn = (int64_t)d.m_heads * d.m_head_dim * d.state;
    k::Scan sc{};
    sc.heads = d.m_heads;
    sc.head_dim = d.m_head_dim;
    sc.groups = d.groups;
    sc.state_size = d.state;
    sc.x = s->xbc;
    sc.x_stride = d.conv_dim;
    sc.b = s->xbc + d.inner;
    sc.c = s->xbc + d.inner + d.groups * d.state;
    sc.bc_stride = d.conv_dim;
    sc.dt = s->proj + d.inner + d.conv_dim;
    sc.dt_stride = d.proj_dim;
    sc.dt_bias = L.dt_bias;
    sc.dt_min = m->cfg.dt_min;
    sc.dt_max = m->cfg.dt_max;
    sc.a = L.a;
    sc.d = L.d;
    sc.y = s->y;
    sc.y_stride = d.inner;
    if (r.slots == nullptr) {
        NMC_TRY(k::conv_prefill(cv, r.count, s->conv_windows[i] + r.slot * window, st));
        s->profile.mark(st, "mamba.conv");
        NMC_TRY(prefill_scan(s, sc, r.count, s->ssm_states[i] + r.slot * hpn, st));
    } else {
        if (!conv_done) NMC_TRY(k::conv_step(cv, r.count, s->conv_windows[i], r.slots, st));
        s->profile.mark(st, "mamba.conv");
        NMC_TRY(k::scan_step(sc, r.count, s->ssm_states[i], r.slots, st));
    }
    s->profile.mark(st, "mamba.scan");
    // NMC_DECODE_FUSE=1 (norm set): the gated norm inside out_proj's GEMV where that takes it (matmul)
    const k::GatedNorm gn{s->y, s->proj, L.gnorm, d.inner, d.proj_dim, m->cfg.norm_eps, d.inner, d.groups};
    if (norm == nullptr)
        NMC_TRY(k::gated_group_rms_norm(s->y, d.inner, s->proj, d.proj_dim, r.count, d.inner, d.groups, L.gnorm, m->cfg.norm_eps, s->xn,
                                        m->dtype, st, false));
    s->profile.mark(st, "mamba.gated_norm");
    NMC_TRY(linear(s, L.out_proj, L.out_proj_b, d.inner, d.d, s->h, r.count, 1.0f, Fused{nullptr, norm != nullptr ? &gn : nullptr}));
    s->profile.mark(st, "mamba.out_proj");
    return NMC_OK;
}

int attention(nmc_session *s, int i, const Rows &r, const k::RowNorm *norm) {
    nmc_model *m = s->m;
    const Dims &d = m->dims;
    const LayerWeights &L = m->layers[i];
    cudaStream_t st = m->stream;
    NMC_TRY(linear(s, L.qkv, L.qkv_b, d.d, d.qkv_dim, s->proj, r.count, 0.0f, Fused{norm}));
    s->profile.mark(st, "attn.qkv_proj");
    k::Attn a{};
    a.q_heads = d.q_heads;
    a.kv_heads = d.kv_heads;
    a.head_dim = d.head_dim;
    a.scale = 1.0f / sqrtf((float)d.head_dim);
    a.qkv = s->proj;
    a.qkv_stride = d.qkv_dim;
    a.out = s->xn;
    a.out_dtype = m->dtype;
    NMC_TRY(k::kv_append(a, s->kv[i], r.count, s->d_len, r.slots, r.slot, st));
    if (r.slots == nullptr) {
        NMC_TRY(k::attention_prefill_select(a, s->kv[i], r.count, s->d_len, r.slot, st));  // NMC_PREFILL_ATTENTION
    } else {
        NMC_TRY(k::attention_decode(a, s->kv[i], r.count, s->d_len, r.slots, s->attn_ws, st));
    }
    s->profile.mark(st, "attn.attention");
    NMC_TRY(linear(s, L.o_proj, L.o_b, d.q_heads * d.head_dim, d.d, s->h, r.count, 1.0f));
    s->profile.mark(st, "attn.o_proj");
    return NMC_OK;
}

int mlp(nmc_session *s, int i, const Rows &r, const k::RowNorm *norm) {
    nmc_model *m = s->m;
    const Dims &d = m->dims;
    const LayerWeights &L = m->layers[i];
    // NMC_DECODE_FUSE=1 (norm set): relu2 in the up GEMV's store where that GEMV takes the norm
    const k::Relu2Out act{s->xn, m->dtype, L.up_b};
    bool acted = false;
    NMC_TRY(linear(s, L.up, L.up_b, d.d, d.mlp, s->proj, r.count, 0.0f, Fused{norm, nullptr, norm != nullptr ? &act : nullptr}, &acted));
    s->profile.mark(m->stream, "mlp.up");
    if (!acted) NMC_TRY(k::relu2(s->proj, d.mlp, r.count, d.mlp, s->xn, m->dtype, m->stream));
    s->profile.mark(m->stream, "mlp.relu2");
    NMC_TRY(linear(s, L.down, L.down_b, d.mlp, d.d, s->h, r.count, 1.0f));
    s->profile.mark(m->stream, "mlp.down");
    return NMC_OK;
}

// Steps 1 and 2 for the rows' tokens (already in d_tokens).
int layers(nmc_session *s, const Rows &r) {
    nmc_model *m = s->m;
    const Dims &d = m->dims;
    s->profile.set_decode(r.slots != nullptr);
    s->profile.start(m->stream);
    NMC_TRY(k::embed(s->d_tokens, r.count, m->embed, m->dtype, d.d, s->h, m->stream));
    s->profile.mark(m->stream, "embed");
    bool fuse = false;  // NMC_DECODE_FUSE=1: decode's norms inside the next kernel
    if (r.slots != nullptr) NMC_TRY(k::decode_fuse_switch(&fuse));
    for (int i = 0; i < d.layers; i++) {
        const k::RowNorm rn = k::row_norm(s->h, m->layers[i].norm, m->cfg.norm_eps, d.d);
        if (!fuse) NMC_TRY(k::rms_norm(s->h, r.count, d.d, m->layers[i].norm, m->cfg.norm_eps, s->xn, m->dtype, m->stream));
        s->profile.mark(m->stream, "norm");
        const k::RowNorm *norm = fuse ? &rn : nullptr;
        char kind = m->pattern[i];
        NMC_TRY(kind == 'M' ? mamba(s, i, r, norm) : kind == '*' ? attention(s, i, r, norm) : mlp(s, i, r, norm));
    }
    return NMC_OK;
}

// Step 3 for rows [first, first + count) of h, into s->logits. An FP8 head (m->head_fp8, opt-in)
// runs in pieces of at most 64 rows through fp8_direct, a piece no kernel there takes (NMC_FP8_MMA=0,
// NMC_DECODE_GEMM=old past 8 rows) in pieces of 8 through the CUDA-core GEMV (hidden % 16 == 0 was
// checked at quantisation): never the dequantise + cuBLAS path, whose scratch is sized for the layers.
int lm_head(nmc_session *s, int first, int count) {
    nmc_model *m = s->m;
    const Dims &d = m->dims;
    s->profile.start(m->stream);
    const k::Fp8Weight &f = m->head_fp8;
    const int piece = f.q == nullptr ? count : 64;
    for (int r0 = 0; r0 < count; r0 += piece) {
        const int rows = std::min(piece, count - r0);
        float *y = s->logits + (int64_t)r0 * d.vocab;
        NMC_TRY(k::rms_norm(s->h + (int64_t)(first + r0) * d.d, rows, d.d, m->norm_f, m->cfg.norm_eps, s->xn, m->dtype, m->stream));
        if (f.q == nullptr) {
            NMC_TRY(matmul(s, m->lm_head, d.d, d.vocab, y, rows, 0.0f));
            continue;
        }
        bool done;
        NMC_TRY(fp8_direct(s, s->xn, f, y, rows, 0.0f, Fused{}, [] { return NMC_OK; }, &done));
        for (int g = 0; !done && g < rows; g += 8) {
            NMC_TRY(k::gemv_fp8(static_cast<const char *>(s->xn) + (int64_t)g * d.d * 2, f, y + (int64_t)g * d.vocab,
                                std::min(8, rows - g), 0.0f, m->stream));
        }
    }
    s->profile.mark(m->stream, "lm_head");
    return NMC_OK;
}

// The decode step for n rows whose tokens/slots/params are on the device.
int decode_body(nmc_session *s, int n, bool sampled) {
    nmc_model *m = s->m;
    bool pdl = false;  // NMC_DECODE_PDL=1: the step's chain of small kernels with PDL (kernels/pdl.cuh)
    NMC_TRY(k::decode_pdl_switch(&pdl));
    const k::PdlScope scope(pdl);
    Rows r{n, 0, s->d_slots};
    NMC_TRY(layers(s, r));
    NMC_TRY(lm_head(s, 0, n));
    if (sampled) NMC_TRY(k::sample(s->logits, n, m->dims.vocab, s->d_params, s->d_len, s->d_slots, s->d_out, m->stream));
    NMC_TRY(k::advance_lengths(s->d_len, s->d_slots, 0, n, 1, m->stream));
    s->profile.mark(m->stream, "sample");
    return NMC_OK;
}

int run_decode(nmc_session *s, int n, bool sampled) {
    cudaStream_t st = s->m->stream;
    if (!s->use_graphs) return decode_body(s, n, sampled);
    auto key = std::make_pair(n, sampled);
    auto it = s->graphs.find(key);
    if (it == s->graphs.end()) {
        NMC_CUDA(cudaStreamBeginCapture(st, cudaStreamCaptureModeThreadLocal));
        int rc = decode_body(s, n, sampled);
        cudaGraph_t graph = nullptr;
        cudaError_t end = cudaStreamEndCapture(st, &graph);
        if (rc != NMC_OK) {
            if (graph) cudaGraphDestroy(graph);
            return rc;
        }
        if (end != cudaSuccess) return cuda_fail(end, "decode graph capture");
        cudaGraphExec_t exec = nullptr;
        cudaError_t inst = cudaGraphInstantiate(&exec, graph, 0);
        cudaGraphDestroy(graph);
        if (inst != cudaSuccess) return cuda_fail(inst, "decode graph instantiate");
        it = s->graphs.emplace(key, exec).first;
    }
    NMC_CUDA(cudaGraphLaunch(it->second, st));
    return NMC_OK;
}

}  // namespace

int prefill(nmc_session *s, int slot, const int32_t *tokens, int n, int all_logits, float *logits_out) {
    if (s == nullptr || tokens == nullptr) return fail("nmc_prefill: null argument");
    if (slot < 0 || slot >= s->max_slots) return fail("nmc_prefill: no slot " + std::to_string(slot));
    if (n <= 0) return fail("nmc_prefill: no tokens");
    nmc_model *m = s->m;
    const Dims &d = m->dims;
    for (int i = 0; i < n; i++) {
        if (tokens[i] < 0 || tokens[i] >= d.vocab) return fail("token id " + std::to_string(tokens[i]) + " outside the vocabulary of " + std::to_string(d.vocab));
    }
    if (d.n_attn > 0 && s->h_len[slot] + n > s->max_seq) {
        return fail("slot " + std::to_string(slot) + " would hold " + std::to_string(s->h_len[slot] + n) + " tokens; the session allows " + std::to_string(s->max_seq));
    }
    NMC_CUDA(cudaSetDevice(m->device));
    cudaStream_t st = m->stream;
    int32_t slot32 = slot;
    int new_len = s->h_len[slot] + n;
    NMC_TRY(kv_reserve(s, 1, &slot32, &new_len));  // the whole prompt's blocks, before any piece runs
    for (int done = 0; done < n;) {
        int piece = std::min(n - done, s->max_prefill);
        NMC_CUDA(cudaMemcpyAsync(s->d_tokens, tokens + done, piece * sizeof(int32_t), cudaMemcpyHostToDevice, st));
        NMC_TRY(layers(s, Rows{piece, slot, nullptr}));
        if (logits_out != nullptr && all_logits) {
            for (int r0 = 0; r0 < piece; r0 += s->logit_rows) {
                int rows = std::min(s->logit_rows, piece - r0);
                NMC_TRY(lm_head(s, r0, rows));
                NMC_CUDA(cudaMemcpyAsync(logits_out + (int64_t)(done + r0) * d.vocab, s->logits,
                                         (size_t)rows * d.vocab * sizeof(float), cudaMemcpyDeviceToHost, st));
            }
        } else if (logits_out != nullptr && done + piece == n) {
            NMC_TRY(lm_head(s, piece - 1, 1));
            NMC_CUDA(cudaMemcpyAsync(logits_out, s->logits, (size_t)d.vocab * sizeof(float), cudaMemcpyDeviceToHost, st));
        }
        NMC_TRY(k::advance_lengths(s->d_len, nullptr, slot, 1, piece, st));
        NMC_CUDA(cudaStreamSynchronize(st));
        s->h_len[slot] += piece;
        done += piece;
    }
    return NMC_OK;
}

int decode(nmc_session *s, int n, const int32_t *slots, const int32_t *tokens, const nmc_sampling *params,
           float *logits_out, int32_t *tokens_out) {
    if (s == nullptr || slots == nullptr || tokens == nullptr) return fail("nmc_decode: null argument");
    if (n <= 0 || n > s->max_slots) return fail("nmc_decode: " + std::to_string(n) + " rows; the session has " + std::to_string(s->max_slots) + " slots");
    nmc_model *m = s->m;
    const Dims &d = m->dims;
    std::vector<bool> seen(s->max_slots, false);
    for (int i = 0; i < n; i++) {
        if (slots[i] < 0 || slots[i] >= s->max_slots || seen[slots[i]]) return fail("nmc_decode: slot " + std::to_string(slots[i]) + " is out of range or listed twice");
        seen[slots[i]] = true;
        if (tokens[i] < 0 || tokens[i] >= d.vocab) return fail("token id " + std::to_string(tokens[i]) + " outside the vocabulary of " + std::to_string(d.vocab));
        if (d.n_attn > 0 && s->h_len[slots[i]] + 1 > s->max_seq) return fail("slot " + std::to_string(slots[i]) + " is full (" + std::to_string(s->max_seq) + " tokens)");
    }
    NMC_CUDA(cudaSetDevice(m->device));
    cudaStream_t st = m->stream;
    std::vector<int> new_len(n);
    for (int i = 0; i < n; i++) new_len[i] = s->h_len[slots[i]] + 1;
    NMC_TRY(kv_reserve(s, n, slots, new_len.data()));  // table rows copied before the (graph) launch
    NMC_CUDA(cudaMemcpyAsync(s->d_tokens, tokens, n * sizeof(int32_t), cudaMemcpyHostToDevice, st));
    NMC_CUDA(cudaMemcpyAsync(s->d_slots, slots, n * sizeof(int32_t), cudaMemcpyHostToDevice, st));
    bool sampled = params != nullptr;
    if (sampled) NMC_CUDA(cudaMemcpyAsync(s->d_params, params, n * sizeof(nmc_sampling), cudaMemcpyHostToDevice, st));
    NMC_TRY(run_decode(s, n, sampled));
    if (logits_out != nullptr) {
        NMC_CUDA(cudaMemcpyAsync(logits_out, s->logits, (size_t)n * d.vocab * sizeof(float), cudaMemcpyDeviceToHost, st));
    }
    if (tokens_out != nullptr) NMC_CUDA(cudaMemcpyAsync(tokens_out, s->d_out, n * sizeof(int32_t), cudaMemcpyDeviceToHost, st));
    NMC_CUDA(cudaStreamSynchronize(st));
    for (int i = 0; i < n; i++) s->h_len[slots[i]] += 1;
    return NMC_OK;
}

}  // namespace nmc
