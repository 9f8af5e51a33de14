// The decode fusions of NMC_DECODE_FUSE on host arrays, for the self-test (test/selftest_decode_fuse.h):
// nmc_k_norm_gemv (RMSNorm then a GEMV, or the GEMV with the norm inside) and nmc_k_gated_norm_decode
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

extern "C" int nmc_k_norm_gemv(int fused, int kind, int rows, int dim, int out, int block, const float *h, const float *norm_w,
                               float eps, const void *w, const float *scale, float beta, float *y, int reps, float *ms) {
    namespace k = nmc::k;
    if (fused < 0 || fused > 1 || kind < 0 || kind > 2 || rows < 1 || rows > 2 || dim <= 0 || out <= 0 || block < 0 || h == nullptr ||
        norm_w == nullptr || w == nullptr || y == nullptr || (kind > 0 && scale == nullptr) || reps < 0 || reps > 1000)
        return nmc::fail("nmc_k_norm_gemv: bad argument (fused 0/1, kind 0 bf16 / 1 gemv_fp8 / 2 xreg, rows 1..2, all arrays)");
    if (fused && !k::row_norm_fusable(rows, dim)) return nmc::fail("nmc_k_norm_gemv: the fused norm does not take this shape");
    Scratch s;
    NMC_TRY(s.init());
    const size_t wbytes = (size_t)out * dim * (kind == 0 ? 2 : 1);
    const int64_t nscale = kind == 0 ? 0 : block > 0 ? (int64_t)((out + block - 1) / block) * ((dim + block - 1) / block) : out;
    const int copies = ms != nullptr && reps > 0 ? (int)std::max<size_t>(1, ((size_t)256 << 20) / wbytes + 1) : 1;
    float *dh, *dnw, *dscale = nullptr, *dy;
    void *dxn;
    std::vector<void *> dw(copies);
    NMC_TRY(s.buffer(&dh, (size_t)rows * dim * 4, h));
    NMC_TRY(s.buffer(&dnw, (size_t)dim * 4, norm_w));
    if (kind > 0) NMC_TRY(s.buffer(&dscale, (size_t)nscale * 4, scale));
    for (int c = 0; c < copies; c++) NMC_TRY(s.buffer(&dw[c], wbytes, w));
    NMC_TRY(s.buffer(&dxn, (size_t)rows * dim * 2, nullptr));
    NMC_TRY(s.buffer(&dy, (size_t)rows * out * 4, y));
    const k::RowNorm rn = k::row_norm(dh, dnw, eps, dim);
    auto once = [&](int c, float b) -> int {
        if (!fused) NMC_TRY(k::rms_norm(dh, rows, dim, dnw, eps, dxn, NMC_BF16, s.st));
        const k::RowNorm *n = fused ? &rn : nullptr;
        if (kind == 0) return k::gemv_bf16(dxn, dw[c], dy, rows, dim, out, b, s.st, n);
        k::Fp8Weight f;
        f.q = static_cast<uint8_t *>(dw[c]), f.scale = dscale, f.out = out, f.in = dim, f.block = block;
        if (kind == 1) return k::gemv_fp8(dxn, f, dy, rows, b, s.st, n);
        return k::gemv_fp8_xreg(dxn, f, dy, rows, b, s.st, n);
    };
    NMC_TRY(once(0, beta));
    NMC_CUDA(cudaMemcpyAsync(y, dy, (size_t)rows * out * 4, cudaMemcpyDeviceToHost, s.st));
    NMC_CUDA(cudaStreamSynchronize(s.st));
    if (ms != nullptr && reps > 0) NMC_TRY(s.time(reps, copies, ms, [&](int c) { return once(c, 0.0f); }));
    return NMC_OK;
}

extern "C" int nmc_k_gated_norm_decode(int fused, int rows, int dim, int groups, int z_stride, const float *y, const float *z,
                                       const float *w, float eps, int out_dtype, float *out, int reps, float *ms) {
    namespace k = nmc::k;
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
