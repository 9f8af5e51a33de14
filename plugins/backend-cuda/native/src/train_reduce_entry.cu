// nmc_k_train_conv_backward, nmc_k_train_rms_backward, nmc_k_train_dt_backward: the row-summing
// backward kernels (kernels/train_reduce.cu) on host arrays, for the self-test
// (test/train_selftest_reduce.h); nmc_k_train_cross_entropy: the head's fused cross-entropy
// (kernels/train_xent.cu; test/train_selftest_head.h).
#include "kernels/train_kernels.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace {

// Device copies of host arrays, a stream; freed when the call returns.
struct Work {
    cudaStream_t stream = nullptr;
    std::vector<void *> ptrs;
    ~Work() {
        if (stream) cudaStreamSynchronize(stream);
        for (void *p : ptrs) cudaFree(p);
        if (stream) cudaStreamDestroy(stream);
    }
    int start() {
        NMC_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
        return NMC_OK;
    }
    // a device array of n floats: host's values, or zeros when host is null; null when n is 0 or skip
    int floats(float **out, int64_t n, const float *host, bool skip = false) {
        *out = nullptr;
        if (skip) return NMC_OK;
        void *p = nullptr;
        NMC_CUDA(cudaMalloc(&p, (size_t)std::max<int64_t>(n, 1) * sizeof(float)));
        ptrs.push_back(p);
        *out = static_cast<float *>(p);
        if (host) NMC_CUDA(cudaMemcpyAsync(p, host, (size_t)n * sizeof(float), cudaMemcpyHostToDevice, stream));
        else NMC_CUDA(cudaMemsetAsync(p, 0, (size_t)n * sizeof(float), stream));
        return NMC_OK;
    }
    int download(float *host, const float *dev, int64_t n) {
        if (host == nullptr || dev == nullptr) return NMC_OK;
        NMC_CUDA(cudaMemcpyAsync(host, dev, (size_t)n * sizeof(float), cudaMemcpyDeviceToHost, stream));
        return NMC_OK;
    }
    int finish() {
        NMC_CUDA(cudaStreamSynchronize(stream));
        return NMC_OK;
    }
};

bool bad(int64_t a, int64_t b) { return a <= 0 || b <= 0 || a * b > (1 << 26); }

}  // namespace

extern "C" int nmc_k_train_conv_backward(int batch, int seq_len, int channels, int kernel, const float *in,
                                         const float *w, const float *bias, const float *dout, float *din, float *dw,
                                         float *dbias) {
    if (in == nullptr || w == nullptr || dout == nullptr || din == nullptr || dw == nullptr || (bias == nullptr) != (dbias == nullptr))
        return nmc::fail("nmc_k_train_conv_backward: null argument (bias and dbias go together)");
    if (batch <= 0 || bad((int64_t)batch * seq_len, channels) || kernel <= 0 || kernel > 8)
        return nmc::fail("nmc_k_train_conv_backward: bad shape");
    const int64_t n = (int64_t)batch * seq_len * channels;
    Work k;
    NMC_TRY(k.start());
    float *d_in, *d_w, *d_b, *d_dout, *d_din, *d_dw, *d_db;
    NMC_TRY(k.floats(&d_in, n, in));
    NMC_TRY(k.floats(&d_w, (int64_t)channels * kernel, w));
    NMC_TRY(k.floats(&d_b, channels, bias, bias == nullptr));
    NMC_TRY(k.floats(&d_dout, n, dout));
    NMC_TRY(k.floats(&d_din, n, nullptr));
    NMC_TRY(k.floats(&d_dw, (int64_t)channels * kernel, dw));
    NMC_TRY(k.floats(&d_db, channels, dbias, dbias == nullptr));
    NMC_TRY(nmc::k::train::conv_backward(d_in, channels, d_w, d_b, d_dout, channels, batch, seq_len, channels, kernel,
                                         d_din, channels, d_dw, d_db, k.stream));
    NMC_TRY(k.download(din, d_din, n));
    NMC_TRY(k.download(dw, d_dw, (int64_t)channels * kernel));
    NMC_TRY(k.download(dbias, d_db, channels));
    return k.finish();
}

extern "C" int nmc_k_train_rms_backward(int rows, int dim, int groups, const float *x, const float *w,
                                        const float *rstd, const float *dy, float *dx, float *dw) {
    if (x == nullptr || w == nullptr || rstd == nullptr || dy == nullptr || dx == nullptr || dw == nullptr)
        return nmc::fail("nmc_k_train_rms_backward: null argument");
    if (bad(rows, dim) || groups <= 0 || dim % groups != 0) return nmc::fail("nmc_k_train_rms_backward: bad shape");
    const int64_t n = (int64_t)rows * dim;
    Work k;
    NMC_TRY(k.start());
    float *d_x, *d_w, *d_r, *d_dy, *d_dx, *d_dw;
    NMC_TRY(k.floats(&d_x, n, x));
    NMC_TRY(k.floats(&d_w, dim, w));
    NMC_TRY(k.floats(&d_r, (int64_t)rows * groups, rstd));
    NMC_TRY(k.floats(&d_dy, n, dy));
    NMC_TRY(k.floats(&d_dx, n, nullptr));
    NMC_TRY(k.floats(&d_dw, dim, dw));
    NMC_TRY(nmc::k::train::rms_backward(d_x, d_w, d_r, d_dy, rows, dim, groups, d_dx, false, d_dw, k.stream));
    NMC_TRY(k.download(dx, d_dx, n));
    NMC_TRY(k.download(dw, d_dw, dim));
    return k.finish();
}

extern "C" int nmc_k_train_dt_backward(int rows, int heads, float lo, float hi, const float *raw, const float *bias,
                                       const float *ddt, float *draw, float *dbias) {
    if (raw == nullptr || bias == nullptr || ddt == nullptr || draw == nullptr || dbias == nullptr)
        return nmc::fail("nmc_k_train_dt_backward: null argument");
    if (bad(rows, heads)) return nmc::fail("nmc_k_train_dt_backward: bad shape");
    const int64_t n = (int64_t)rows * heads;
    Work k;
    NMC_TRY(k.start());
    float *d_raw, *d_b, *d_ddt, *d_draw, *d_db;
    NMC_TRY(k.floats(&d_raw, n, raw));
    NMC_TRY(k.floats(&d_b, heads, bias));
    NMC_TRY(k.floats(&d_ddt, n, ddt));
    NMC_TRY(k.floats(&d_draw, n, nullptr));
    NMC_TRY(k.floats(&d_db, heads, dbias));
    NMC_TRY(nmc::k::train::dt_backward(d_raw, heads, d_b, d_ddt, rows, heads, lo, hi, d_draw, d_db, k.stream));
    NMC_TRY(k.download(draw, d_draw, n));
    NMC_TRY(k.download(dbias, d_db, heads));
    return k.finish();
}

extern "C" int nmc_k_train_cross_entropy(int rows, int vocab, const float *logits, const int32_t *labels, float scale,
                                         const float *weights, int bf16, float *loss, float *dlogits) {
    if (logits == nullptr || labels == nullptr || loss == nullptr)
        return nmc::fail("nmc_k_train_cross_entropy: null argument");
    if (bad(rows, vocab) || (bf16 != 0 && bf16 != 1)) return nmc::fail("nmc_k_train_cross_entropy: bad shape or bf16 flag");
    for (int r = 0; r < rows; r++) {
        if (labels[r] >= vocab) return nmc::fail("nmc_k_train_cross_entropy: label outside the vocabulary");
    }
    const int64_t n = (int64_t)rows * vocab;
    const bool grad = dlogits != nullptr, to16 = grad && bf16;
    Work k;
    NMC_TRY(k.start());
    float *d_x, *d_lab, *d_w, *d_loss, *d_16;
    static_assert(sizeof(int32_t) == sizeof(float), "labels travel as 4-byte words");
    NMC_TRY(k.floats(&d_x, n, logits));
    NMC_TRY(k.floats(&d_lab, rows, reinterpret_cast<const float *>(labels)));
    NMC_TRY(k.floats(&d_w, rows, weights, weights == nullptr));
    NMC_TRY(k.floats(&d_loss, rows, nullptr));
    NMC_TRY(k.floats(&d_16, (n + 1) / 2, nullptr, !to16));
    NMC_TRY(nmc::k::train::cross_entropy_fused(d_x, vocab, reinterpret_cast<const int32_t *>(d_lab), rows, vocab, scale,
                                               d_w, grad, d_loss, d_16, k.stream));
    NMC_TRY(k.download(loss, d_loss, rows));
    if (grad && !to16) NMC_TRY(k.download(dlogits, d_x, n));
    if (to16) {
        std::vector<uint16_t> h(n);
        NMC_CUDA(cudaMemcpyAsync(h.data(), d_16, (size_t)n * 2, cudaMemcpyDeviceToHost, k.stream));
        NMC_TRY(k.finish());
        for (int64_t i = 0; i < n; i++) {
            uint32_t u = (uint32_t)h[i] << 16;
            std::memcpy(&dlogits[i], &u, 4);
        }
    }
    return k.finish();
}
