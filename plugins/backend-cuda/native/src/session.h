// A session: the caches of up to max_slots sequences and the work buffers of one forward pass.
#pragma once

#include <map>
#include <vector>

#include "model.h"
#include "kernels/kernels.h"
#include "profile.h"

struct nmc_session {
    nmc_model *m = nullptr;
    int max_slots = 0, max_seq = 0, max_prefill = 0;
    int rows_cap = 0;    // rows of the work buffers: max(max_prefill, max_slots)
    int logit_rows = 0;  // rows of the logits buffer
    // caches, per Mamba / attention layer (indexed by layer number; unused entries empty)
    std::vector<float *> conv_windows;  // [slots, conv_dim, K-1]
    std::vector<float *> ssm_states;    // [slots, H, P, N]
    std::vector<nmc::k::KvCache> kv;    // [slots, max_seq, kvH, hd]
    int32_t *d_len = nullptr;           // [slots] tokens seen
    std::vector<int> h_len;
    // work buffers
    float *h = nullptr;      // [rows_cap, d] residual stream
    void *xn = nullptr;      // [rows_cap, max GEMM input width] in the compute dtype
    float *proj = nullptr;   // [rows_cap, max GEMM output width]
    float *xbc = nullptr;    // [rows_cap, conv_dim]
    float *y = nullptr;      // [rows_cap, D]
    float *scan_ws = nullptr, *attn_ws = nullptr;
    float *logits = nullptr; // [logit_rows, vocab]
    int32_t *d_tokens = nullptr, *d_slots = nullptr, *d_out = nullptr;
    nmc_sampling *d_params = nullptr;
    std::vector<void *> allocations;
    int64_t bytes = 0;
    // decode graphs by (rows, sampled)
    bool use_graphs = true;
    std::map<std::pair<int, bool>, cudaGraphExec_t> graphs;
    nmc::Profile profile;
};

namespace nmc {
// forward.cu
int prefill(nmc_session *s, int slot, const int32_t *tokens, int n, int all_logits, float *logits_out);
int decode(nmc_session *s, int n, const int32_t *slots, const int32_t *tokens, const nmc_sampling *params,
           float *logits_out, int32_t *tokens_out);
}  // namespace nmc
