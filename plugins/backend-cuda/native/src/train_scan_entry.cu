// nmc_k_train_scan: the trainer's Mamba-2 scan on host arrays, sequential (train_scan.cu, the
// reference), chunked (train_ssd.cu), forward and backward, or the fused tensor-core forward
// (ssd_fused.cu) with the experimental fused backward (ssd_fused_bwd.cu), or the chunked scan with
// its backward's intra-chunk part on tensor cores (impl 3: ssd_backward_tc, ssd_tc_bwd.cu), each timed; nmc_k_prefill_scan: inference prefill's scan of one sequence, the
// chunked fp32 scan (ssm_scan.cu) or the fused one, timed. For the self-tests and the benchmarks
// (test/train_selftest.cpp, test/bench.cpp, test/train_bench.cpp).
#include "gemm.h"
#include "kernels/kernels.h"
#include "kernels/ssd_fused.h"
#include "kernels/ssd2.h"
#include "kernels/train_kernels.h"

#include <algorithm>
#include <vector>

namespace {

// Device allocations, events and a stream freed when the call returns.
struct Work {
    cudaStream_t stream = nullptr;
    nmc::Gemm gemm;
    std::vector<void *> ptrs;
    std::vector<cudaEvent_t> events;
    ~Work() {
        if (stream) cudaStreamSynchronize(stream);
        for (void *p : ptrs) cudaFree(p);
        for (cudaEvent_t e : events) cudaEventDestroy(e);
        nmc::gemm_destroy(gemm);
        if (stream) cudaStreamDestroy(stream);
    }
    int floats(float **out, int64_t n, const float *host = nullptr) {
        void *p = nullptr;
        NMC_CUDA(cudaMalloc(&p, (size_t)std::max<int64_t>(n, 4) * sizeof(float)));
        ptrs.push_back(p);
        *out = static_cast<float *>(p);
        if (host) NMC_CUDA(cudaMemcpyAsync(p, host, (size_t)n * sizeof(float), cudaMemcpyHostToDevice, stream));
        else NMC_CUDA(cudaMemsetAsync(p, 0, (size_t)n * sizeof(float), stream));
        return NMC_OK;
    }
    int event(cudaEvent_t *e) {
        NMC_CUDA(cudaEventCreate(e));
        events.push_back(*e);
        return NMC_OK;
    }
    int download(float *host, const float *dev, int64_t n) {
        NMC_CUDA(cudaMemcpyAsync(host, dev, (size_t)n * sizeof(float), cudaMemcpyDeviceToHost, stream));
        return NMC_OK;
    }
};

}  // namespace

extern "C" int nmc_k_train_scan(int impl, int dtype, int batch, int seq_len, int heads, int head_dim, int groups,
                                int state, const float *xbc, const float *dt, const float *a_log, const float *d,
                                const float *dy, float *y, float *dxbc, float *ddt, float *da_log, float *dd,
                                float *ms) {
    namespace kt = nmc::k::train;
    if (xbc == nullptr || dt == nullptr || a_log == nullptr || d == nullptr || y == nullptr ||
        (dy == nullptr) != (dxbc == nullptr) || (dy && (ddt == nullptr || da_log == nullptr || dd == nullptr)))
        return nmc::fail("nmc_k_train_scan: xbc, dt, a_log, d and y are required; dy, dxbc, ddt, da_log, dd go together");
    if (impl < 0 || impl > 3)
        return nmc::fail("nmc_k_train_scan: impl must be 0 (sequential), 1 (chunked), 2 (fused) or 3 (chunked, tc backward)");
    if (impl == 3 && !nmc::k::train::ssd_intra_bwd_tc_supported(head_dim))
        return nmc::fail("nmc_k_train_scan: the tc backward needs head_dim a multiple of 16, at most 128");
    if (impl == 2 && dy != nullptr && !nmc::k::train::ssd_backward_fused_supported(head_dim, state))
        return nmc::fail("nmc_k_train_scan: head_dim x state too large for the fused backward");
    if (impl == 2 && !nmc::k::ssd_fused_supported(head_dim, state))
        return nmc::fail("nmc_k_train_scan: head_dim x state too large for the fused scan");
    if (dtype != NMC_F32 && dtype != NMC_BF16 && dtype != nmc::GEMM_TF32)
        return nmc::fail("nmc_k_train_scan: dtype must be NMC_F32, NMC_BF16 or GEMM_TF32 (100: fp32 GEMMs on TF32 tensor cores)");
    if (batch <= 0 || seq_len <= 0 || heads <= 0 || head_dim <= 0 || groups <= 0 || heads % groups || state <= 0 ||
        (impl == 0 && state > 256) || (int64_t)batch * seq_len > (1 << 24))
        return nmc::fail("nmc_k_train_scan: bad shape");
    Work w;
    NMC_CUDA(cudaStreamCreateWithFlags(&w.stream, cudaStreamNonBlocking));
    NMC_TRY(nmc::gemm_create(w.gemm, w.stream));
    const int cd = heads * head_dim + 2 * groups * state;
    const int64_t R = (int64_t)batch * seq_len, HP = (int64_t)heads * head_dim;
    kt::ScanArgs s{batch, seq_len, heads, head_dim, groups, state, nullptr, cd, nullptr, nullptr, nullptr, &w.gemm, dtype};
    float *d_xbc, *d_dt, *d_al, *d_d, *d_y, *d_work, *d_dy = nullptr, *d_dxbc = nullptr, *d_ddt = nullptr,
                                                    *d_dal = nullptr, *d_dd = nullptr;
    NMC_TRY(w.floats(&d_xbc, R * cd, xbc));
    NMC_TRY(w.floats(&d_dt, R * heads, dt));
    NMC_TRY(w.floats(&d_al, heads, a_log));
    NMC_TRY(w.floats(&d_d, heads, d));
    NMC_TRY(w.floats(&d_y, R * HP));
    s.xbc = d_xbc, s.dt = d_dt, s.a_log = d_al, s.d = d_d;
    NMC_TRY(w.floats(&d_work, impl == 0   ? kt::scan_checkpoint_floats(s)
                              : impl != 2 ? kt::ssd_work_floats(s)
                                          : kt::ssd_fused_work_floats(s)));
    float *d_bwd = nullptr;  // the fused backward's own work (impl 2)
    if (dy && impl == 2) NMC_TRY(w.floats(&d_bwd, kt::ssd_fused_bwd_work_floats(s)));
    if (dy) {
        NMC_TRY(w.floats(&d_dy, R * HP, dy));
        NMC_TRY(w.floats(&d_dxbc, R * cd));
        NMC_TRY(w.floats(&d_ddt, R * heads));
        NMC_TRY(w.floats(&d_dal, heads));
        NMC_TRY(w.floats(&d_dd, heads));
    }
    cudaEvent_t e0, e1, e2;
    NMC_TRY(w.event(&e0));
    NMC_TRY(w.event(&e1));
    NMC_TRY(w.event(&e2));
    NMC_CUDA(cudaEventRecord(e0, w.stream));
    NMC_TRY(impl == 0   ? kt::scan_forward(s, d_y, d_work, w.stream)
            : impl != 2 ? kt::ssd_forward(s, d_y, d_work, w.stream)
                        : kt::ssd_forward_fused(s, d_y, d_work, w.stream));
    NMC_CUDA(cudaEventRecord(e1, w.stream));
    if (dy) {
        NMC_TRY(impl == 0   ? kt::scan_backward(s, d_work, d_dy, d_dxbc, d_ddt, d_dal, d_dd, w.stream)
                : impl == 1 ? kt::ssd_backward(s, d_work, d_dy, d_dxbc, d_ddt, d_dal, d_dd, w.stream)
                : impl == 3 ? kt::ssd_backward_tc(s, d_work, d_work, d_dy, d_dxbc, d_ddt, d_dal, d_dd, w.stream)
                            : kt::ssd_backward_fused(s, d_work, d_bwd, d_dy, d_dxbc, d_ddt, d_dal, d_dd, w.stream));
    }
    NMC_CUDA(cudaEventRecord(e2, w.stream));
    NMC_CUDA(cudaEventSynchronize(e2));
    if (ms) {
        NMC_CUDA(cudaEventElapsedTime(&ms[0], e0, e1));
        NMC_CUDA(cudaEventElapsedTime(&ms[1], e1, e2));
    }
    NMC_TRY(w.download(y, d_y, R * HP));
    if (dy) {
        NMC_TRY(w.download(dxbc, d_dxbc, R * cd));
        NMC_TRY(w.download(ddt, d_ddt, R * heads));
        NMC_TRY(w.download(da_log, d_dal, heads));
        NMC_TRY(w.download(dd, d_dd, heads));
    }
    NMC_CUDA(cudaStreamSynchronize(w.stream));
    return NMC_OK;
}

extern "C" int nmc_k_prefill_scan(int impl, int heads, int head_dim, int groups, int state_size, int seq_len,
                                  int chunk_size, const float *x, const float *dt, const float *dt_bias, float dt_min,
                                  float dt_max, const float *a, const float *b, const float *c, const float *d,
                                  float *state, float *y, int reps, float *ms) {
    if (impl < 0 || impl > 2) return nmc::fail("nmc_k_prefill_scan: impl must be 0 (chunked), 1 (fused SSD) or 2 (ssd2)");
    if (x == nullptr || dt == nullptr || a == nullptr || b == nullptr || c == nullptr || y == nullptr)
        return nmc::fail("nmc_k_prefill_scan: x, dt, a, b, c and y are required");
    if (heads <= 0 || head_dim <= 0 || groups <= 0 || state_size <= 0 || heads % groups || seq_len <= 0 ||
        seq_len > (1 << 20) || reps < 0 || reps > 1000 || (impl == 1 && !nmc::k::ssd_fused_supported(head_dim, state_size)) ||
        (impl == 2 && !nmc::k::ssd2_supported(head_dim, state_size)))
        return nmc::fail("nmc_k_prefill_scan: bad shape");
    Work w;
    NMC_CUDA(cudaStreamCreateWithFlags(&w.stream, cudaStreamNonBlocking));
    const int64_t HP = (int64_t)heads * head_dim, GN = (int64_t)groups * state_size, hpn = HP * state_size;
    float *dx, *ddt, *dbias = nullptr, *da, *db, *dc, *dd = nullptr, *dst, *dy, *ws;
    NMC_TRY(w.floats(&dx, seq_len * HP, x));
    NMC_TRY(w.floats(&ddt, (int64_t)seq_len * heads, dt));
    if (dt_bias) NMC_TRY(w.floats(&dbias, heads, dt_bias));
    NMC_TRY(w.floats(&da, heads, a));
    NMC_TRY(w.floats(&db, seq_len * GN, b));
    NMC_TRY(w.floats(&dc, seq_len * GN, c));
    if (d) NMC_TRY(w.floats(&dd, heads, d));
    NMC_TRY(w.floats(&dst, hpn, state));  // null: zeros
    NMC_TRY(w.floats(&dy, seq_len * HP));
    nmc::k::Scan sc{heads, head_dim, groups, state_size, dx, (int)HP, db, dc, (int)GN, ddt, heads,
                    dbias, dt_min, dt_max, da, dd, dy, (int)HP};
    const int chunk = chunk_size > 0 && chunk_size < seq_len ? chunk_size : 0;
    NMC_TRY(w.floats(&ws, impl == 0 ? (chunk ? nmc::k::scan_workspace_floats(sc, seq_len, chunk) : 0)
                                    : nmc::k::ssd_fused_workspace_floats(1, seq_len, heads, head_dim, state_size)));
    nmc::k::SsdArgs fa{1, seq_len, heads, head_dim, groups, state_size, dx, HP, db, dc, GN, ddt, heads, dbias,
                       dt_min, dt_max, da, nullptr, dd, dy, HP, dst, dst};
    auto once = [&]() { return impl == 0   ? nmc::k::scan_chunked(sc, seq_len, chunk, dst, ws, w.stream)
                               : impl == 1 ? nmc::k::ssd_fused(fa, ws, w.stream)
                                           : nmc::k::ssd2(fa, ws, w.stream); };
    NMC_TRY(once());
    NMC_TRY(w.download(y, dy, seq_len * HP));
    if (state) NMC_TRY(w.download(state, dst, hpn));
    NMC_CUDA(cudaStreamSynchronize(w.stream));
    if (ms != nullptr && reps > 0) {  // timed repeats (the device state keeps advancing: same work)
        cudaEvent_t e0, e1;
        NMC_TRY(w.event(&e0));
        NMC_TRY(w.event(&e1));
        NMC_TRY(once());  // warm-up
        NMC_CUDA(cudaEventRecord(e0, w.stream));
        for (int i = 0; i < reps; i++) NMC_TRY(once());
        NMC_CUDA(cudaEventRecord(e1, w.stream));
        NMC_CUDA(cudaEventSynchronize(e1));
        NMC_CUDA(cudaEventElapsedTime(ms, e0, e1));
        *ms /= reps;
    }
    return NMC_OK;
}
