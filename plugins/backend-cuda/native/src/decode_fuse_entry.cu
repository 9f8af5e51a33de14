// The decode fusions of NMC_DECODE_FUSE on host arrays, for the self-test (test/selftest_decode_fuse.h):
// nmc_k_norm_gemv (RMSNorm then a GEMV, or the GEMV with the norm inside), nmc_k_norm_gemv_relu2 (the
// same then add_bias and relu2, or the GEMV with both inside), nmc_k_norm_gemv_conv (the same then
// conv_step, or the GEMV with the conv step in its store), nmc_k_gated_gemv (the gated norm then a
// GEMV, or the GEMV with it inside) and nmc_k_gated_norm_decode
// (the gated group RMSNorm of today or of decode rows). Slow by design (copies in and out).
#include "kernels/kernels.h"

#include <algorithm>
#include <vector>

namespace {

// Device buffers freed on return, a stream, and two events for timing.
struct Scratch {
    cudaStream_t st = nullptr;
    cudaEvent_t ev[2] = {nullptr, nullptr};
    std::vector<void *> ptrs;
    ~Scratch() {
        for (void *p : ptrs) cudaFree(p);
        for (cudaEvent_t e : ev)
            if (e) cudaEventDestroy(e);
        if (st) cudaStreamDestroy(st);
    }
    int init() {
        NMC_CUDA(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
        NMC_CUDA(cudaEventCreate(&ev[0]));
        NMC_CUDA(cudaEventCreate(&ev[1]));
        return NMC_OK;
    }
    template <typename T>
    int buffer(T **out, size_t bytes, const void *host) {
        void *p = nullptr;
        NMC_CUDA(cudaMalloc(&p, bytes > 0 ? bytes : 16));
        ptrs.push_back(p);
        if (host != nullptr && bytes > 0) NMC_CUDA(cudaMemcpyAsync(p, host, bytes, cudaMemcpyHostToDevice, st));
        *out = static_cast<T *>(p);
        return NMC_OK;
    }
    // ms = the average of `reps` runs of once(i) (after one warm-up run of each copy)
    template <typename F>
    int time(int reps, int copies, float *ms, F once) {
        for (int c = 0; c < copies; c++) NMC_TRY(once(c));
        NMC_CUDA(cudaEventRecord(ev[0], st));
        for (int i = 0; i < reps; i++) NMC_TRY(once(i % copies));
        NMC_CUDA(cudaEventRecord(ev[1], st));
        NMC_CUDA(cudaEventSynchronize(ev[1]));
        NMC_CUDA(cudaEventElapsedTime(ms, ev[0], ev[1]));
        *ms /= reps;
        return NMC_OK;
    }
};

}  // namespace

namespace {

namespace k = nmc::k;

// A decode GEMV's weights on the device in `copies` copies (>= 256 MB together when timed, so every
// run streams from HBM): kind 0 BF16 bits [out, dim], 1 E4M3 codes through gemv_fp8
struct Weights {
    int kind, rows, dim, out, block, copies;
    std::vector<void *> w;
    float *scale = nullptr;
    int init(Scratch &s, const void *host, const float *host_scale, bool timed) {
        const size_t bytes = (size_t)out * dim * (kind == 0 ? 2 : 1);
        const int64_t nscale = kind == 0 ? 0 : block > 0 ? (int64_t)((out + block - 1) / block) * ((dim + block - 1) / block) : out;
        copies = timed ? (int)std::max<size_t>(1, ((size_t)256 << 20) / bytes + 1) : 1;
        w.resize(copies);
        if (kind > 0) NMC_TRY(s.buffer(&scale, (size_t)nscale * 4, host_scale));
        for (int c = 0; c < copies; c++) NMC_TRY(s.buffer(&w[c], bytes, host));
        return NMC_OK;
    }
    // y = x . W^T + beta y with copy c, x made in the kernel where norm or gated is set (act: its epilogue)
    int gemv(int c, const void *x, float *y, float beta, cudaStream_t st, const k::RowNorm *norm, const k::Relu2Out *act,
             const k::GatedNorm *gated, const k::ConvStep *conv = nullptr) const {
        if (kind == 0) return k::gemv_bf16(x, w[c], y, rows, dim, out, beta, st, norm, act, gated, conv);
        k::Fp8Weight f;
        f.q = static_cast<uint8_t *>(w[c]), f.scale = scale, f.out = out, f.in = dim, f.block = block;
        return k::gemv_fp8(x, f, y, rows, beta, st, norm, act, gated, conv);
    }
};

bool bad_gemv_args(int fused, int kind, int rows, int dim, int out, int block, const void *w, const float *scale, const float *y,
                   int reps) {
    return fused < 0 || fused > 1 || kind < 0 || kind > 1 || rows < 1 || rows > 2 || dim <= 0 || out <= 0 || block < 0 || w == nullptr ||
           y == nullptr || (kind > 0 && scale == nullptr) || reps < 0 || reps > 1000;
}

// nmc_k_norm_gemv (relu2 false: y fp32) and nmc_k_norm_gemv_relu2 (true: y = relu(GEMV + bias)^2 as BF16,
// returned as fp32; beta 0)
int norm_gemv(int fused, int kind, int rows, int dim, int out, int block, const float *h, const float *norm_w, float eps,
              const void *w, const float *scale, float beta, bool relu2, const float *bias, float *y, int reps, float *ms) {
    if (bad_gemv_args(fused, kind, rows, dim, out, block, w, scale, y, reps) || h == nullptr || norm_w == nullptr)
        return nmc::fail("nmc_k_norm_gemv: bad argument (fused 0/1, kind 0 bf16 / 1 gemv_fp8, rows 1..2, all arrays)");
    if (fused && !k::row_norm_fusable(rows, dim)) return nmc::fail("nmc_k_norm_gemv: the fused norm does not take this shape");
    Scratch s;
    NMC_TRY(s.init());
    Weights W{kind, rows, dim, out, block};
    NMC_TRY(W.init(s, w, scale, ms != nullptr && reps > 0));
    float *dh, *dnw, *dy, *dbias = nullptr, *dact32 = nullptr;
    void *dxn, *dact = nullptr;
    NMC_TRY(s.buffer(&dh, (size_t)rows * dim * 4, h));
    NMC_TRY(s.buffer(&dnw, (size_t)dim * 4, norm_w));
    NMC_TRY(s.buffer(&dxn, (size_t)rows * dim * 2, nullptr));
    NMC_TRY(s.buffer(&dy, (size_t)rows * out * 4, y));
    if (relu2) {
        if (bias != nullptr) NMC_TRY(s.buffer(&dbias, (size_t)out * 4, bias));
        NMC_TRY(s.buffer(&dact, (size_t)rows * out * 2, nullptr));
        NMC_TRY(s.buffer(&dact32, (size_t)rows * out * 4, nullptr));
    }
    const k::RowNorm rn = k::row_norm(dh, dnw, eps, dim);
    const k::Relu2Out act{dact, NMC_BF16, dbias};
    auto once = [&](int c, float b) -> int {  // unfused relu2: add_bias and relu2 after the GEMV, as mlp() does
        if (!fused) NMC_TRY(k::rms_norm(dh, rows, dim, dnw, eps, dxn, NMC_BF16, s.st));
        NMC_TRY(W.gemv(c, dxn, dy, b, s.st, fused ? &rn : nullptr, fused && relu2 ? &act : nullptr, nullptr));
        if (!relu2 || fused) return NMC_OK;
        if (dbias != nullptr) NMC_TRY(k::add_bias(dy, out, dbias, rows, out, s.st));
        return k::relu2(dy, out, rows, out, dact, NMC_BF16, s.st);
    };
    NMC_TRY(once(0, beta));
    if (relu2) NMC_TRY(k::convert(dact32, NMC_F32, dact, NMC_BF16, (int64_t)rows * out, s.st));
    NMC_CUDA(cudaMemcpyAsync(y, relu2 ? dact32 : dy, (size_t)rows * out * 4, cudaMemcpyDeviceToHost, s.st));
    NMC_CUDA(cudaStreamSynchronize(s.st));
    if (ms != nullptr && reps > 0) NMC_TRY(s.time(reps, W.copies, ms, [&](int c) { return once(c, 0.0f); }));
    return NMC_OK;
}

}  // namespace

extern "C" int nmc_k_norm_gemv(int fused, int kind, int rows, int dim, int out, int block, const float *h, const float *norm_w,
                               float eps, const void *w, const float *scale, float beta, float *y, int reps, float *ms) {
    return norm_gemv(fused, kind, rows, dim, out, block, h, norm_w, eps, w, scale, beta, false, nullptr, y, reps, ms);
}

extern "C" int nmc_k_norm_gemv_relu2(int fused, int kind, int rows, int dim, int out, int block, const float *h, const float *norm_w,
                                     float eps, const void *w, const float *scale, const float *bias, float *act, int reps, float *ms) {
    return norm_gemv(fused, kind, rows, dim, out, block, h, norm_w, eps, w, scale, 0.0f, true, bias, act, reps, ms);
}

extern "C" int nmc_k_norm_gemv_conv(int fused, int kind, int rows, int dim, int out, int block, const float *h, const float *norm_w,
                                    float eps, const void *w, const float *scale, int first, int channels, int conv_k, const float *conv_w,
                                    const float *conv_b, int slots_n, const int32_t *slots, float *windows, float *y, float *xbc, int reps,
                                    float *ms) {
    if (bad_gemv_args(fused, kind, rows, dim, out, block, w, scale, y, reps) || h == nullptr || norm_w == nullptr || first < 0 ||
        channels <= 0 || first + channels > out || conv_k < 1 || conv_k > 8 || conv_w == nullptr || slots_n < rows || slots == nullptr ||
        windows == nullptr || xbc == nullptr)
        return nmc::fail("nmc_k_norm_gemv_conv: bad argument (as nmc_k_norm_gemv's; conv channels inside out, kernel 1..8, all arrays)");
    if (fused && !k::row_norm_fusable(rows, dim)) return nmc::fail("nmc_k_norm_gemv_conv: the fused norm does not take this shape");
    Scratch s;
    NMC_TRY(s.init());
    Weights W{kind, rows, dim, out, block};
    NMC_TRY(W.init(s, w, scale, ms != nullptr && reps > 0));
    const size_t nwin = (size_t)slots_n * channels * (conv_k - 1);
    float *dh, *dnw, *dy, *dcw, *dcb = nullptr, *dwin, *dxbc;
    int32_t *dslots;
    void *dxn;
    NMC_TRY(s.buffer(&dh, (size_t)rows * dim * 4, h));
    NMC_TRY(s.buffer(&dnw, (size_t)dim * 4, norm_w));
    NMC_TRY(s.buffer(&dxn, (size_t)rows * dim * 2, nullptr));
    NMC_TRY(s.buffer(&dy, (size_t)rows * out * 4, nullptr));
    NMC_TRY(s.buffer(&dcw, (size_t)channels * conv_k * 4, conv_w));
    if (conv_b != nullptr) NMC_TRY(s.buffer(&dcb, (size_t)channels * 4, conv_b));
    NMC_TRY(s.buffer(&dwin, nwin * 4, windows));
    NMC_TRY(s.buffer(&dslots, (size_t)rows * 4, slots));
    NMC_TRY(s.buffer(&dxbc, (size_t)rows * channels * 4, nullptr));
    k::Conv cv{};
    cv.in = dy + first, cv.in_stride = out, cv.out = dxbc, cv.out_stride = channels, cv.channels = channels, cv.kernel = conv_k;
    cv.w = dcw, cv.bias = dcb, cv.silu = true;
    const k::ConvStep cs{cv, dwin, dslots, first};
    const k::RowNorm rn = k::row_norm(dh, dnw, eps, dim);
    auto once = [&](int c) -> int {  // unfused: as mamba() without NMC_DECODE_FUSE (rms_norm, in_proj, conv_step)
        if (!fused) NMC_TRY(k::rms_norm(dh, rows, dim, dnw, eps, dxn, NMC_BF16, s.st));
        NMC_TRY(W.gemv(c, dxn, dy, 0.0f, s.st, fused ? &rn : nullptr, nullptr, nullptr, fused ? &cs : nullptr));
        return fused ? NMC_OK : k::conv_step(cv, rows, dwin, dslots, s.st);
    };
    NMC_TRY(once(0));
    NMC_CUDA(cudaMemcpyAsync(y, dy, (size_t)rows * out * 4, cudaMemcpyDeviceToHost, s.st));
    NMC_CUDA(cudaMemcpyAsync(xbc, dxbc, (size_t)rows * channels * 4, cudaMemcpyDeviceToHost, s.st));
    NMC_CUDA(cudaMemcpyAsync(windows, dwin, nwin * 4, cudaMemcpyDeviceToHost, s.st));
    NMC_CUDA(cudaStreamSynchronize(s.st));
    if (ms != nullptr && reps > 0) NMC_TRY(s.time(reps, W.copies, ms, once));  // (the windows keep advancing)
    return NMC_OK;
}

extern "C" int nmc_k_gated_gemv(int fused, int kind, int rows, int dim, int groups, int z_stride, const float *y, const float *z,
                                const float *gnorm_w, float eps, int out, int block, const void *w, const float *scale, float beta,
                                float *yout, int reps, float *ms) {
    if (bad_gemv_args(fused, kind, rows, dim, out, block, w, scale, yout, reps) || groups <= 0 || z_stride < dim || y == nullptr ||
        z == nullptr || gnorm_w == nullptr)
        return nmc::fail("nmc_k_gated_gemv: bad argument (fused 0/1, kind 0 bf16 / 1 gemv_fp8, rows 1..2, z_stride >= dim, all arrays)");
    Scratch s;
    NMC_TRY(s.init());
    Weights W{kind, rows, dim, out, block};
    NMC_TRY(W.init(s, w, scale, ms != nullptr && reps > 0));
    float *dy, *dz, *dg, *dout;
    void *dxn;
    NMC_TRY(s.buffer(&dy, (size_t)rows * dim * 4, y));
    NMC_TRY(s.buffer(&dz, (size_t)rows * z_stride * 4, z));
    NMC_TRY(s.buffer(&dg, (size_t)dim * 4, gnorm_w));
    NMC_TRY(s.buffer(&dxn, (size_t)rows * dim * 2, nullptr));
    NMC_TRY(s.buffer(&dout, (size_t)rows * out * 4, yout));
    const k::GatedNorm gn{dy, dz, dg, dim, z_stride, eps, dim, groups};
    if (fused && !k::gated_norm_fusable(rows, gn)) return nmc::fail("nmc_k_gated_gemv: the fused gated norm does not take this shape");
    auto once = [&](int c, float b) -> int {
        if (!fused) NMC_TRY(k::gated_group_rms_norm(dy, dim, dz, z_stride, rows, dim, groups, dg, eps, dxn, NMC_BF16, s.st, false));
        return W.gemv(c, dxn, dout, b, s.st, nullptr, nullptr, fused ? &gn : nullptr);
    };
    NMC_TRY(once(0, beta));
    NMC_CUDA(cudaMemcpyAsync(yout, dout, (size_t)rows * out * 4, cudaMemcpyDeviceToHost, s.st));
    NMC_CUDA(cudaStreamSynchronize(s.st));
    if (ms != nullptr && reps > 0) NMC_TRY(s.time(reps, W.copies, ms, [&](int c) { return once(c, 0.0f); }));
    return NMC_OK;
}

extern "C" int nmc_k_gated_norm_decode(int fused, int rows, int dim, int groups, int z_stride, const float *y, const float *z,
                                       const float *w, float eps, int out_dtype, float *out, int reps, float *ms) {
    if (fused < 0 || fused > 1 || rows < 1 || dim <= 0 || groups <= 0 || z_stride < dim || y == nullptr || z == nullptr ||
        w == nullptr || out == nullptr || (out_dtype != NMC_F32 && out_dtype != NMC_BF16) || reps < 0 || reps > 1000)
        return nmc::fail("nmc_k_gated_norm_decode: bad argument (fused 0/1, rows >= 1, z_stride >= dim, out_dtype F32 or BF16)");
    Scratch s;
    NMC_TRY(s.init());
    float *dy, *dz, *dw, *dout32;
    void *dout;
    NMC_TRY(s.buffer(&dy, (size_t)rows * dim * 4, y));
    NMC_TRY(s.buffer(&dz, (size_t)rows * z_stride * 4, z));
    NMC_TRY(s.buffer(&dw, (size_t)dim * 4, w));
    NMC_TRY(s.buffer(&dout, (size_t)rows * dim * 4, nullptr));
    NMC_TRY(s.buffer(&dout32, (size_t)rows * dim * 4, nullptr));
    auto once = [&](int) {
        return k::gated_group_rms_norm(dy, dim, dz, z_stride, rows, dim, groups, dw, eps, dout, out_dtype, s.st, fused == 1);
    };
    NMC_TRY(once(0));
    if (out_dtype == NMC_BF16) NMC_TRY(k::convert(dout32, NMC_F32, dout, NMC_BF16, (int64_t)rows * dim, s.st));
    NMC_CUDA(cudaMemcpyAsync(out, out_dtype == NMC_BF16 ? dout32 : dout, (size_t)rows * dim * 4, cudaMemcpyDeviceToHost, s.st));
    NMC_CUDA(cudaStreamSynchronize(s.st));
    if (ms != nullptr && reps > 0) NMC_TRY(s.time(reps, 1, ms, once));
    return NMC_OK;
}
