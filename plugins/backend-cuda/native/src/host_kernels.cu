// nmc_k_*: single kernels on host arrays (copy in, run, copy out) for the Backend SPI's kernel
// interfaces and for conformance tests against the pure-Java reference. Slow by design.
#include "gemm.h"
#include "kernels/kernels.h"
#include "kernels/train_kernels.h"

#include <algorithm>
#include <vector>

namespace {

size_t dtype_bytes(int dtype) { return dtype == NMC_F32 ? 4 : 2; }

// Device copies that are freed when the call returns.
class Scratch {
  public:
    ~Scratch() {
        for (void *p : ptrs_) cudaFree(p);
        if (stream_) cudaStreamDestroy(stream_);
    }
    int init() {
        NMC_CUDA(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
        return NMC_OK;
    }
    cudaStream_t stream() const { return stream_; }
    // A device buffer of `bytes`, filled from `host` when not null.
    int buffer(void **out, size_t bytes, const void *host) {
        *out = nullptr;
        NMC_CUDA(cudaMalloc(out, bytes > 0 ? bytes : 16));
        ptrs_.push_back(*out);
        if (host != nullptr && bytes > 0) NMC_CUDA(cudaMemcpyAsync(*out, host, bytes, cudaMemcpyHostToDevice, stream_));
        return NMC_OK;
    }
    template <typename T>
    int floats(T **out, int64_t count, const void *host) {
        void *p;
        NMC_TRY(buffer(&p, (size_t)count * sizeof(float), host));
        *out = static_cast<T *>(p);
        return NMC_OK;
    }
    // A weight converted to fp32 on the device (null stays null).
    int weight_f32(const float **out, const void *host, int dtype, int64_t count) {
        *out = nullptr;
        if (host == nullptr) return NMC_OK;
        void *raw, *f;
        NMC_TRY(buffer(&raw, (size_t)count * dtype_bytes(dtype), host));
        NMC_TRY(buffer(&f, (size_t)count * sizeof(float), nullptr));
        NMC_TRY(nmc::k::convert(f, NMC_F32, raw, dtype, count, stream_));
        *out = static_cast<const float *>(f);
        return NMC_OK;
    }
    int download(void *host, const void *dev, size_t bytes) {
        NMC_CUDA(cudaMemcpyAsync(host, dev, bytes, cudaMemcpyDeviceToHost, stream_));
        NMC_CUDA(cudaStreamSynchronize(stream_));
        return NMC_OK;
    }

  private:
    cudaStream_t stream_ = nullptr;
    std::vector<void *> ptrs_;
};

// The keys k, v [keys, kvw] fp32 as a one-slot paged cache in `dtype` (NMC_F32 or NMC_BF16, rounded
// on the device) whose blocks lie in reverse order (block i of the slot is pool block nb - 1 - i), so
// the kernels' table lookup is exercised, not an identity.
int paged_cache(Scratch &s, int keys, int kvw, const float *k, const float *v, int dtype, nmc::k::KvCache *out) {
    const int B = nmc::k::KV_BLOCK, nb = (keys + B - 1) / B;
    std::vector<int32_t> table(nb);
    std::vector<float> pk((size_t)nb * B * kvw, 0.0f), pv((size_t)nb * B * kvw, 0.0f);
    for (int i = 0; i < nb; i++) table[i] = nb - 1 - i;
    for (int t = 0; t < keys; t++) {
        int64_t row = (int64_t)table[t / B] * B + t % B;
        std::copy(k + (int64_t)t * kvw, k + (int64_t)(t + 1) * kvw, pk.begin() + row * kvw);
        std::copy(v + (int64_t)t * kvw, v + (int64_t)(t + 1) * kvw, pv.begin() + row * kvw);
    }
    const int64_t n = (int64_t)nb * B * kvw;
    float *dk, *dv;
    int32_t *dtable;
    void *ck = nullptr, *cv = nullptr;
    NMC_TRY(s.floats(&dk, n, pk.data()));
    NMC_TRY(s.floats(&dv, n, pv.data()));
    NMC_TRY(s.floats(&dtable, nb, table.data()));
    if (dtype == NMC_F32) {
        ck = dk, cv = dv;
    } else {
        NMC_TRY(s.buffer(&ck, (size_t)n * 2, nullptr));
        NMC_TRY(s.buffer(&cv, (size_t)n * 2, nullptr));
        NMC_TRY(nmc::k::convert(ck, dtype, dk, NMC_F32, n, s.stream()));
        NMC_TRY(nmc::k::convert(cv, dtype, dv, NMC_F32, n, s.stream()));
    }
    *out = nmc::k::KvCache{ck, cv, dtype, keys, dtable, nb};
    return NMC_OK;
}

int check_dtype(int dtype) {
    return (dtype == NMC_F32 || dtype == NMC_BF16 || dtype == NMC_F16) ? NMC_OK : nmc::fail("unsupported weight dtype code " + std::to_string(dtype));
}

}  // namespace

extern "C" int nmc_k_matmul(const float *x, int rows, int in, int w_dtype, const void *w, int out_features,
                            const void *bias, float *out) {
    NMC_TRY(check_dtype(w_dtype));
    Scratch s;
    NMC_TRY(s.init());
    float *dx, *dy;
    const float *dw, *db;
    NMC_TRY(s.floats(&dx, (int64_t)rows * in, x));
    NMC_TRY(s.weight_f32(&dw, w, w_dtype, (int64_t)out_features * in));
    NMC_TRY(s.weight_f32(&db, bias, w_dtype, out_features));
    NMC_TRY(s.floats(&dy, (int64_t)rows * out_features, nullptr));
    nmc::Gemm gemm;
    int rc = nmc::gemm_create(gemm, s.stream());
    if (rc == NMC_OK) rc = nmc::gemm_xwt(gemm, NMC_F32, dx, dw, dy, rows, in, out_features, 0.0f);
    if (rc == NMC_OK && db) rc = nmc::k::add_bias(dy, out_features, db, rows, out_features, s.stream());
    if (rc == NMC_OK) rc = s.download(out, dy, (size_t)rows * out_features * sizeof(float));
    cudaStreamSynchronize(s.stream());
    nmc::gemm_destroy(gemm);
    return rc;
}

extern "C" int nmc_k_rms_norm(const float *x, int rows, int dim, int w_dtype, const void *w, float eps, float *out) {
    NMC_TRY(check_dtype(w_dtype));
    Scratch s;
    NMC_TRY(s.init());
    float *dx, *dy;
    const float *dw;
    NMC_TRY(s.floats(&dx, (int64_t)rows * dim, x));
    NMC_TRY(s.weight_f32(&dw, w, w_dtype, dim));
    NMC_TRY(s.floats(&dy, (int64_t)rows * dim, nullptr));
    NMC_TRY(nmc::k::rms_norm(dx, rows, dim, dw, eps, dy, NMC_F32, s.stream()));
    return s.download(out, dy, (size_t)rows * dim * sizeof(float));
}

extern "C" int nmc_k_gated_group_rms_norm(const float *y, const float *z, int rows, int dim, int groups, int w_dtype,
                                          const void *w, float eps, float *out) {
    NMC_TRY(check_dtype(w_dtype));
    Scratch s;
    NMC_TRY(s.init());
    float *dy, *dz, *dout;
    const float *dw;
    NMC_TRY(s.floats(&dy, (int64_t)rows * dim, y));
    NMC_TRY(s.floats(&dz, (int64_t)rows * dim, z));
    NMC_TRY(s.weight_f32(&dw, w, w_dtype, dim));
    NMC_TRY(s.floats(&dout, (int64_t)rows * dim, nullptr));
    NMC_TRY(nmc::k::gated_group_rms_norm(dy, dim, dz, dim, rows, dim, groups, dw, eps, dout, NMC_F32, s.stream()));
    return s.download(out, dout, (size_t)rows * dim * sizeof(float));
}

extern "C" int nmc_k_activation(int kind, float *x, int n) {
    if (kind < 0 || kind > 2) return nmc::fail("activation kind must be 0 (silu), 1 (relu2) or 2 (softplus)");
    Scratch s;
    NMC_TRY(s.init());
    float *dx;
    NMC_TRY(s.floats(&dx, n, x));
    NMC_TRY(nmc::k::activation(kind, dx, n, s.stream()));
    return s.download(x, dx, (size_t)n * sizeof(float));
}

extern "C" int nmc_k_causal_conv1d(const float *x, int seq_len, int channels, int kernel, int w_dtype, const void *w,
                                   const void *bias, float *window, float *out) {
    NMC_TRY(check_dtype(w_dtype));
    Scratch s;
    NMC_TRY(s.init());
    float *dx, *dout, *dwin = nullptr;
    const float *dw, *db;
    int64_t win = (int64_t)channels * (kernel - 1);
    NMC_TRY(s.floats(&dx, (int64_t)seq_len * channels, x));
    NMC_TRY(s.weight_f32(&dw, w, w_dtype, (int64_t)channels * kernel));
    NMC_TRY(s.weight_f32(&db, bias, w_dtype, channels));
    NMC_TRY(s.floats(&dout, (int64_t)seq_len * channels, nullptr));
    if (window != nullptr) NMC_TRY(s.floats(&dwin, win, window));
    nmc::k::Conv cv{dx, channels, dout, channels, channels, kernel, dw, db, false};
    NMC_TRY(nmc::k::conv_prefill(cv, seq_len, dwin, s.stream()));
    if (window != nullptr && win > 0) NMC_TRY(s.download(window, dwin, (size_t)win * sizeof(float)));
    return s.download(out, dout, (size_t)seq_len * channels * sizeof(float));
}

extern "C" int nmc_k_ssm_scan(int heads, int head_dim, int groups, int state_size, int seq_len, int chunk_size,
                              const float *x, const float *dt, const float *a, const float *b, const float *c,
                              const float *d, float *state, float *y) {
    if (heads <= 0 || head_dim <= 0 || groups <= 0 || state_size <= 0 || heads % groups != 0) {
        return nmc::fail("ssm scan: sizes must be positive and heads divisible by groups");
    }
    Scratch s;
    NMC_TRY(s.init());
    int64_t inner = (int64_t)heads * head_dim, gn = (int64_t)groups * state_size, hpn = inner * state_size;
    float *dx, *ddt, *da, *db, *dc, *dd = nullptr, *dstate = nullptr, *dy, *ws = nullptr;
    NMC_TRY(s.floats(&dx, seq_len * inner, x));
    NMC_TRY(s.floats(&ddt, (int64_t)seq_len * heads, dt));
    NMC_TRY(s.floats(&da, heads, a));
    NMC_TRY(s.floats(&db, seq_len * gn, b));
    NMC_TRY(s.floats(&dc, seq_len * gn, c));
    if (d != nullptr) NMC_TRY(s.floats(&dd, heads, d));
    if (state != nullptr) NMC_TRY(s.floats(&dstate, hpn, state));
    NMC_TRY(s.floats(&dy, seq_len * inner, nullptr));
    nmc::k::Scan sc{heads, head_dim, groups, state_size, dx, (int)inner, db, dc, (int)gn, ddt, heads,
                    nullptr, 0.0f, 0.0f, da, dd, dy, (int)inner};
    if (chunk_size > 0 && chunk_size < seq_len) {
        NMC_TRY(s.floats(&ws, nmc::k::scan_workspace_floats(sc, seq_len, chunk_size), nullptr));
        NMC_TRY(nmc::k::scan_chunked(sc, seq_len, chunk_size, dstate, ws, s.stream()));
    } else {
        NMC_TRY(nmc::k::scan_chunked(sc, seq_len, 0, dstate, nullptr, s.stream()));
    }
    if (state != nullptr) NMC_TRY(s.download(state, dstate, (size_t)hpn * sizeof(float)));
    return s.download(y, dy, (size_t)seq_len * inner * sizeof(float));
}

extern "C" int nmc_k_causal_attention(int queries, int keys, int q_heads, int kv_heads, int head_dim, float scale,
                                      const float *q, const float *k, const float *v, float *out) {
    if (queries <= 0 || keys < queries || q_heads <= 0 || kv_heads <= 0 || head_dim <= 0 || q_heads % kv_heads != 0) {
        return nmc::fail("attention: need 0 < queries <= keys and q_heads divisible by kv_heads");
    }
    Scratch s;
    NMC_TRY(s.init());
    // Lay the keys out as a one-slot cache and the queries as qkv rows (k, v parts unused).
    int qw = q_heads * head_dim, kvw = kv_heads * head_dim, stride = qw + 2 * kvw;
    std::vector<float> rows((size_t)queries * stride, 0.0f);
    for (int i = 0; i < queries; i++) std::copy(q + (int64_t)i * qw, q + (int64_t)(i + 1) * qw, rows.begin() + (int64_t)i * stride);
    float *dqkv, *dout;
    int32_t *dlen;
    int32_t len0 = keys - queries;
    NMC_TRY(s.floats(&dqkv, (int64_t)queries * stride, rows.data()));
    NMC_TRY(s.floats(&dout, (int64_t)queries * qw, nullptr));
    NMC_TRY(s.floats(&dlen, 1, &len0));
    nmc::k::KvCache cache;
    NMC_TRY(paged_cache(s, keys, kvw, k, v, NMC_F32, &cache));
    nmc::k::Attn at{q_heads, kv_heads, head_dim, scale, dqkv, stride, dout, NMC_F32};
    NMC_TRY(nmc::k::attention_prefill(at, cache, queries, dlen, 0, s.stream()));
    return s.download(out, dout, (size_t)queries * qw * sizeof(float));
}

extern "C" int nmc_k_prefill_attention(int impl, int rows, int len0, int q_heads, int kv_heads, int head_dim, float scale,
                                       const float *q, const float *k, const float *v, int out_dtype, void *out, int reps,
                                       float *ms) {
    if (impl < -1 || impl > 3)
        return nmc::fail("nmc_k_prefill_attention: impl must be -1 (NMC_PREFILL_ATTENTION), 0 (fp32), 1 (wmma), 2 (flash) or 3 (mma)");
    if (q == nullptr || k == nullptr || v == nullptr || out == nullptr)
        return nmc::fail("nmc_k_prefill_attention: q, k, v and out are required");
    if (rows <= 0 || len0 < 0 || q_heads <= 0 || kv_heads <= 0 || q_heads % kv_heads != 0 || head_dim <= 0 ||
        head_dim % 4 != 0 || head_dim > 256 || (int64_t)len0 + rows > (1 << 20) || (int64_t)q_heads * head_dim > (1 << 16) ||
        (out_dtype != NMC_F32 && out_dtype != NMC_BF16) || reps < 0 || reps > 1000)
        return nmc::fail("nmc_k_prefill_attention: bad shape (rows > 0, len0 >= 0, q_heads a multiple of kv_heads, head_dim a "
                         "multiple of 4 up to 256, out_dtype NMC_F32 or NMC_BF16, reps 0..1000)");
    Scratch s;
    NMC_TRY(s.init());
    const int keys = len0 + rows, qw = q_heads * head_dim, kvw = kv_heads * head_dim, stride = qw + 2 * kvw;
    std::vector<float> qkv((size_t)rows * stride, 0.0f);  // q | k | v rows (k, v parts unused: the cache holds them)
    for (int i = 0; i < rows; i++) std::copy(q + (int64_t)i * qw, q + (int64_t)(i + 1) * qw, qkv.begin() + (int64_t)i * stride);
    float *dqkv;
    int32_t *dlen;
    void *dout;
    NMC_TRY(s.floats(&dqkv, (int64_t)rows * stride, qkv.data()));
    NMC_TRY(s.floats(&dlen, 1, &len0));
    const size_t out_bytes = (size_t)rows * qw * dtype_bytes(out_dtype);
    NMC_TRY(s.buffer(&dout, out_bytes, nullptr));
    nmc::k::KvCache cache;
    NMC_TRY(paged_cache(s, keys, kvw, k, v, NMC_BF16, &cache));
    const nmc::k::Attn at{q_heads, kv_heads, head_dim, scale, dqkv, stride, dout, out_dtype};
    if (impl == 1 && !nmc::k::attention_prefill_tc_supported(at, cache))
        return nmc::fail("nmc_k_prefill_attention: the wmma kernel needs head_dim a multiple of 16 up to 128");
    auto once = [&]() {
        switch (impl) {
            case 0: return nmc::k::attention_prefill(at, cache, rows, dlen, 0, s.stream());
            case 1: return nmc::k::attention_prefill_tc(at, cache, rows, dlen, 0, s.stream());
            case 2: return nmc::k::attention_prefill_flash(at, cache, rows, dlen, 0, s.stream());
            case 3: return nmc::k::attention_prefill_mma(at, cache, rows, dlen, 0, s.stream());
            default: return nmc::k::attention_prefill_select(at, cache, rows, dlen, 0, s.stream());
        }
    };
    NMC_TRY(once());
    NMC_TRY(s.download(out, dout, out_bytes));
    if (ms != nullptr && reps > 0) {  // timed repeats of the same work (the output is rewritten)
        struct Events {
            cudaEvent_t e[2] = {nullptr, nullptr};
            ~Events() {
                for (cudaEvent_t x : e)
                    if (x) cudaEventDestroy(x);
            }
        } ev;
        NMC_CUDA(cudaEventCreate(&ev.e[0]));
        NMC_CUDA(cudaEventCreate(&ev.e[1]));
        NMC_TRY(once());  // warm-up
        NMC_CUDA(cudaEventRecord(ev.e[0], s.stream()));
        for (int i = 0; i < reps; i++) NMC_TRY(once());
        NMC_CUDA(cudaEventRecord(ev.e[1], s.stream()));
        NMC_CUDA(cudaEventSynchronize(ev.e[1]));
        NMC_CUDA(cudaEventElapsedTime(ms, ev.e[0], ev.e[1]));
        *ms /= reps;
    }
    return NMC_OK;
}

extern "C" int nmc_k_gemv_fp8(int rows, int in, int out, int block, const uint8_t *q, const float *scale, const float *x,
                              float beta, float *y, int reps, float *ms) {
    if (q == nullptr || scale == nullptr || x == nullptr || y == nullptr || rows < 1 || rows > 8 || in <= 0 || out <= 0 ||
        block < 0 || reps < 0 || reps > 1000)
        return nmc::fail("nmc_k_gemv_fp8: bad argument (rows 1..8, in, out > 0, block >= 0, reps 0..1000, all arrays)");
    Scratch s;
    NMC_TRY(s.init());
    const int64_t nq = (int64_t)out * in;
    const int64_t nscale = block > 0 ? (int64_t)((out + block - 1) / block) * ((in + block - 1) / block) : out;
    // timing: enough copies of Q that the repeats stream from HBM, not the L2 (>= 256 MB in all)
    const int copies = ms != nullptr && reps > 0 ? (int)std::max<int64_t>(1, ((int64_t)256 << 20) / nq + 1) : 1;
    std::vector<nmc::k::Fp8Weight> f(copies);
    float *dscale, *dx32, *dy;
    void *dx;
    NMC_TRY(s.floats(&dscale, nscale, scale));
    for (int c = 0; c < copies; c++) {
        void *dq;
        NMC_TRY(s.buffer(&dq, (size_t)nq, q));
        f[c].q = static_cast<uint8_t *>(dq), f[c].scale = dscale, f[c].out = out, f[c].in = in, f[c].block = block;
    }
    NMC_TRY(s.floats(&dx32, (int64_t)rows * in, x));
    NMC_TRY(s.buffer(&dx, (size_t)rows * in * 2, nullptr));
    NMC_TRY(nmc::k::convert(dx, NMC_BF16, dx32, NMC_F32, (int64_t)rows * in, s.stream()));
    NMC_TRY(s.floats(&dy, (int64_t)rows * out, y));
    auto once = [&](const nmc::k::Fp8Weight &w, float b) {
        if (!nmc::k::gemv_fp8_supported(w, rows)) return nmc::fail("nmc_k_gemv_fp8: gemv_fp8 needs in a multiple of 16");
        return nmc::k::gemv_fp8(dx, w, dy, rows, b, s.stream());
    };
    NMC_TRY(once(f[0], beta));
    NMC_TRY(s.download(y, dy, (size_t)rows * out * sizeof(float)));
    if (ms != nullptr && reps > 0) {  // timed repeats (beta 0), cycling through the copies of Q
        struct Events {
            cudaEvent_t e[2] = {nullptr, nullptr};
            ~Events() {
                for (cudaEvent_t e1 : e)
                    if (e1) cudaEventDestroy(e1);
            }
        } ev;
        NMC_CUDA(cudaEventCreate(&ev.e[0]));
        NMC_CUDA(cudaEventCreate(&ev.e[1]));
        for (int c = 0; c < copies; c++) NMC_TRY(once(f[c], 0.0f));  // warm-up
        NMC_CUDA(cudaEventRecord(ev.e[0], s.stream()));
        for (int i = 0; i < reps; i++) NMC_TRY(once(f[i % copies], 0.0f));
        NMC_CUDA(cudaEventRecord(ev.e[1], s.stream()));
        NMC_CUDA(cudaEventSynchronize(ev.e[1]));
        NMC_CUDA(cudaEventElapsedTime(ms, ev.e[0], ev.e[1]));
        *ms /= reps;
    }
    return NMC_OK;
}

extern "C" int nmc_k_sample(const float *logits, int rows, int vocab, const nmc_sampling *params, const int32_t *positions,
                            int32_t *tokens_out) {
    if (rows <= 0 || vocab <= 0 || logits == nullptr || params == nullptr || positions == nullptr || tokens_out == nullptr) {
        return nmc::fail("sample: need rows, vocab > 0 and all pointers");
    }
    Scratch s;
    NMC_TRY(s.init());
    // each row is its own "slot" whose length is the row's position
    std::vector<int32_t> slots(rows);
    for (int r = 0; r < rows; r++) slots[r] = r;
    float *dl;
    int32_t *dpos, *dslots, *dout;
    void *dparams;
    NMC_TRY(s.floats(&dl, (int64_t)rows * vocab, logits));
    NMC_TRY(s.floats(&dpos, rows, positions));
    NMC_TRY(s.floats(&dslots, rows, slots.data()));
    NMC_TRY(s.floats(&dout, rows, nullptr));
    NMC_TRY(s.buffer(&dparams, sizeof(nmc_sampling) * rows, params));
    NMC_TRY(nmc::k::sample(dl, rows, vocab, static_cast<const nmc_sampling *>(dparams), dpos, dslots, dout, s.stream()));
    return s.download(tokens_out, dout, sizeof(int32_t) * rows);
}

extern "C" int nmc_k_fake_quant_fp8(const float *x, int rows, int cols, int block_rows, int block_cols, float *out,
                                    uint8_t *codes, float *scales) {
    if (x == nullptr || rows <= 0 || cols <= 0 || block_rows <= 0 || block_cols <= 0 || (int64_t)rows * cols > (1 << 28))
        return nmc::fail("nmc_k_fake_quant_fp8: need x, a positive shape (at most 2^28 elements) and block");
    Scratch s;
    NMC_TRY(s.init());
    int64_t n = (int64_t)rows * cols;
    int64_t nblocks = (int64_t)((rows + block_rows - 1) / block_rows) * ((cols + block_cols - 1) / block_cols);
    float *dx, *dout, *dscales;
    uint8_t *dcodes;
    NMC_TRY(s.floats(&dx, n, x));
    NMC_TRY(s.floats(&dout, n, nullptr));
    NMC_TRY(s.floats(&dscales, nblocks, nullptr));
    NMC_TRY(s.floats(&dcodes, (n + 3) / 4, nullptr));
    NMC_TRY(nmc::k::train::fake_quant_fp8(dx, cols, rows, cols, block_rows, block_cols, dout, dcodes, dscales,
                                          s.stream()));
    if (out) NMC_TRY(s.download(out, dout, (size_t)n * sizeof(float)));
    if (codes) NMC_TRY(s.download(codes, dcodes, (size_t)n));
    if (scales) NMC_TRY(s.download(scales, dscales, (size_t)nblocks * sizeof(float)));
    return NMC_OK;
}
