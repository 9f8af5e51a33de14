// The paged KV cache's bookkeeping (host side): a free list of block ids and the block table.
//
// Every attention layer has a pool of kv_blocks blocks of KV_BLOCK tokens (kernels.h); one table
// [slots, max_blocks] maps a slot's i-th block to a pool block, the same id in every layer. Blocks
// are taken when a prefill or decode makes a slot longer (kv_reserve, before the forward pass) and
// given back when the slot is reset (kv_release). The kernels read the table from device memory at
// run time, so captured decode graphs stay valid when the table changes.
//
// Fragmentation: every block has the same size, so any free block serves any slot (no external
// fragmentation); a slot of L tokens holds ceil(L / KV_BLOCK) blocks, wasting at most
// KV_BLOCK - 1 tokens per layer (internal fragmentation).
#include "session.h"

#include <algorithm>

namespace nmc {

int kv_reserve(nmc_session *s, int n, const int32_t *slots, const int *new_len) {
    if (s->kv_blocks == 0) return NMC_OK;  // no attention layer
    int64_t need = 0;
    for (int i = 0; i < n; i++) {
        int want = (new_len[i] + k::KV_BLOCK - 1) / k::KV_BLOCK;
        need += std::max(0, want - s->h_blocks[slots[i]]);
    }
    if (need == 0) return NMC_OK;
    if (need > (int64_t)s->free_blocks.size()) {
        return fail("the KV cache is full: this call needs " + std::to_string(need) + " more blocks of " +
                    std::to_string(k::KV_BLOCK) + " tokens but " + std::to_string(s->free_blocks.size()) + " of the pool's " +
                    std::to_string(s->kv_blocks) + " are free (" + std::to_string(s->kv_blocks * k::KV_BLOCK) +
                    " tokens for all sequences together); create the session with more kv_blocks"
                    " (nmc_session_create_paged; 0 = max_slots x max_seq) or run fewer or shorter sequences at once");
    }
    cudaStream_t st = s->m->stream;
    for (int i = 0; i < n; i++) {
        int slot = slots[i];
        int want = (new_len[i] + k::KV_BLOCK - 1) / k::KV_BLOCK, have = s->h_blocks[slot];
        if (want <= have) continue;
        int32_t *row = s->h_table.data() + (int64_t)slot * s->max_blocks;
        for (int b = have; b < want; b++) {
            row[b] = s->free_blocks.back();
            s->free_blocks.pop_back();
        }
        s->h_blocks[slot] = want;
        // only the new entries: the kernels never read beyond the slot's length
        NMC_CUDA(cudaMemcpyAsync(s->d_table + (int64_t)slot * s->max_blocks + have, row + have,
                                 (size_t)(want - have) * sizeof(int32_t), cudaMemcpyHostToDevice, st));
    }
    return NMC_OK;
}

void kv_release(nmc_session *s, int slot) {
    if (s->kv_blocks == 0) return;
    const int32_t *row = s->h_table.data() + (int64_t)slot * s->max_blocks;
    for (int b = s->h_blocks[slot] - 1; b >= 0; b--) s->free_blocks.push_back(row[b]);
    s->h_blocks[slot] = 0;
}

}  // namespace nmc

extern "C" int64_t nmc_session_kv_blocks(const nmc_session *s) { return s ? s->kv_blocks : 0; }

extern "C" int64_t nmc_session_kv_free_blocks(const nmc_session *s) { return s ? (int64_t)s->free_blocks.size() : 0; }

extern "C" int nmc_session_kv_block_tokens(const nmc_session *) { return nmc::k::KV_BLOCK; }

extern "C" int64_t nmc_session_kv_block_bytes(const nmc_session *s) {
    if (s == nullptr) return 0;
    const nmc::Dims &d = s->m->dims;
    int64_t wt = s->m->dtype == NMC_F32 ? 4 : 2;
    return (int64_t)d.n_attn * 2 * nmc::k::KV_BLOCK * d.kv_heads * d.head_dim * wt;
}
