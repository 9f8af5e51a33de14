// The materialised causal GQA attention of the trainer (before the flash kernels): the reference
// the flash paths (kernels/train_flash.cu fp32, kernels/train_flash_tc.cu tensor cores) are checked
// against, through nmc_k_train_attention; the trainer runs it with NMC_TRAIN_ATTENTION=materialised.
//
// shapes: qkv [B L, (Hq + 2 Hkv) hd] fused rows; o, dO [B L, Hq hd]; n = B Hq.
//   1. qe, ke, ve [B, Hq, L, hd] (KV heads repeated per query head)
//   2. S = qe ke^T scale; P = causal softmax(S)        [n, L, L]   (O(L^2) memory per head)
//   3. oe = P ve; o = rows(oe)
// backward: dP = doe ve^T; dS = P (dP - rowsum(P dP)); dqe = dS ke scale; dke = dS^T qe scale;
//   dve = P^T doe; dqkv = scatter (dK, dV summed per KV group)
// All GEMMs fp32 (pedantic, no TF32).
#include "train.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

namespace {

// Stream-ordered device allocations freed (on the stream) when it goes out of scope.
struct Scratch {
    cudaStream_t stream = nullptr;
    std::vector<void *> ptrs;
    explicit Scratch(cudaStream_t s) : stream(s) {}
    ~Scratch() {
        for (void *p : ptrs) cudaFreeAsync(p, stream);
    }
    int floats(float **out, int64_t n, const float *host = nullptr) {
        void *p = nullptr;
        NMC_CUDA(cudaMallocAsync(&p, (size_t)std::max<int64_t>(n, 4) * sizeof(float), stream));
        ptrs.push_back(p);
        *out = static_cast<float *>(p);
        if (host) NMC_CUDA(cudaMemcpyAsync(p, host, (size_t)n * sizeof(float), cudaMemcpyHostToDevice, stream));
        return NMC_OK;
    }
};

// A stream, a cuBLAS handle and scratch for nmc_k_train_attention, all released when the call returns.
struct Work {
    cudaStream_t stream = nullptr;
    nmc::Gemm gemm;
    std::unique_ptr<Scratch> mem;
    ~Work() {
        mem.reset();
        if (stream) cudaStreamSynchronize(stream);
        nmc::gemm_destroy(gemm);
        if (stream) cudaStreamDestroy(stream);
    }
    int download(float *host, const float *dev, int64_t n) {
        NMC_CUDA(cudaMemcpyAsync(host, dev, (size_t)n * sizeof(float), cudaMemcpyDeviceToHost, stream));
        NMC_CUDA(cudaStreamSynchronize(stream));
        return NMC_OK;
    }
};

}  // namespace

int nmc::train::attention_materialised(Gemm &gemm, cudaStream_t st, const k::train::FlashAttn &a, const float *dout,
                                       float *o, float *dqkv) {
    namespace kt = nmc::k::train;
    Scratch w(st);
    int B = a.batch, L = a.seq_len, hd = a.head_dim, n = B * a.q_heads;
    long long hs = (long long)L * hd, ss = (long long)L * L;
    int64_t heads = (int64_t)n * hs;
    float *qe, *ke, *ve, *oe, *p;
    NMC_TRY(w.floats(&qe, heads));
    NMC_TRY(w.floats(&ke, heads));
    NMC_TRY(w.floats(&ve, heads));
    NMC_TRY(w.floats(&oe, heads));
    NMC_TRY(w.floats(&p, (int64_t)n * ss));
    NMC_TRY(kt::attn_gather(a.qkv, (int)a.ld, B, L, a.q_heads, a.kv_heads, hd, qe, ke, ve, st));           // 1.
    NMC_TRY(nmc::gemm_rm(gemm, NMC_F32, false, true, L, L, hd, a.scale, qe, hd, hs, ke, hd, hs, 0.0f, p, L, ss, n));  // 2.
    NMC_TRY(kt::causal_softmax(p, n, L, st));
    NMC_TRY(nmc::gemm_rm(gemm, NMC_F32, false, false, L, hd, L, 1.0f, p, L, ss, ve, hd, hs, 0.0f, oe, hd, hs, n));  // 3.
    NMC_TRY(kt::attn_heads_to_rows(oe, B, L, a.q_heads, hd, o, st));
    if (dout == nullptr) return NMC_OK;
    float *doe, *dp, *dqe, *dke, *dve;
    NMC_TRY(w.floats(&doe, heads));
    NMC_TRY(w.floats(&dqe, heads));
    NMC_TRY(w.floats(&dke, heads));
    NMC_TRY(w.floats(&dve, heads));
    NMC_TRY(w.floats(&dp, (int64_t)n * ss));
    NMC_TRY(kt::attn_rows_to_heads(dout, B, L, a.q_heads, hd, doe, st));
    NMC_TRY(nmc::gemm_rm(gemm, NMC_F32, false, true, L, L, hd, 1.0f, doe, hd, hs, ve, hd, hs, 0.0f, dp, L, ss, n));
    NMC_TRY(kt::softmax_backward(p, dp, n, L, st));
    NMC_TRY(nmc::gemm_rm(gemm, NMC_F32, false, false, L, hd, L, a.scale, dp, L, ss, ke, hd, hs, 0.0f, dqe, hd, hs, n));
    NMC_TRY(nmc::gemm_rm(gemm, NMC_F32, true, false, L, hd, L, a.scale, dp, L, ss, qe, hd, hs, 0.0f, dke, hd, hs, n));
    NMC_TRY(nmc::gemm_rm(gemm, NMC_F32, true, false, L, hd, L, 1.0f, p, L, ss, doe, hd, hs, 0.0f, dve, hd, hs, n));
    return kt::attn_scatter(dqe, dke, dve, B, L, a.q_heads, a.kv_heads, hd, dqkv, (int)a.ld, st);
}

extern "C" int nmc_k_train_attention(int impl, int batch, int seq_len, int q_heads, int kv_heads, int head_dim,
                                     const float *qkv, const float *dout, float *out, float *lse_out, float *dqkv,
                                     float *ms) {
    if (qkv == nullptr || out == nullptr || (dout == nullptr) != (dqkv == nullptr))
        return nmc::fail("nmc_k_train_attention: qkv and out are required, dout and dqkv go together");
    if (impl < 0 || impl > 4)
        return nmc::fail("nmc_k_train_attention: impl must be 0 (materialised), 1 (flash fp32), 2 (flash tensor cores), 3 "
                         "(the register-resident forward, tensor-core backward) or 4 (register-resident forward and backward)");
    if (batch <= 0 || seq_len <= 0 || q_heads <= 0 || kv_heads <= 0 || head_dim <= 0 || q_heads % kv_heads ||
        (int64_t)batch * seq_len > (1 << 24))
        return nmc::fail("nmc_k_train_attention: bad shape");
    Work w;
    NMC_CUDA(cudaStreamCreateWithFlags(&w.stream, cudaStreamNonBlocking));
    NMC_TRY(nmc::gemm_create(w.gemm, w.stream));
    w.mem = std::make_unique<Scratch>(w.stream);
    int64_t R = (int64_t)batch * seq_len, ld = (int64_t)(q_heads + 2 * kv_heads) * head_dim, qw = (int64_t)q_heads * head_dim;
    int64_t stats = (int64_t)batch * q_heads * seq_len;
    float *d_qkv, *d_o, *d_do = nullptr, *d_dqkv = nullptr, *d_lse, *d_delta;
    NMC_TRY(w.mem->floats(&d_qkv, R * ld, qkv));
    NMC_TRY(w.mem->floats(&d_o, R * qw));
    NMC_TRY(w.mem->floats(&d_lse, stats));
    NMC_TRY(w.mem->floats(&d_delta, stats));
    if (dout) {
        NMC_TRY(w.mem->floats(&d_do, R * qw, dout));
        NMC_TRY(w.mem->floats(&d_dqkv, R * ld));
    }
    nmc::k::train::FlashAttn a{batch, seq_len, q_heads, kv_heads, head_dim, 1.0f / sqrtf((float)head_dim), d_qkv, ld};
    cudaEvent_t e0 = nullptr, e1 = nullptr;
    NMC_CUDA(cudaEventCreate(&e0));
    NMC_CUDA(cudaEventCreate(&e1));
    NMC_CUDA(cudaEventRecord(e0, w.stream));
    int rc;
    if (impl == 0) {
        rc = nmc::train::attention_materialised(w.gemm, w.stream, a, d_do, d_o, d_dqkv);
    } else if (impl >= 2) {
        rc = impl == 2 ? nmc::k::train::flash_tc_forward(a, d_o, d_lse, w.stream)
                       : nmc::k::train::flash_mma_forward(a, d_o, d_lse, w.stream);
        if (rc == NMC_OK && dout)
            rc = impl == 4 ? nmc::k::train::flash_mma_backward(a, d_o, d_do, d_lse, d_delta, d_dqkv, (int)ld, w.stream)
                           : nmc::k::train::flash_tc_backward(a, d_o, d_do, d_lse, d_delta, d_dqkv, (int)ld, w.stream);
    } else {
        rc = nmc::k::train::flash_forward(a, d_o, d_lse, w.stream);
        if (rc == NMC_OK && dout)
            rc = nmc::k::train::flash_backward(a, d_o, d_do, d_lse, d_delta, d_dqkv, (int)ld, w.stream);
    }
    cudaError_t err = cudaEventRecord(e1, w.stream);
    if (err == cudaSuccess) err = cudaEventSynchronize(e1);
    float elapsed = 0;
    if (err == cudaSuccess) err = cudaEventElapsedTime(&elapsed, e0, e1);
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
    if (rc != NMC_OK) return rc;
    if (err != cudaSuccess) return nmc::cuda_fail(err, "nmc_k_train_attention");
    if (ms) *ms = elapsed;
    NMC_TRY(w.download(out, d_o, R * qw));
    if (lse_out && impl != 0) NMC_TRY(w.download(lse_out, d_lse, stats));
    if (dqkv) NMC_TRY(w.download(dqkv, d_dqkv, R * ld));
    return NMC_OK;
}
