// nmc_model_quantize_fp8: the linear layers' BF16 weights to FP8 E4M3 with fp32 scales
// (kernels/fp8.cu has the layout), in place of the BF16 copies; nmc_model_set_fp8_tensor: one
// linear weight of an FP8 checkpoint (codes + scales uploaded as they are, no BF16 copy made);
// nmc_k_quantize_fp8: the quantisation kernel on host arrays (for tests);
// nmc_model_quantize_lm_head_fp8: lm_head likewise (opt-in, NMC_FP8_LM_HEAD=1).
#include "model.h"
#include "env_switch.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

struct Matrix {
    void **w;
    int out, in;
};

std::vector<Matrix> linear_matrices(nmc_model *m) {
    const nmc::Dims &d = m->dims;
    std::vector<Matrix> all;
    for (nmc::LayerWeights &L : m->layers) {
        if (L.kind == 'M') {
            all.push_back({&L.in_proj, d.proj_dim, d.d});
            all.push_back({&L.out_proj, d.d, d.inner});
        } else if (L.kind == '*') {
            all.push_back({&L.qkv, d.qkv_dim, d.d});
            all.push_back({&L.o_proj, d.d, d.q_heads * d.head_dim});
        } else {
            all.push_back({&L.up, d.mlp, d.d});
            all.push_back({&L.down, d.d, d.mlp});
        }
    }
    return all;
}

int device_alloc(nmc_model *m, void **p, int64_t bytes, const char *what) {
    cudaError_t err = cudaMalloc(p, (size_t)std::max<int64_t>(bytes, 16));
    if (err != cudaSuccess) return nmc::fail(std::string("cannot allocate ") + std::to_string(bytes) + " bytes of " + what + ": " + cudaGetErrorString(err));
    m->allocations.push_back(*p);
    return NMC_OK;
}

void device_free(nmc_model *m, void *p) {
    m->allocations.erase(std::remove(m->allocations.begin(), m->allocations.end(), p), m->allocations.end());
    cudaFree(p);
}

bool valid_block(int block) { return block == 0 || (block >= 16 && block <= 1024 && block % 16 == 0); }

int upload(void *dst, const void *host, int64_t bytes, cudaStream_t stream) {
    NMC_CUDA(cudaMemcpyAsync(dst, host, (size_t)bytes, cudaMemcpyHostToDevice, stream));
    return NMC_OK;
}

// The BF16 dequantisation scratch of GEMMs of many rows: at least `elements` BF16 values.
int ensure_scratch(nmc_model *m, int64_t elements) {
    int64_t largest = 0;
    for (const auto &e : m->fp8) largest = std::max<int64_t>(largest, (int64_t)e.second.out * e.second.in);
    if (m->fp8_scratch != nullptr && largest >= elements) return NMC_OK;
    if (m->fp8_scratch != nullptr) device_free(m, m->fp8_scratch);
    m->fp8_scratch = nullptr;
    return device_alloc(m, &m->fp8_scratch, std::max(largest, elements) * 2, "FP8 dequantisation scratch");
}

// The layer whose fused q/k/v matrix (BF16, or its FP8 copy) holds the slot `key`; -1 if none.
int fused_layer(nmc_model *m, const std::string &key) {
    for (const char *part : {".mixer.q_proj.weight", ".mixer.k_proj.weight", ".mixer.v_proj.weight"}) {
        size_t at = key.rfind(part);
        if (at != std::string::npos && at + strlen(part) == key.size() && key.rfind("layers.", 0) == 0) {
            return atoi(key.c_str() + strlen("layers."));
        }
    }
    return -1;
}

// The fused q/k/v FP8 matrix of layer `i`, created (and the BF16 one freed) on its first part.
// Scales: per channel [qkv_dim]; blocks [qkv_dim / B, ceil(in / B)] when q and kv rows are whole
// blocks, else one scale row per matrix row (row_block 1), [qkv_dim, ceil(in / B)].
int fused_fp8(nmc_model *m, int i, int block, nmc::k::Fp8Weight **out) {
    nmc::LayerWeights &L = m->layers[i];
    auto it = m->fp8.find(L.qkv);
    if (it != m->fp8.end()) {
        if (it->second.block != block) return nmc::fail("layer " + std::to_string(i) + ": q/k/v parts with different FP8 scale layouts");
        *out = &it->second;
        return NMC_OK;
    }
    const nmc::Dims &d = m->dims;
    int q = d.q_heads * d.head_dim, kv = d.kv_heads * d.head_dim;
    nmc::k::Fp8Weight f;
    f.out = d.qkv_dim;
    f.in = d.d;
    f.block = block;
    int64_t ncb = block > 0 ? (d.d + block - 1) / block : 1;
    bool aligned = block == 0 || (q % block == 0 && kv % block == 0);
    f.row_block = aligned ? 0 : 1;
    int64_t scales = block == 0 ? d.qkv_dim : aligned ? (int64_t)(d.qkv_dim / block) * ncb : (int64_t)d.qkv_dim * ncb;
    void *qb = nullptr, *sc = nullptr;
    NMC_TRY(device_alloc(m, &qb, (int64_t)f.out * f.in, "FP8 weights"));
    NMC_TRY(device_alloc(m, &sc, scales * 4, "FP8 scales"));
    f.q = static_cast<uint8_t *>(qb);
    f.scale = static_cast<float *>(sc);
    NMC_TRY(ensure_scratch(m, (int64_t)f.out * f.in));
    device_free(m, L.qkv);
    L.qkv = f.q;
    std::string p = "layers." + std::to_string(i) + ".mixer.";
    for (const char *part : {"q_proj.weight", "k_proj.weight", "v_proj.weight"}) m->slots[p + part].dst = nullptr;
    m->weight_bytes += (int64_t)f.out * f.in + scales * 4 - (int64_t)f.out * f.in * 2;
    *out = &(m->fp8[f.q] = f);
    return NMC_OK;
}

// The layer pointer (in_proj, out_proj, o_proj, up, down) whose buffer is `dst`, or nullptr.
void **linear_pointer(nmc_model *m, const void *dst) {
    for (nmc::LayerWeights &L : m->layers) {
        for (void **p : {&L.in_proj, &L.out_proj, &L.o_proj, &L.up, &L.down}) {
            if (*p != nullptr && *p == dst) return p;
        }
    }
    return nullptr;
}

}  // namespace

extern "C" int nmc_model_set_fp8_tensor(nmc_model *m, const char *name, int64_t out, int64_t in, const uint8_t *q,
                                        int block, int64_t scale_rows, int64_t scale_cols, const float *scale) {
    if (m == nullptr || name == nullptr || q == nullptr || scale == nullptr) return nmc::fail("nmc_model_set_fp8_tensor: null argument");
    std::string tag = std::string(name) + ": ";
    if (m->dtype != NMC_BF16) return nmc::fail(tag + "FP8 weights need compute_dtype NMC_BF16");
    if (m->finalized || m->fp8_block >= 0) return nmc::fail(tag + "set FP8 weights before nmc_model_finalize and instead of nmc_model_quantize_fp8");
    if (!valid_block(block)) {
        return nmc::fail(tag + "block must be 0 (per channel) or a multiple of 16 from 16 to 1024, got " + std::to_string(block));
    }
    for (const auto &e : m->fp8) {
        if (e.second.block != block) return nmc::fail(tag + "FP8 block " + std::to_string(block) + " but earlier weights used " + std::to_string(e.second.block));
    }
    std::string key = nmc::canonical_name(name);
    auto it = m->slots.find(key);
    if (it == m->slots.end()) return nmc::fail(std::string("unexpected tensor ") + name + " (not part of this model's configuration)");
    nmc::WeightSlot &s = it->second;
    int layer = fused_layer(m, key);
    void **plain = layer < 0 ? linear_pointer(m, s.dst) : nullptr;
    if (layer < 0 && plain == nullptr) {
        return nmc::fail(tag + "not a linear weight this model keeps in FP8 (in_proj, out_proj, q/k/v/o_proj, up/down_proj)"
                         + (s.dst == nullptr ? std::string(", or set already") : std::string()));
    }
    if (s.shape.size() != 2 || s.shape[0] != out || s.shape[1] != in) {
        return nmc::fail(tag + "shape [" + std::to_string(out) + ", " + std::to_string(in) + "], the config needs ["
                         + std::to_string(s.shape[0]) + ", " + std::to_string(s.shape.size() > 1 ? s.shape[1] : 1) + "]");
    }
    int64_t ncb = block > 0 ? (in + block - 1) / block : 1;
    int64_t want_rows = block > 0 ? (out + block - 1) / block : out;
    if (scale_rows != want_rows || scale_cols != ncb) {
        return nmc::fail(tag + "scale shape [" + std::to_string(scale_rows) + ", " + std::to_string(scale_cols) + "], block "
                         + std::to_string(block) + " needs [" + std::to_string(want_rows) + ", " + std::to_string(ncb) + "]");
    }
    NMC_CUDA(cudaSetDevice(m->device));
    if (layer < 0) {
        // 1. a matrix of its own: codes and scales as given, the BF16 buffer freed
        nmc::k::Fp8Weight f;
        f.out = (int)out;
        f.in = (int)in;
        f.block = block;
        void *qb = nullptr, *sc = nullptr;
        NMC_TRY(device_alloc(m, &qb, out * in, "FP8 weights"));
        NMC_TRY(device_alloc(m, &sc, scale_rows * scale_cols * 4, "FP8 scales"));
        f.q = static_cast<uint8_t *>(qb);
        f.scale = static_cast<float *>(sc);
        NMC_TRY(upload(f.q, q, out * in, m->stream));
        NMC_TRY(upload(f.scale, scale, scale_rows * scale_cols * 4, m->stream));
        NMC_TRY(ensure_scratch(m, out * in));
        NMC_CUDA(cudaStreamSynchronize(m->stream));
        device_free(m, *plain);
        *plain = f.q;
        m->fp8[f.q] = f;
        m->weight_bytes += out * in + scale_rows * scale_cols * 4 - out * in * 2;
    } else {
        // 2. a part of the fused q/k/v matrix: rows [row0, row0 + out)
        nmc::k::Fp8Weight *f = nullptr;
        NMC_TRY(fused_fp8(m, layer, block, &f));
        int64_t row0 = s.offset / in;
        NMC_TRY(upload(f->q + row0 * in, q, out * in, m->stream));
        if (block == 0) {
            NMC_TRY(upload(f->scale + row0, scale, out * 4, m->stream));
        } else if (f->row_block == 0) {
            NMC_TRY(upload(f->scale + (row0 / block) * ncb, scale, scale_rows * ncb * 4, m->stream));
        } else {
            std::vector<float> rows((size_t)(out * ncb));  // each row's block scales
            for (int64_t r = 0; r < out; r++) {
                std::copy(scale + (r / block) * ncb, scale + (r / block + 1) * ncb, rows.begin() + r * ncb);
            }
            NMC_TRY(upload(f->scale + row0 * ncb, rows.data(), out * ncb * 4, m->stream));
            NMC_CUDA(cudaStreamSynchronize(m->stream));
        }
        NMC_CUDA(cudaStreamSynchronize(m->stream));
    }
    s.dst = nullptr;
    s.set = true;
    return NMC_OK;
}

extern "C" int nmc_k_quantize_fp8(const uint16_t *w_bf16, int out, int in, int block, uint8_t *q_out, float *scale_out) {
    if (w_bf16 == nullptr || q_out == nullptr || scale_out == nullptr || out <= 0 || in <= 0) return nmc::fail("nmc_k_quantize_fp8: bad argument");
    if (!valid_block(block)) return nmc::fail("nmc_k_quantize_fp8: bad block " + std::to_string(block));
    int64_t n = (int64_t)out * in;
    int64_t scales = block > 0 ? (int64_t)((out + block - 1) / block) * ((in + block - 1) / block) : out;
    void *w = nullptr, *q = nullptr, *sc = nullptr;
    cudaStream_t stream = nullptr;
    int rc = cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking) == cudaSuccess ? NMC_OK : nmc::fail("cudaStreamCreate failed");
    if (rc == NMC_OK && (cudaMalloc(&w, n * 2) != cudaSuccess || cudaMalloc(&q, n) != cudaSuccess || cudaMalloc(&sc, scales * 4) != cudaSuccess)) {
        rc = nmc::fail("nmc_k_quantize_fp8: cannot allocate");
    }
    if (rc == NMC_OK) rc = upload(w, w_bf16, n * 2, stream);
    nmc::k::Fp8Weight f;
    f.q = static_cast<uint8_t *>(q);
    f.scale = static_cast<float *>(sc);
    if (rc == NMC_OK) rc = nmc::k::quantize_fp8(w, out, in, block, f, stream);
    if (rc == NMC_OK && cudaMemcpyAsync(q_out, q, n, cudaMemcpyDeviceToHost, stream) != cudaSuccess) rc = nmc::fail("download");
    if (rc == NMC_OK && cudaMemcpyAsync(scale_out, sc, scales * 4, cudaMemcpyDeviceToHost, stream) != cudaSuccess) rc = nmc::fail("download");
    if (rc == NMC_OK && cudaStreamSynchronize(stream) != cudaSuccess) rc = nmc::fail("nmc_k_quantize_fp8: stream failed");
    cudaFree(w);
    cudaFree(q);
    cudaFree(sc);
    if (stream) cudaStreamDestroy(stream);
    return rc;
}

extern "C" int nmc_model_quantize_fp8(nmc_model *m, int block) {
    if (m == nullptr) return nmc::fail("nmc_model_quantize_fp8: null model");
    if (!m->finalized) return nmc::fail("nmc_model_quantize_fp8: set every weight and call nmc_model_finalize first");
    if (m->fp8_block >= 0 || !m->fp8.empty()) return nmc::fail("nmc_model_quantize_fp8: the weights are FP8 already");
    if (m->dtype != NMC_BF16) return nmc::fail("nmc_model_quantize_fp8: FP8 weights need compute_dtype NMC_BF16");
    if (!valid_block(block)) {
        return nmc::fail("nmc_model_quantize_fp8: block must be 0 (per channel) or a multiple of 16 from 16 to 1024, got " + std::to_string(block));
    }
    bool head;  // NMC_FP8_LM_HEAD=1: lm_head too, at the end (read first: an unknown value changes nothing)
    NMC_TRY(nmc::fp8_lm_head_switch(&head));
    NMC_CUDA(cudaSetDevice(m->device));
    int64_t largest = 0;
    for (const Matrix &x : linear_matrices(m)) largest = std::max<int64_t>(largest, (int64_t)x.out * x.in);
    NMC_TRY(device_alloc(m, &m->fp8_scratch, largest * 2, "FP8 dequantisation scratch"));
    for (const Matrix &x : linear_matrices(m)) {
        nmc::k::Fp8Weight f;
        int64_t scales = block > 0 ? (int64_t)((x.out + block - 1) / block) * ((x.in + block - 1) / block) : x.out;
        void *q = nullptr, *sc = nullptr;
        NMC_TRY(device_alloc(m, &q, (int64_t)x.out * x.in, "FP8 weights"));
        NMC_TRY(device_alloc(m, &sc, scales * 4, "FP8 scales"));
        f.q = static_cast<uint8_t *>(q);
        f.scale = static_cast<float *>(sc);
        NMC_TRY(nmc::k::quantize_fp8(*x.w, x.out, x.in, block, f, m->stream));
        NMC_CUDA(cudaStreamSynchronize(m->stream));
        device_free(m, *x.w);
        *x.w = f.q;  // the layer's matrix pointer now names its FP8 copy (the key of m->fp8)
        m->fp8[f.q] = f;
        m->weight_bytes += (int64_t)x.out * x.in + scales * 4 - (int64_t)x.out * x.in * 2;
    }
    m->fp8_block = block;
    return head ? nmc_model_quantize_lm_head_fp8(m, -1) : NMC_OK;
}

int nmc::fp8_lm_head_switch(bool *on) {
    int i;
    NMC_TRY(env_choice("NMC_FP8_LM_HEAD", {"0", "1"}, &i));
    *on = i == 1;
    return NMC_OK;
}

// 1. checks; a head already FP8 with this block: nothing to do
// 2. codes [vocab, hidden] and scales (per channel [vocab]; blocks [ceil(vocab/B), ceil(hidden/B)])
//    from the BF16 head by the linears' kernel (kernels/fp8.cu quantize_fp8)
// 3. untied: the BF16 head freed (its slot closed, as an FP8 checkpoint weight's); tied: kept as the
//    embedding, the FP8 copy on top, said once on stderr
extern "C" int nmc_model_quantize_lm_head_fp8(nmc_model *m, int block) {
    if (m == nullptr) return nmc::fail("nmc_model_quantize_lm_head_fp8: null model");
    const std::string tag = "nmc_model_quantize_lm_head_fp8: ";
    if (!m->finalized) return nmc::fail(tag + "set every weight and call nmc_model_finalize first");
    if (m->dtype != NMC_BF16) return nmc::fail(tag + "an FP8 lm_head needs compute_dtype NMC_BF16");
    if (block == -1) {  // the FP8 linears' block (quantised at load, or an FP8 checkpoint's)
        if (m->fp8.empty()) return nmc::fail(tag + "block -1 takes the FP8 linear layers' block, but they are BF16");
        block = m->fp8_block >= 0 ? m->fp8_block : m->fp8.begin()->second.block;
    }
    if (!valid_block(block)) return nmc::fail(tag + "block must be 0 (per channel) or a multiple of 16 from 16 to 1024, got " + std::to_string(block));
    if (m->head_fp8.q != nullptr) {
        if (m->head_fp8.block == block) return NMC_OK;
        return nmc::fail(tag + "lm_head is FP8 already with block " + std::to_string(m->head_fp8.block) + ", not " + std::to_string(block));
    }
    const int vocab = m->dims.vocab, hidden = m->dims.d;
    if (hidden % 16 != 0) return nmc::fail(tag + "hidden_size " + std::to_string(hidden) + " is not a multiple of 16 (the FP8 GEMV's chunk)");
    NMC_CUDA(cudaSetDevice(m->device));
    nmc::k::Fp8Weight f;
    f.out = vocab;
    f.in = hidden;
    f.block = block;
    const int64_t n = (int64_t)vocab * hidden;
    const int64_t scales = block > 0 ? (int64_t)((vocab + block - 1) / block) * ((hidden + block - 1) / block) : vocab;
    void *q = nullptr, *sc = nullptr;
    NMC_TRY(device_alloc(m, &q, n, "FP8 lm_head"));
    NMC_TRY(device_alloc(m, &sc, scales * 4, "FP8 lm_head scales"));
    f.q = static_cast<uint8_t *>(q);
    f.scale = static_cast<float *>(sc);
    NMC_TRY(nmc::k::quantize_fp8(m->lm_head, vocab, hidden, block, f, m->stream));
    NMC_CUDA(cudaStreamSynchronize(m->stream));
    m->weight_bytes += n + scales * 4;
    if (m->lm_head == m->embed) {
        fprintf(stderr, "nmc: FP8 lm_head tied to the embedding: an FP8 copy of %lld bytes next to the BF16 table the lookup keeps\n",
                (long long)(n + scales * 4));
    } else {
        device_free(m, m->lm_head);
        m->lm_head = nullptr;
        m->weight_bytes -= n * 2;
        m->slots["lm_head.weight"].dst = nullptr;
    }
    m->head_fp8 = f;
    return NMC_OK;
}
