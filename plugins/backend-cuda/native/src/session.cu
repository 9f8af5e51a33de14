// nmc_session_*: allocating caches and work buffers, slots.
#include "session.h"
#include "kernels/ssd2.h"

#include <algorithm>

namespace {

int alloc(nmc_session *s, void **out, int64_t bytes) {
    cudaError_t err = cudaMalloc(out, (size_t)std::max<int64_t>(bytes, 16));
    if (err != cudaSuccess) {
        return nmc::fail("cannot allocate " + std::to_string(bytes) + " bytes for the session: " + cudaGetErrorString(err));
    }
    s->allocations.push_back(*out);
    s->bytes += bytes;
    return NMC_OK;
}

template <typename T>
int alloc_t(nmc_session *s, T **out, int64_t count) {
    void *p = nullptr;
    NMC_TRY(alloc(s, &p, count * (int64_t)sizeof(T)));
    *out = static_cast<T *>(p);
    return NMC_OK;
}

int allocate(nmc_session *s) {
    const nmc::Dims &d = s->m->dims;
    int64_t slots = s->max_slots, rows = s->rows_cap;
    size_t wt = s->m->dtype == NMC_F32 ? 4 : 2;
    s->conv_windows.assign(d.layers, nullptr);
    s->ssm_states.assign(d.layers, nullptr);
    s->kv.assign(d.layers, nmc::k::KvCache{});
    for (int i = 0; i < d.layers; i++) {
        char kind = s->m->pattern[i];
        if (kind == 'M') {
            NMC_TRY(alloc_t(s, &s->conv_windows[i], slots * d.conv_dim * std::max(d.conv_k - 1, 1)));
            NMC_TRY(alloc_t(s, &s->ssm_states[i], slots * d.m_heads * d.m_head_dim * d.state));
        } else if (kind == '*') {
            if (s->d_table == nullptr) NMC_TRY(alloc_t(s, &s->d_table, slots * s->max_blocks));
            nmc::k::KvCache &c = s->kv[i];
            c.dtype = s->m->dtype;
            c.max_seq = s->max_seq;
            c.table = s->d_table;
            c.max_blocks = s->max_blocks;
            int64_t bytes = s->kv_blocks * nmc::k::KV_BLOCK * d.kv_heads * d.head_dim * (int64_t)wt;
            NMC_TRY(alloc(s, &c.k, bytes));
            NMC_TRY(alloc(s, &c.v, bytes));
        }
    }
    // the block table's host side: every block free (block 0 handed out first), no slot holding any
    s->h_table.assign(slots * s->max_blocks, 0);
    s->h_blocks.assign(slots, 0);
    s->free_blocks.resize(s->kv_blocks);
    for (int64_t b = 0; b < s->kv_blocks; b++) s->free_blocks[b] = (int32_t)(s->kv_blocks - 1 - b);
    NMC_TRY(alloc_t(s, &s->d_len, slots));
    s->h_len.assign(slots, 0);
    int64_t in_w = std::max<int64_t>({d.d, d.inner, d.mlp, (int64_t)d.q_heads * d.head_dim});
    int64_t out_w = std::max<int64_t>({d.proj_dim, d.mlp, d.qkv_dim, d.d});
    NMC_TRY(alloc_t(s, &s->h, rows * d.d));
    NMC_TRY(alloc(s, &s->xn, rows * in_w * (int64_t)wt));
    NMC_TRY(alloc_t(s, &s->proj, rows * out_w));
    if (d.n_mamba > 0) {
        NMC_TRY(alloc_t(s, &s->xbc, rows * d.conv_dim));
        NMC_TRY(alloc_t(s, &s->y, rows * d.inner));
        nmc::k::Scan shape{};
        shape.heads = d.m_heads;
        shape.head_dim = d.m_head_dim;
        shape.state_size = d.state;
        NMC_TRY(nmc::k::prefill_scan_mode(s->m->dtype, d.m_head_dim, d.state, &s->prefill_scan));  // read once here
        const bool ssd = s->prefill_scan != nmc::k::PREFILL_CHUNKED;
        // the chunked scan's workspace, and at least one 64-token chunk of the fused one: the fused
        // scan runs in segments that fit (forward.cu prefill_scan), so it takes no more memory
        NMC_TRY(alloc_t(s, &s->scan_ws, std::max(nmc::k::scan_workspace_floats(shape, s->max_prefill, d.chunk),
                                                 ssd ? nmc::k::ssd_fused_workspace_floats(1, 64, d.m_heads,
                                                                                           d.m_head_dim, d.state)
                                                     : 0)));
    }
    if (d.n_attn > 0) {
        nmc::k::Attn a{};
        a.q_heads = d.q_heads;
        a.head_dim = d.head_dim;
        nmc::k::KvCache c{};
        c.max_seq = s->max_seq;
        NMC_TRY(alloc_t(s, &s->attn_ws, nmc::k::attention_decode_workspace_floats(a, c, s->max_slots)));
    }
    if (s->m->dtype == NMC_BF16) {
        NMC_TRY(nmc::k::skinny_gemm_init());
        s->gemm_ws_floats = nmc::k::skinny_workspace_floats((int)std::min<int64_t>(rows, 64));
        NMC_TRY(alloc_t(s, &s->gemm_ws, s->gemm_ws_floats));
    }
    NMC_TRY(alloc_t(s, &s->logits, (int64_t)s->logit_rows * d.vocab));
    NMC_TRY(alloc_t(s, &s->d_tokens, rows));
    NMC_TRY(alloc_t(s, &s->d_slots, slots));
    NMC_TRY(alloc_t(s, &s->d_out, slots));
    NMC_TRY(alloc_t(s, &s->d_params, slots));
    return NMC_OK;
}

}  // namespace

extern "C" int nmc_session_create(nmc_model *m, int max_slots, int max_seq_len, int max_prefill_tokens, nmc_session **out) {
    return nmc_session_create_paged(m, max_slots, max_seq_len, max_prefill_tokens, 0, out);
}

extern "C" int nmc_session_create_paged(nmc_model *m, int max_slots, int max_seq_len, int max_prefill_tokens,
                                        int64_t kv_blocks, nmc_session **out) {
    if (out == nullptr) return nmc::fail("nmc_session_create: out is null");
    *out = nullptr;
    if (m == nullptr || !m->finalized) return nmc::fail("nmc_session_create: the model is not finalized (call nmc_model_finalize)");
    if (max_slots <= 0 || max_seq_len <= 0 || max_prefill_tokens <= 0) {
        return nmc::fail("nmc_session_create: max_slots, max_seq_len and max_prefill_tokens must be positive");
    }
    if (kv_blocks < 0) return nmc::fail("nmc_session_create_paged: kv_blocks must be >= 0 (0: max_slots x max_seq tokens), got " + std::to_string(kv_blocks));
    int max_blocks = (int)(((int64_t)max_seq_len + nmc::k::KV_BLOCK - 1) / nmc::k::KV_BLOCK);
    int64_t worst = (int64_t)max_slots * max_blocks;  // every slot at max_seq: more is never used
    if (kv_blocks == 0 || kv_blocks > worst) kv_blocks = worst;
    if (m->dims.n_attn == 0) kv_blocks = 0;
    if (kv_blocks > INT32_MAX) return nmc::fail("nmc_session_create_paged: " + std::to_string(kv_blocks) + " KV blocks exceed the int32 block ids; lower max_slots or max_seq_len");
    NMC_CUDA(cudaSetDevice(m->device));
    nmc_session *s = new nmc_session();
    s->m = m;
    s->max_slots = max_slots;
    s->max_seq = max_seq_len;
    s->max_prefill = max_prefill_tokens;
    s->max_blocks = max_blocks;
    s->kv_blocks = kv_blocks;
    s->rows_cap = std::max(max_prefill_tokens, max_slots);
    s->logit_rows = std::max(max_slots, std::min(max_prefill_tokens, 64));
    int rc = allocate(s);
    for (int slot = 0; rc == NMC_OK && slot < max_slots; slot++) rc = nmc_slot_reset(s, slot);
    if (rc != NMC_OK) {
        std::string why = nmc_last_error();
        nmc_session_destroy(s);
        return nmc::fail(why);
    }
    *out = s;
    return NMC_OK;
}

extern "C" void nmc_session_destroy(nmc_session *s) {
    if (s == nullptr) return;
    cudaSetDevice(s->m->device);
    cudaStreamSynchronize(s->m->stream);
    s->profile.print();
    for (auto &g : s->graphs) cudaGraphExecDestroy(g.second);
    for (void *p : s->allocations) cudaFree(p);
    delete s;
}

extern "C" int nmc_slot_reset(nmc_session *s, int slot) {
    if (s == nullptr || slot < 0 || slot >= s->max_slots) return nmc::fail("nmc_slot_reset: no slot " + std::to_string(slot));
    const nmc::Dims &d = s->m->dims;
    cudaStream_t st = s->m->stream;
    for (int i = 0; i < d.layers; i++) {
        if (s->conv_windows[i]) {
            int64_t n = (int64_t)d.conv_dim * std::max(d.conv_k - 1, 1);
            NMC_CUDA(cudaMemsetAsync(s->conv_windows[i] + slot * n, 0, n * sizeof(float), st));
        }
        if (s->ssm_states[i]) {
            int64_t n = (int64_t)d.m_heads * d.m_head_dim * d.state;
            NMC_CUDA(cudaMemsetAsync(s->ssm_states[i] + slot * n, 0, n * sizeof(float), st));
        }
    }
    NMC_CUDA(cudaMemsetAsync(s->d_len + slot, 0, sizeof(int32_t), st));
    NMC_CUDA(cudaStreamSynchronize(st));
    s->h_len[slot] = 0;
    nmc::kv_release(s, slot);
    return NMC_OK;
}

extern "C" int nmc_slot_length(nmc_session *s, int slot) {
    if (s == nullptr || slot < 0 || slot >= s->max_slots) return nmc::fail("nmc_slot_length: no slot " + std::to_string(slot));
    return s->h_len[slot];
}

extern "C" int64_t nmc_session_bytes(const nmc_session *s) { return s ? s->bytes : 0; }

extern "C" int nmc_session_use_graphs(nmc_session *s, int enable) {
    if (s == nullptr) return nmc::fail("nmc_session_use_graphs: null session");
    s->use_graphs = enable != 0;
    return NMC_OK;
}

extern "C" int nmc_prefill(nmc_session *s, int slot, const int32_t *tokens, int n, int all_logits, float *logits_out) {
    return nmc::prefill(s, slot, tokens, n, all_logits, logits_out);
}

extern "C" int nmc_decode(nmc_session *s, int n, const int32_t *slots, const int32_t *tokens, float *logits_out) {
    return nmc::decode(s, n, slots, tokens, nullptr, logits_out, nullptr);
}

extern "C" int nmc_decode_sample(nmc_session *s, int n, const int32_t *slots, const int32_t *tokens,
                                 const nmc_sampling *params, int32_t *tokens_out) {
    if (params == nullptr || tokens_out == nullptr) return nmc::fail("nmc_decode_sample: params and tokens_out are required");
    return nmc::decode(s, n, slots, tokens, params, nullptr, tokens_out);
}
