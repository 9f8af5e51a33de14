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
    std::vector<nmc::k::KvCache> kv;    // paged: [kv_blocks, KV_BLOCK, kvH, hd] per layer (kv_pages.cu)
    // the block table shared by every attention layer, and its host side (kv_pages.cu)
    int max_blocks = 0;                 // ceil(max_seq / KV_BLOCK): blocks one slot may hold
    int64_t kv_blocks = 0;              // blocks in each layer's pool (0 without attention)
    int32_t *d_table = nullptr;         // [slots, max_blocks] device
    std::vector<int32_t> h_table;       // its host copy
    std::vector<int> h_blocks;          // [slots] blocks each slot holds
    std::vector<int32_t> free_blocks;   // ids not held by any slot (a stack: freed blocks are reused first)
    int32_t *d_len = nullptr;           // [slots] tokens seen
    std::vector<int> h_len;
    // work buffers
    float *h = nullptr;      // [rows_cap, d] residual stream
    void *xn = nullptr;      // [rows_cap, max GEMM input width] in the compute dtype
    float *proj = nullptr;   // [rows_cap, max GEMM output width]
    float *xbc = nullptr;    // [rows_cap, conv_dim]
    float *y = nullptr;      // [rows_cap, D]
    float *scan_ws = nullptr, *attn_ws = nullptr;
    float *gemm_ws = nullptr;      // skinny decode GEMM split-K partials (BF16 models)
    int64_t gemm_ws_floats = 0;
    int prefill_scan = 0;  // prefill's scan (k::PrefillScan): chunked, ssd or ssd2 (NMC_PREFILL_SCAN at creation)
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
// kv_pages.cu: slots[i] (distinct) will hold new_len[i] tokens; takes the missing blocks from the
// free list and copies the changed table rows to the device (on the model's stream), or fails,
// changing nothing, when the pool has too few free blocks.
int kv_reserve(nmc_session *s, int n, const int32_t *slots, const int *new_len);
// Returns the blocks of `slot` to the free list.
void kv_release(nmc_session *s, int slot);
// forward.cu
int prefill(nmc_session *s, int slot, const int32_t *tokens, int n, int all_logits, float *logits_out);
int decode(nmc_session *s, int n, const int32_t *slots, const int32_t *tokens, const nmc_sampling *params,
           float *logits_out, int32_t *tokens_out);
}  // namespace nmc
