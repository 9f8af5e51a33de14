// The trainer's parameters through the C ABI (nemotron_cuda.h, "training"): looked up by HF name
// (find_param: "model." and bare names as "backbone."), listed, read and written per slot (weight,
// gradient, the two AdamW moments; after nmc_trainer_dp_join a moment lives in the ranks' shards,
// train_dp.cu), weight decay per tensor, and the random initialisation (HF NemotronH's: uniform
// +-1/sqrt(fan_in) linears, A_log = log(1..16), dt_bias = softplus^-1 of a log-uniform dt in
// [0.001, 0.1]). The parameters themselves are declared and laid out by train.cu.
#include "train.h"
#include "kernels/device_math.cuh"

#include <algorithm>
#include <cmath>
#include <cstring>

using nmc::TInit;
using nmc::TParam;
using nmc::train::ensure;

int nmc::train::find_param(nmc_trainer *t, const char *name) {
    std::string s(name);
    if (s.rfind("model.", 0) == 0) s = "backbone." + s.substr(6);
    if (s.rfind("backbone.", 0) != 0 && s.rfind("lm_head.", 0) != 0) s = "backbone." + s;
    for (size_t i = 0; i < t->params.size(); i++) {
        if (t->params[i].name == s) return (int)i;
    }
    return -1;
}

namespace {

float *slot_of(TParam &p, int slot) {
    switch (slot) {
        case NMC_TRAIN_WEIGHT: return p.w;
        case NMC_TRAIN_GRAD: return p.g;
        case NMC_TRAIN_EXP_AVG: return p.m;
        case NMC_TRAIN_EXP_AVG_SQ: return p.v;
        default: return nullptr;
    }
}

__global__ void fill_kernel(float *x, int64_t n, float v) {
    int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (i < n) x[i] = v;
}

__global__ void dt_bias_init_kernel(float *x, int64_t n, uint64_t seed) {
    int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (i < n) x[i] = nmc::k::mamba_dt_bias_init(seed, (uint64_t)i);
}

__global__ void a_log_init_kernel(float *x, int64_t n) {
    int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (i < n) x[i] = logf((float)(i % 16 + 1));
}

}  // namespace

extern "C" int nmc_trainer_param_count(const nmc_trainer *t) { return t == nullptr ? NMC_ERR : (int)t->params.size(); }

extern "C" int nmc_trainer_param_info(const nmc_trainer *t, int i, char *name, int name_len, int64_t *shape, int *ndim) {
    if (t == nullptr || i < 0 || i >= (int)t->params.size()) return nmc::fail("nmc_trainer_param_info: no parameter " + std::to_string(i));
    const TParam &p = t->params[i];
    if ((int)p.name.size() + 1 > name_len) return nmc::fail("nmc_trainer_param_info: name buffer too small");
    memcpy(name, p.name.c_str(), p.name.size() + 1);
    *ndim = (int)p.shape.size();
    for (size_t k = 0; k < p.shape.size() && k < 4; k++) shape[k] = p.shape[k];
    return NMC_OK;
}

extern "C" int nmc_trainer_set_tensor(nmc_trainer *t, const char *name, int slot, int dtype, int ndim,
                                      const int64_t *shape, const void *data) {
    if (t == nullptr || name == nullptr || data == nullptr) return nmc::fail("nmc_trainer_set_tensor: null argument");
    int i = nmc::train::find_param(t, name);
    if (i < 0) return nmc::fail(std::string("the trainer has no parameter ") + name);
    TParam &p = t->params[i];
    const bool shard = nmc::train::dp_joined(t) && (slot == NMC_TRAIN_EXP_AVG || slot == NMC_TRAIN_EXP_AVG_SQ);
    float *dst = slot_of(p, slot);
    if ((dst == nullptr && !shard) || slot == NMC_TRAIN_GRAD) return nmc::fail("nmc_trainer_set_tensor: bad slot");
    int64_t n = 1;
    for (int k = 0; k < ndim; k++) n *= shape[k];
    // [C, K] is accepted for the conv weight [C, 1, K] (same elements)
    if (n != p.n) return nmc::fail(std::string("tensor ") + name + " has " + std::to_string(n) + " elements; the config needs " + std::to_string(p.n));
    int bytes = dtype == NMC_F32 ? 4 : 2;
    NMC_CUDA(cudaSetDevice(t->device));
    NMC_TRY(ensure(t->bf_a, (size_t)n * bytes));
    NMC_CUDA(cudaMemcpyAsync(t->bf_a.p, data, (size_t)n * bytes, cudaMemcpyHostToDevice, t->stream));
    if (shard) {  // a moment after nmc_trainer_dp_join: this rank keeps its part (train_dp.cu)
        NMC_TRY(ensure(t->bf_b, (size_t)n * sizeof(float)));
        NMC_TRY(nmc::k::convert(t->bf_b.f(), NMC_F32, t->bf_a.p, dtype, n, t->stream));
        NMC_TRY(nmc::train::dp_set_moment(t, i, slot, t->bf_b.f()));
        NMC_CUDA(cudaStreamSynchronize(t->stream));
        return NMC_OK;
    }
    NMC_TRY(nmc::k::convert(dst, NMC_F32, t->bf_a.p, dtype, n, t->stream));
    NMC_CUDA(cudaStreamSynchronize(t->stream));
    if (slot == NMC_TRAIN_WEIGHT) p.set = true;
    if (slot == NMC_TRAIN_WEIGHT) t->weight_version++;  // the GEMM copies of the weights are stale
    return NMC_OK;
}

extern "C" int nmc_trainer_get_tensor(nmc_trainer *t, const char *name, int slot, float *out) {
    if (t == nullptr || name == nullptr || out == nullptr) return nmc::fail("nmc_trainer_get_tensor: null argument");
    int i = nmc::train::find_param(t, name);
    if (i < 0) return nmc::fail(std::string("the trainer has no parameter ") + name);
    TParam &p = t->params[i];
    if (nmc::train::dp_joined(t) && (slot == NMC_TRAIN_EXP_AVG || slot == NMC_TRAIN_EXP_AVG_SQ)) {
        NMC_CUDA(cudaSetDevice(t->device));
        return nmc::train::dp_get_moment(t, i, slot, out);  // gathered from the ranks' shards (train_dp.cu)
    }
    float *src = slot_of(p, slot);
    if (src == nullptr) return nmc::fail("nmc_trainer_get_tensor: bad slot");
    NMC_CUDA(cudaSetDevice(t->device));
    NMC_CUDA(cudaMemcpyAsync(out, src, p.n * sizeof(float), cudaMemcpyDeviceToHost, t->stream));
    NMC_CUDA(cudaStreamSynchronize(t->stream));
    return NMC_OK;
}

extern "C" int nmc_trainer_set_decay(nmc_trainer *t, const char *name, int decay) {
    if (t == nullptr || name == nullptr) return nmc::fail("nmc_trainer_set_decay: null argument");
    int i = nmc::train::find_param(t, name);
    if (i < 0) return nmc::fail(std::string("the trainer has no parameter ") + name);
    t->params[i].decay = decay != 0;
    return NMC_OK;
}

extern "C" int nmc_trainer_init_random(nmc_trainer *t, uint64_t seed) {
    if (t == nullptr) return nmc::fail("nmc_trainer_init_random: null trainer");
    NMC_CUDA(cudaSetDevice(t->device));
    uint64_t s = seed;
    for (TParam &p : t->params) {
        s = nmc::k::mix64(s);
        float a = 1.0f / sqrtf((float)std::max(1, p.fan_in));
        unsigned blocks = (unsigned)((p.n + 255) / 256);
        switch (p.init) {
            case TInit::Linear:
            case TInit::Conv: NMC_TRY(nmc::k::fill_uniform(p.w, NMC_F32, p.n, -a, a, s, t->stream)); break;
            case TInit::Embedding: NMC_TRY(nmc::k::fill_uniform(p.w, NMC_F32, p.n, -0.02f, 0.02f, s, t->stream)); break;
            case TInit::One: fill_kernel<<<blocks, 256, 0, t->stream>>>(p.w, p.n, 1.0f); break;
            case TInit::Zero: fill_kernel<<<blocks, 256, 0, t->stream>>>(p.w, p.n, 0.0f); break;
            case TInit::ALog: a_log_init_kernel<<<blocks, 256, 0, t->stream>>>(p.w, p.n); break;
            case TInit::DtBias: dt_bias_init_kernel<<<blocks, 256, 0, t->stream>>>(p.w, p.n, s); break;
        }
        NMC_LAUNCHED("trainer init");
        p.set = true;
    }
    t->weight_version++;
    NMC_CUDA(cudaStreamSynchronize(t->stream));
    return NMC_OK;
}
