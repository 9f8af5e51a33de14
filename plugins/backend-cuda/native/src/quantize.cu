// nmc_model_quantize_fp8: the linear layers' BF16 weights to FP8 E4M3 with fp32 scales
// (kernels/fp8.cu has the layout), in place of the BF16 copies.
#include "model.h"

#include <algorithm>

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

}  // namespace

extern "C" int nmc_model_quantize_fp8(nmc_model *m, int block) {
    if (m == nullptr) return nmc::fail("nmc_model_quantize_fp8: null model");
    if (!m->finalized) return nmc::fail("nmc_model_quantize_fp8: set every weight and call nmc_model_finalize first");
    if (m->fp8_block >= 0) return nmc::fail("nmc_model_quantize_fp8: the weights are FP8 already");
    if (m->dtype != NMC_BF16) return nmc::fail("nmc_model_quantize_fp8: FP8 weights need compute_dtype NMC_BF16");
    if (block != 0 && (block < 16 || block > 1024 || block % 16 != 0)) {
        return nmc::fail("nmc_model_quantize_fp8: block must be 0 (per channel) or a multiple of 16 from 16 to 1024, got " + std::to_string(block));
    }
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
    return NMC_OK;
}
