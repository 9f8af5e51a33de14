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

// nmc_k_train_mamba_gated_norm, nmc_k_train_mamba_conv_dt: the Mamba layer's element-wise steps
// (train_mamba.cu 5, and 3 + 2 of the backward) on host arrays, impl 0 today's kernels, 1 the row
// kernels (kernels/train_mamba_rows.cu, the default; NMC_MAMBA_ELEM=old gives impl 0); reps > 0: then that many more calls
// timed on the device, *ms the mean per call (forward, backward). For test/train_selftest_mamba_rows.h.
namespace {

// ms per call of `reps` calls of f (after the checked call)
template <class F>
int time_reps(cudaStream_t stream, int reps, float *ms, F f) {
    if (reps <= 0 || ms == nullptr) return NMC_OK;
    cudaEvent_t e0, e1;
    NMC_CUDA(cudaEventCreate(&e0));
    NMC_CUDA(cudaEventCreate(&e1));
    int rc = NMC_OK;
    if (cudaEventRecord(e0, stream) != cudaSuccess) rc = nmc::fail("time_reps: event");
    for (int i = 0; i < reps && rc == NMC_OK; i++) rc = f();
    if (rc == NMC_OK && (cudaEventRecord(e1, stream) != cudaSuccess || cudaEventSynchronize(e1) != cudaSuccess ||
                         cudaEventElapsedTime(ms, e0, e1) != cudaSuccess))
        rc = nmc::fail("time_reps: event timing failed");
    if (rc == NMC_OK) *ms /= (float)reps;
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
    return rc;
}

}  // namespace

// y [rows, dim], z [rows, z_ld] (the gate columns), w [dim], dmid [rows, dim] -> mid [rows, dim],
// rstd [rows, groups] (forward); dy [rows, dim], dz [rows, z_ld] (zeros outside the dim columns),
// dw += (backward, from the forward's rstd)
extern "C" int nmc_k_train_mamba_gated_norm(int impl, int rows, int dim, int groups, int z_ld, const float *y,
                                            const float *z, const float *w, float eps, const float *dmid, float *mid,
                                            float *rstd, float *dy, float *dz, float *dw, int reps, float *ms) {
    namespace kt = nmc::k::train;
    if (!y || !z || !w || !dmid || !mid || !rstd || !dy || !dz || !dw || (impl != 0 && impl != 1))
        return nmc::fail("nmc_k_train_mamba_gated_norm: null argument or impl not 0/1");
    if (bad(rows, z_ld) || z_ld < dim || groups <= 0 || dim % groups != 0 ||
        (impl == 1 && !kt::gated_norm_rows_supported(dim, groups)))
        return nmc::fail("nmc_k_train_mamba_gated_norm: bad shape");
    const int64_t n = (int64_t)rows * dim, nz = (int64_t)rows * z_ld, work_n = kt::gated_norm_rows_work_floats(rows, dim);
    Work k;
    NMC_TRY(k.start());
    float *d_y, *d_z, *d_w, *d_dmid, *d_mid, *d_rstd, *d_tg, *d_dtmp, *d_dz, *d_dw, *d_work;
    NMC_TRY(k.floats(&d_y, n, y));
    NMC_TRY(k.floats(&d_z, nz, z));
    NMC_TRY(k.floats(&d_w, dim, w));
    NMC_TRY(k.floats(&d_dmid, n, dmid));
    NMC_TRY(k.floats(&d_mid, n, nullptr));
    NMC_TRY(k.floats(&d_rstd, (int64_t)rows * groups, nullptr));
    NMC_TRY(k.floats(&d_tg, n, nullptr, impl == 1));
    NMC_TRY(k.floats(&d_dtmp, n, nullptr, impl == 1));
    NMC_TRY(k.floats(&d_dz, nz, nullptr));
    NMC_TRY(k.floats(&d_dw, dim, dw));
    NMC_TRY(k.floats(&d_work, work_n, nullptr, impl == 0));
    auto fwd = [&] {
        if (impl == 1) return kt::gated_norm_forward_rows(d_y, d_z, z_ld, rows, dim, groups, d_w, eps, d_mid, d_rstd, k.stream);
        NMC_TRY(kt::gate_forward(d_y, d_z, z_ld, rows, dim, d_tg, k.stream));
        return kt::rms_forward(d_tg, rows, dim, groups, d_w, eps, d_mid, d_rstd, k.stream);
    };
    auto bwd = [&] {  // dmid in, dy out in place (as the trainer's dmid)
        if (impl == 1)
            return kt::gated_norm_backward_rows(d_y, d_z, d_dz, z_ld, d_w, d_rstd, d_dmid, rows, dim, groups, d_dw, d_work,
                                                work_n, k.stream);
        NMC_TRY(kt::rms_backward(d_tg, d_w, d_rstd, d_dmid, rows, dim, groups, d_dtmp, false, d_dw, k.stream));
        return kt::gate_backward(d_y, d_z, z_ld, d_dtmp, rows, dim, d_dmid, d_dz, k.stream);
    };
    NMC_TRY(fwd());
    NMC_TRY(bwd());
    NMC_TRY(k.download(mid, d_mid, n));
    NMC_TRY(k.download(rstd, d_rstd, (int64_t)rows * groups));
    NMC_TRY(k.download(dy, d_dmid, n));
    NMC_TRY(k.download(dz, d_dz, nz));
    NMC_TRY(k.download(dw, d_dw, dim));
    NMC_TRY(k.finish());
    NMC_TRY(time_reps(k.stream, reps, ms, fwd));
    NMC_TRY(time_reps(k.stream, reps, ms ? ms + 1 : nullptr, bwd));  // dmid keeps changing: timing only
    return k.finish();
}

// proj [B L, ld]: xBC in columns [0, C), dt_raw in [C, C + H); dxbc [B L, C] (d xbc after the SiLU),
// ddt [B L, H]; w [C, K], bias [C] (nullable), dt_bias [H] -> dproj [B L, ld] (d xBC, d dt_raw in
// the same columns; zeros elsewhere), dw, db (nullable with bias), ddt_bias: +=
extern "C" int nmc_k_train_mamba_conv_dt(int impl, int batch, int seq_len, int channels, int kernel, int heads, int ld,
                                         float lo, float hi, const float *proj, const float *w, const float *bias,
                                         const float *dt_bias, const float *dxbc, const float *ddt, float *dproj,
                                         float *dw, float *db, float *ddt_bias, int reps, float *ms) {
    namespace kt = nmc::k::train;
    if (!proj || !w || !dt_bias || !dxbc || !ddt || !dproj || !dw || !ddt_bias || (bias == nullptr) != (db == nullptr) ||
        (impl != 0 && impl != 1))
        return nmc::fail("nmc_k_train_mamba_conv_dt: null argument (bias and db go together) or impl not 0/1");
    const int64_t R = (int64_t)batch * seq_len;
    if (batch <= 0 || bad(R, ld) || ld < channels + heads || kernel <= 0 || kernel > 8 || heads <= 0)
        return nmc::fail("nmc_k_train_mamba_conv_dt: bad shape");
    const int64_t work_n = kt::conv_dt_rows_work_floats(batch, seq_len, channels, kernel, heads);
    Work k;
    NMC_TRY(k.start());
    float *d_p, *d_w, *d_b, *d_tb, *d_dx, *d_ddt, *d_dp, *d_dw, *d_db, *d_dtb, *d_work;
    NMC_TRY(k.floats(&d_p, R * ld, proj));
    NMC_TRY(k.floats(&d_w, (int64_t)channels * kernel, w));
    NMC_TRY(k.floats(&d_b, channels, bias, bias == nullptr));
    NMC_TRY(k.floats(&d_tb, heads, dt_bias));
    NMC_TRY(k.floats(&d_dx, R * channels, dxbc));
    NMC_TRY(k.floats(&d_ddt, R * heads, ddt));
    NMC_TRY(k.floats(&d_dp, R * ld, nullptr));
    NMC_TRY(k.floats(&d_dw, (int64_t)channels * kernel, dw));
    NMC_TRY(k.floats(&d_db, channels, db, db == nullptr));
    NMC_TRY(k.floats(&d_dtb, heads, ddt_bias));
    NMC_TRY(k.floats(&d_work, work_n, nullptr, impl == 0));
    auto call = [&] {
        if (impl == 0) {
            NMC_TRY(kt::dt_backward(d_p + channels, ld, d_tb, d_ddt, (int)R, heads, lo, hi, d_dp + channels, d_dtb, k.stream));
            return kt::conv_backward(d_p, ld, d_w, d_b, d_dx, channels, batch, seq_len, channels, kernel, d_dp, ld, d_dw,
                                     d_db, k.stream);
        }
        kt::ConvDtBwd a{};
        a.batch = batch, a.seq_len = seq_len, a.channels = channels, a.kernel = kernel;
        a.in = d_p, a.in_stride = ld, a.w = d_w, a.bias = d_b, a.dout = d_dx, a.dout_stride = channels;
        a.din = d_dp, a.din_stride = ld, a.dw = d_dw, a.dbias = d_db;
        a.heads = heads, a.lo = lo, a.hi = hi, a.raw = d_p + channels, a.raw_stride = ld, a.dt_bias = d_tb, a.ddt = d_ddt;
        a.draw = d_dp + channels, a.ddt_bias = d_dtb;
        return kt::conv_dt_backward_rows(a, d_work, work_n, k.stream);
    };
    NMC_TRY(call());
    NMC_TRY(k.download(dproj, d_dp, R * ld));
    NMC_TRY(k.download(dw, d_dw, (int64_t)channels * kernel));
    NMC_TRY(k.download(db, d_db, channels));
    NMC_TRY(k.download(ddt_bias, d_dtb, heads));
    NMC_TRY(k.finish());
    NMC_TRY(time_reps(k.stream, reps, ms, call));
    return k.finish();
}
