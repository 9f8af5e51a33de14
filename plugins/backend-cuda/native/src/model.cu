// nmc_model_*: allocating the weights, uploading checkpoint tensors by name, random weights.
#include "model.h"
#include "kernels/kernels.h"
#include "kernels/device_math.cuh"
#include "env_switch.h"

#include <cmath>
#include <climits>
#include <cstdlib>
#include <cstring>

using nmc::Init;
using nmc::WeightSlot;

namespace {

int64_t numel(const std::vector<int64_t> &shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

size_t dtype_bytes(int dtype) { return dtype == NMC_F32 ? 4 : 2; }

std::string shape_str(const std::vector<int64_t> &shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

int alloc(nmc_model *m, void **out, int64_t elements, int dtype) {
    size_t bytes = (size_t)elements * dtype_bytes(dtype);
    cudaError_t err = cudaMalloc(out, bytes > 0 ? bytes : 1);
    if (err != cudaSuccess) {
        return nmc::fail("cannot allocate " + std::to_string(bytes) + " bytes of weights: " + cudaGetErrorString(err));
    }
    m->allocations.push_back(*out);
    m->weight_bytes += (int64_t)bytes;
    return NMC_OK;
}

// Allocates a weight and registers it under `name`.
template <typename T>
int add(nmc_model *m, const std::string &name, T **dst, int dtype, std::vector<int64_t> shape, Init init, int fan_in = 1) {
    void *p = nullptr;
    NMC_TRY(alloc(m, &p, numel(shape), dtype));
    *dst = static_cast<T *>(p);
    WeightSlot slot;
    slot.dst = p;
    slot.dtype = dtype;
    slot.shape = std::move(shape);
    slot.init = init;
    slot.fan_in = fan_in;
    m->slots[name] = slot;
    return NMC_OK;
}

// Registers a row range [row0, row0 + rows) of an existing [?, cols] matrix under `name`.
void add_rows(nmc_model *m, const std::string &name, void *base, int dtype, int64_t row0, int64_t rows, int64_t cols, Init init) {
    WeightSlot slot;
    slot.dst = base;
    slot.dtype = dtype;
    slot.offset = row0 * cols;
    slot.shape = cols == 1 ? std::vector<int64_t>{rows} : std::vector<int64_t>{rows, cols};
    slot.init = init;
    slot.fan_in = (int)cols;
    m->slots[name] = slot;
}

int check_config(const nmc_config *c) {
    if (c == nullptr) return nmc::fail("nmc_model_create: no config");
    if (c->abi_version != NMC_ABI_VERSION) {
        return nmc::fail("config ABI version " + std::to_string(c->abi_version) + ", library " + std::to_string(NMC_ABI_VERSION));
    }
    if (c->pattern == nullptr || (int)strlen(c->pattern) != c->num_layers) {
        return nmc::fail("pattern must have num_layers (" + std::to_string(c->num_layers) + ") characters");
    }
    for (const char *p = c->pattern; *p; p++) {
        if (*p != 'M' && *p != '*' && *p != '-') return nmc::fail(std::string("unsupported layer type '") + *p + "' in the pattern (M, * and - are supported)");
    }
    if (c->compute_dtype != NMC_F32 && c->compute_dtype != NMC_BF16) return nmc::fail("compute_dtype must be NMC_F32 or NMC_BF16");
    if (c->vocab_size <= 0 || c->hidden_size <= 0) return nmc::fail("vocab_size and hidden_size must be positive");
    if (strchr(c->pattern, 'M') != nullptr) {
        if (c->mamba_num_heads <= 0 || c->mamba_head_dim <= 0 || c->n_groups <= 0 || c->ssm_state_size <= 0 || c->conv_kernel <= 0) {
            return nmc::fail("Mamba layers need positive mamba_num_heads, mamba_head_dim, n_groups, ssm_state_size, conv_kernel");
        }
        if (c->mamba_num_heads % c->n_groups != 0) return nmc::fail("mamba_num_heads must be divisible by n_groups");
    }
    if (strchr(c->pattern, '*') != nullptr) {
        if (c->num_attention_heads <= 0 || c->num_key_value_heads <= 0 || c->head_dim <= 0 ||
            c->num_attention_heads % c->num_key_value_heads != 0) {
            return nmc::fail("attention layers need positive heads with num_attention_heads divisible by num_key_value_heads");
        }
    }
    if (strchr(c->pattern, '-') != nullptr && c->intermediate_size <= 0) return nmc::fail("MLP layers need a positive intermediate_size");
    return NMC_OK;
}


int allocate_layer(nmc_model *m, int i, char kind) {
    const nmc::Dims &d = m->dims;
    const nmc_config &c = m->cfg;
    int wt = m->dtype;
    std::string p = "layers." + std::to_string(i) + ".";
    std::string x = p + "mixer.";
    nmc::LayerWeights &L = m->layers[i];
    L.kind = kind;
    NMC_TRY(add(m, p + "norm.weight", &L.norm, NMC_F32, {d.d}, Init::One));
    if (kind == 'M') {
        NMC_TRY(add(m, x + "in_proj.weight", &L.in_proj, wt, {d.proj_dim, d.d}, Init::Linear, d.d));
        NMC_TRY(add(m, x + "conv1d.weight", &L.conv_w, NMC_F32, {d.conv_dim, 1, d.conv_k}, Init::Conv, d.conv_k));
        NMC_TRY(add(m, x + "dt_bias", &L.dt_bias, NMC_F32, {d.m_heads}, Init::DtBias));
        NMC_TRY(add(m, x + "A_log", &L.a, NMC_F32, {d.m_heads}, Init::ALog));
        m->slots[x + "A_log"].neg_exp = true;
        NMC_TRY(add(m, x + "D", &L.d, NMC_F32, {d.m_heads}, Init::One));
        NMC_TRY(add(m, x + "norm.weight", &L.gnorm, NMC_F32, {d.inner}, Init::One));
        NMC_TRY(add(m, x + "out_proj.weight", &L.out_proj, wt, {d.d, d.inner}, Init::Linear, d.inner));
        if (c.use_conv_bias) NMC_TRY(add(m, x + "conv1d.bias", &L.conv_b, NMC_F32, {d.conv_dim}, Init::Zero));
        if (c.mamba_proj_bias) {
            NMC_TRY(add(m, x + "in_proj.bias", &L.in_proj_b, NMC_F32, {d.proj_dim}, Init::Zero));
            NMC_TRY(add(m, x + "out_proj.bias", &L.out_proj_b, NMC_F32, {d.d}, Init::Zero));
        }
    } else if (kind == '*') {
        int q = d.q_heads * d.head_dim, kv = d.kv_heads * d.head_dim;
        NMC_TRY(alloc(m, &L.qkv, (int64_t)d.qkv_dim * d.d, wt));
        add_rows(m, x + "q_proj.weight", L.qkv, wt, 0, q, d.d, Init::Linear);
        add_rows(m, x + "k_proj.weight", L.qkv, wt, q, kv, d.d, Init::Linear);
        add_rows(m, x + "v_proj.weight", L.qkv, wt, q + kv, kv, d.d, Init::Linear);
        NMC_TRY(add(m, x + "o_proj.weight", &L.o_proj, wt, {d.d, q}, Init::Linear, q));
        if (c.attention_bias) {
            void *b = nullptr;
            NMC_TRY(alloc(m, &b, d.qkv_dim, NMC_F32));
            L.qkv_b = static_cast<float *>(b);
            add_rows(m, x + "q_proj.bias", b, NMC_F32, 0, q, 1, Init::Zero);
            add_rows(m, x + "k_proj.bias", b, NMC_F32, q, kv, 1, Init::Zero);
            add_rows(m, x + "v_proj.bias", b, NMC_F32, q + kv, kv, 1, Init::Zero);
            NMC_TRY(add(m, x + "o_proj.bias", &L.o_b, NMC_F32, {d.d}, Init::Zero));
        }
    } else {
        NMC_TRY(add(m, x + "up_proj.weight", &L.up, wt, {d.mlp, d.d}, Init::Linear, d.d));
        NMC_TRY(add(m, x + "down_proj.weight", &L.down, wt, {d.d, d.mlp}, Init::Linear, d.mlp));
        if (c.mlp_bias) {
            NMC_TRY(add(m, x + "up_proj.bias", &L.up_b, NMC_F32, {d.mlp}, Init::Zero));
            NMC_TRY(add(m, x + "down_proj.bias", &L.down_b, NMC_F32, {d.d}, Init::Zero));
        }
    }
    return NMC_OK;
}

__global__ void neg_exp_kernel(float *x, int64_t n) {
    int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (i < n) x[i] = -expf(x[i]);
}

__global__ void log_uniform_dt_kernel(float *x, int64_t n, uint64_t seed) {
    int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (i < n) x[i] = nmc::k::mamba_dt_bias_init(seed, (uint64_t)i);
}

int init_slot(nmc_model *m, WeightSlot &s, uint64_t seed) {
    int64_t n = numel(s.shape);
    char *dst = static_cast<char *>(s.dst) + s.offset * (int64_t)dtype_bytes(s.dtype);
    float a = 1.0f / sqrtf((float)(s.fan_in > 0 ? s.fan_in : 1));
    switch (s.init) {
        case Init::Linear: return nmc::k::fill_uniform(dst, s.dtype, n, -a, a, seed, m->stream);
        case Init::Conv: return nmc::k::fill_uniform(dst, s.dtype, n, -a, a, seed, m->stream);
        case Init::Embedding: return nmc::k::fill_uniform(dst, s.dtype, n, -1.0f, 1.0f, seed, m->stream);
        case Init::One: return nmc::k::fill_uniform(dst, s.dtype, n, 1.0f, 1.0f, seed, m->stream);
        case Init::Zero: return nmc::k::fill_uniform(dst, s.dtype, n, 0.0f, 0.0f, seed, m->stream);
        case Init::ALog:  // A = -U(1, 16) directly (A_log = log U(1, 16))
            return nmc::k::fill_uniform(dst, s.dtype, n, -16.0f, -1.0f, seed, m->stream);
        case Init::DtBias:
            log_uniform_dt_kernel<<<(unsigned)((n + 255) / 256), 256, 0, m->stream>>>((float *)dst, n, seed);
            NMC_LAUNCHED("init dt_bias");
            return NMC_OK;
    }
    return NMC_OK;
}

}  // namespace

nmc::Dims nmc::derive_dims(const nmc_config *c) {
    nmc::Dims d{};
    d.d = c->hidden_size;
    d.vocab = c->vocab_size;
    d.layers = c->num_layers;
    d.mlp = c->intermediate_size;
    d.q_heads = c->num_attention_heads;
    d.kv_heads = c->num_key_value_heads;
    d.head_dim = c->head_dim;
    d.qkv_dim = (d.q_heads + 2 * d.kv_heads) * d.head_dim;
    d.m_heads = c->mamba_num_heads;
    d.m_head_dim = c->mamba_head_dim;
    d.groups = c->n_groups;
    d.state = c->ssm_state_size;
    d.conv_k = c->conv_kernel;
    // the prefill scan's chunk: the config's chunk_size unless NMC_SCAN_CHUNK overrides it (the
    // result is the same up to rounding; only the parallel decomposition changes)
    const int chunk_env = (int)nmc::env_int("NMC_SCAN_CHUNK", 1, INT_MAX, 0);
    d.chunk = chunk_env > 0 ? chunk_env : c->chunk_size > 0 ? c->chunk_size : 256;
    d.inner = d.m_heads * d.m_head_dim;
    d.conv_dim = d.inner + 2 * d.groups * d.state;
    d.proj_dim = d.inner + d.conv_dim + d.m_heads;
    for (const char *p = c->pattern; *p; p++) {
        d.n_mamba += *p == 'M';
        d.n_attn += *p == '*';
    }
    return d;
}

std::string nmc::canonical_name(const char *name) {
    std::string s(name);
    for (const char *prefix : {"backbone.", "model."}) {
        if (s.rfind(prefix, 0) == 0) s = s.substr(strlen(prefix));
    }
    if (s == "embed_tokens.weight") s = "embeddings.weight";
    return s;
}

extern "C" int nmc_model_create(const nmc_config *config, int device, nmc_model **out) {
    if (out == nullptr) return nmc::fail("nmc_model_create: out is null");
    *out = nullptr;
    NMC_TRY(check_config(config));
    NMC_CUDA(cudaSetDevice(device));
    nmc_model *m = new nmc_model();
    m->cfg = *config;
    m->pattern = config->pattern;
    m->cfg.pattern = m->pattern.c_str();
    m->dims = nmc::derive_dims(config);
    m->device = device;
    m->dtype = config->compute_dtype;
    m->layers.resize(config->num_layers);
    int rc = cudaStreamCreateWithFlags(&m->stream, cudaStreamNonBlocking) == cudaSuccess ? NMC_OK
             : nmc::fail("cudaStreamCreate failed");
    if (rc == NMC_OK) rc = nmc::gemm_create(m->gemm, m->stream);
    if (rc == NMC_OK) rc = add(m, "embeddings.weight", &m->embed, m->dtype, {m->dims.vocab, m->dims.d}, Init::Embedding);
    if (rc == NMC_OK) rc = add(m, "norm_f.weight", &m->norm_f, NMC_F32, {m->dims.d}, Init::One);
    if (rc == NMC_OK) {
        if (config->tie_word_embeddings) {
            m->lm_head = m->embed;
        } else {
            rc = add(m, "lm_head.weight", &m->lm_head, m->dtype, {m->dims.vocab, m->dims.d}, Init::Linear, m->dims.d);
        }
    }
    for (int i = 0; rc == NMC_OK && i < config->num_layers; i++) rc = allocate_layer(m, i, m->pattern[i]);
    if (rc != NMC_OK) {
        std::string why = nmc_last_error();
        nmc_model_destroy(m);
        return nmc::fail(why);
    }
    *out = m;
    return NMC_OK;
}

extern "C" int nmc_model_set_tensor(nmc_model *m, const char *name, int dtype, int ndim, const int64_t *shape,
                                    const void *host_data) {
    if (m == nullptr || name == nullptr || shape == nullptr || host_data == nullptr) return nmc::fail("nmc_model_set_tensor: null argument");
    if (dtype != NMC_F32 && dtype != NMC_BF16 && dtype != NMC_F16) return nmc::fail(std::string(name) + ": unsupported dtype code " + std::to_string(dtype));
    std::string key = nmc::canonical_name(name);
    auto it = m->slots.find(key);
    if (it == m->slots.end()) return nmc::fail(std::string("unexpected tensor ") + name + " (not part of this model's configuration)");
    if (m->fp8_block >= 0) return nmc::fail(std::string(name) + ": the model's weights were quantised to FP8; set tensors before nmc_model_quantize_fp8");
    WeightSlot &s = it->second;
    if (s.dst == nullptr) return nmc::fail(std::string(name) + ": this weight is FP8 in this model (set with nmc_model_set_fp8_tensor)");
    if (m->head_fp8.q != nullptr && s.dst == m->embed && m->lm_head == m->embed) {
        return nmc::fail(std::string(name) + ": the tied lm_head has an FP8 copy of this table; set it before nmc_model_quantize_lm_head_fp8");
    }
    std::vector<int64_t> given(shape, shape + ndim);
    if (given != s.shape) return nmc::fail(std::string(name) + ": shape " + shape_str(given) + ", the config needs " + shape_str(s.shape));
    NMC_CUDA(cudaSetDevice(m->device));
    int64_t n = numel(s.shape);
    void *staging = nullptr;
    NMC_CUDA(cudaMalloc(&staging, (size_t)n * dtype_bytes(dtype)));
    char *dst = static_cast<char *>(s.dst) + s.offset * (int64_t)dtype_bytes(s.dtype);
    cudaError_t err = cudaMemcpyAsync(staging, host_data, (size_t)n * dtype_bytes(dtype), cudaMemcpyHostToDevice, m->stream);
    int rc = err == cudaSuccess ? nmc::k::convert(dst, s.dtype, staging, dtype, n, m->stream) : nmc::cuda_fail(err, "upload");
    if (rc == NMC_OK && s.neg_exp) {
        neg_exp_kernel<<<(unsigned)((n + 255) / 256), 256, 0, m->stream>>>((float *)dst, n);
    }
    err = cudaStreamSynchronize(m->stream);
    cudaFree(staging);
    if (rc != NMC_OK) return rc;
    if (err != cudaSuccess) return nmc::cuda_fail(err, name);
    s.set = true;
    return NMC_OK;
}

extern "C" int nmc_model_init_random(nmc_model *m, uint64_t seed) {
    if (m == nullptr) return nmc::fail("nmc_model_init_random: null model");
    if (m->fp8_block >= 0 || !m->fp8.empty() || m->head_fp8.q != nullptr) return nmc::fail("nmc_model_init_random: the model's weights are FP8 already");
    NMC_CUDA(cudaSetDevice(m->device));
    uint64_t k = 0;
    for (auto &entry : m->slots) {
        NMC_TRY(init_slot(m, entry.second, nmc::k::mix64(seed + 0x1000 * ++k)));
        entry.second.set = true;
    }
    NMC_CUDA(cudaStreamSynchronize(m->stream));
    return NMC_OK;
}

extern "C" int nmc_model_finalize(nmc_model *m) {
    if (m == nullptr) return nmc::fail("nmc_model_finalize: null model");
    std::string missing;
    int count = 0;
    for (auto &entry : m->slots) {
        if (!entry.second.set) {
            if (count++ < 5) missing += (missing.empty() ? "" : ", ") + entry.first;
        }
    }
    if (count > 0) return nmc::fail("missing " + std::to_string(count) + " weight(s): " + missing + (count > 5 ? ", ..." : ""));
    bool head = false;  // an FP8 checkpoint's lm_head with its block (NMC_FP8_LM_HEAD=1)
    if (!m->fp8.empty()) NMC_TRY(nmc::fp8_lm_head_switch(&head));
    m->finalized = true;
    return head ? nmc_model_quantize_lm_head_fp8(m, -1) : NMC_OK;
}

extern "C" int64_t nmc_model_weight_bytes(const nmc_model *m) { return m ? m->weight_bytes : 0; }

extern "C" void nmc_model_destroy(nmc_model *m) {
    if (m == nullptr) return;
    cudaSetDevice(m->device);
    if (m->stream) cudaStreamSynchronize(m->stream);
    for (void *p : m->allocations) cudaFree(p);
    nmc::gemm_destroy(m->gemm);
    if (m->stream) cudaStreamDestroy(m->stream);
    delete m;
}
