// The model on the device: configuration, derived sizes and weights.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "gemm.h"
#include "kernels/kernels.h"

namespace nmc {

// How a weight is initialised by nmc_model_init_random.
enum class Init { Linear, Embedding, One, Zero, ALog, DtBias, Conv };

// Where a checkpoint tensor lands: a device buffer (or a row range of one, for fused q/k/v).
struct WeightSlot {
    void *dst = nullptr;
    int dtype = NMC_F32;          // the device copy's type
    int64_t offset = 0;           // elements into dst
    std::vector<int64_t> shape;   // expected checkpoint shape
    Init init = Init::Zero;
    int fan_in = 1;
    bool neg_exp = false;         // A_log: store A = -exp(A_log)
    bool set = false;
};

struct LayerWeights {
    char kind = '-';
    float *norm = nullptr;
    // Mamba-2
    void *in_proj = nullptr, *out_proj = nullptr;
    float *in_proj_b = nullptr, *out_proj_b = nullptr, *conv_w = nullptr, *conv_b = nullptr;
    float *dt_bias = nullptr, *a = nullptr, *d = nullptr, *gnorm = nullptr;
    // attention (q, k, v fused row-wise into one matrix)
    void *qkv = nullptr, *o_proj = nullptr;
    float *qkv_b = nullptr, *o_b = nullptr;
    // MLP
    void *up = nullptr, *down = nullptr;
    float *up_b = nullptr, *down_b = nullptr;
};

struct Dims {
    int d, vocab, layers, mlp;
    int q_heads, kv_heads, head_dim, qkv_dim;
    int m_heads, m_head_dim, groups, state, conv_k, chunk;
    int inner;     // D = H * P
    int conv_dim;  // D + 2 G N
    int proj_dim;  // in_proj rows: D + conv_dim + H
    int n_mamba, n_attn;
};

// The sizes a config implies (model.cu; the trainer uses them too): widths, fused projection rows,
// layer counts by type, and the prefill scan's chunk (NMC_SCAN_CHUNK overrides the config's).
Dims derive_dims(const nmc_config *c);

// A checkpoint name without its "backbone." / "model." prefix (embed_tokens -> embeddings): the slot key.
std::string canonical_name(const char *name);

}  // namespace nmc

struct nmc_model {
    nmc_config cfg{};
    std::string pattern;
    nmc::Dims dims{};
    int device = 0;
    int dtype = NMC_F32;  // compute dtype
    cudaStream_t stream = nullptr;
    nmc::Gemm gemm;
    void *embed = nullptr, *lm_head = nullptr;
    float *norm_f = nullptr;
    std::vector<nmc::LayerWeights> layers;
    std::map<std::string, nmc::WeightSlot> slots;
    std::vector<void *> allocations;
    int64_t weight_bytes = 0;
    bool finalized = false;
    // FP8 weights (nmc_model_quantize_fp8): the linear layers' matrices, keyed by the layer's
    // weight pointer (now the E4M3 data), and a BF16 buffer for GEMMs of many rows
    std::map<const void *, nmc::k::Fp8Weight> fp8;
    int fp8_block = -1;  // -1: BF16 weights; 0: per-channel scales; else block size
    void *fp8_scratch = nullptr;
    // lm_head in FP8 (nmc_model_quantize_lm_head_fp8, NMC_FP8_LM_HEAD=1): q null while the head is
    // BF16 (lm_head). Not in `fp8`: the head never takes matmul's dequantise + cuBLAS path (its
    // scratch would be vocab x hidden BF16); forward.cu runs it in pieces of rows a GEMV takes.
    // Untied: lm_head's BF16 buffer is freed (lm_head null). Tied: the BF16 table stays for the
    // lookup and this is a copy (vocab x hidden bytes more).
    nmc::k::Fp8Weight head_fp8;
};

namespace nmc {
// NMC_FP8_LM_HEAD (unset or 0: off, 1: on; another value: NMC_ERR): *on = the switch.
int fp8_lm_head_switch(bool *on);
}  // namespace nmc
