// The three GEMMs of a linear layer y = x W^T in the precision of its weight (TParam::gemm, set by
// nmc_trainer_set_gemm_precision; -1: the trainer's compute dtype), as the Java CPU simulation's
// FakeQuantGemm. Shapes: x [R, K] (row stride ldx), W [N, K], y and dY [R, N] (row stride ldy).
//   NMC_F32   operands as they are, pedantic fp32 GEMM (no TF32)
//   NMC_BF16  operands rounded to BF16, fp32 accumulation; the weight's BF16 copy is made once per
//             weight version (TParam::w16), and callers pass BF16 copies of activations they reuse
//   NMC_FP8   operands fake-quantised to E4M3 (kernels/train_fp8.cu), then the fp32 GEMM:
//     forward  y  = x W^T   x in 1 x 128 tiles (along K),  W in 128 x 128 blocks
//     data     dX = dY W    dY in 1 x 128 tiles (along N), W in the same 128 x 128 blocks
//     weight   dW += dY^T x dY and x in 128 x 1 tiles (128 tokens of one column)
// Master weights and gradients stay fp32; the quantised copies live in the work buffers fq_a, fq_b.
// The fake quant above is the reference. When cuBLASLt block-scaled FP8 GEMMs are available
// (gemm_lt.h: Hopper, cuBLASLt 12.9+, confirmed by a probe) the FP8 GEMMs run on them instead
// (train_linear_lt.cu: the same codes and scales, so only the accumulation order differs); a GEMM
// they cannot take (no algorithm for its shape or alignment) falls back to the reference.
// Env NMC_FP8_GEMM=fakequant: always the reference; =cublaslt: cuBLASLt or an error; another value:
// an error (env_switch.h). NMC_FP8_QUANT unset or fused (the default since session 13: hybrid1b FP8
// step 104.1 -> 94.7 ms on an H100): the cuBLASLt path quantises each operand tensor once for both of
// its orientations (a weight's two copies; dY for both backward GEMMs, linear_gemm_bwd), bit-identical
// operands; two-pass: one pass per operand and orientation; another value: an error.
#include "train.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "env_switch.h"
#include "gemm_lt.h"
#include "train_linear_lt.h"

namespace nmc::train {
namespace {

constexpr int FP8_TILE = 128;

int prec(nmc_trainer *t, int w) { return gemm_precision(t, w); }

// The BF16 copy of weight w [n, kk], converted when the weights changed since it was made
int weight_bf16(nmc_trainer *t, int w, const void **out) {
    TParam &p = t->params[w];
    if (p.w16_version != t->weight_version) {
        NMC_TRY(ensure(p.w16, (size_t)p.n * 2));
        NMC_TRY(k::convert(p.w16.p, NMC_BF16, p.w, NMC_F32, p.n, t->stream));
        p.w16_version = t->weight_version;
    }
    *out = p.w16.p;
    return NMC_OK;
}

// C [m, n] (ldc) = op(A) op(B) + beta C on BF16 operands (fp32 accumulation): a16, b16 the BF16
// copies where the caller has them, else a, b converted into the work buffers
int bf16_gemm(nmc_trainer *t, bool ta, bool tb, int m, int n, int kk, const float *a, const void *a16, int lda,
              const float *b, const void *b16, int ldb, float beta, float *c, int ldc) {
    if (a16 == nullptr) NMC_TRY(bf16_copy(t, t->bf_a, a, ta ? kk : m, ta ? m : kk, lda, &a16));
    if (b16 == nullptr) NMC_TRY(bf16_copy(t, t->bf_b, b, tb ? n : kk, tb ? kk : n, ldb, &b16));
    return gemm_rm(t->gemm, NMC_BF16, ta, tb, m, n, kk, 1.0f, a16, lda, 0, b16, ldb, 0, beta, c, ldc, 0, 1);
}

// dense fake-quantised copy of x [rows, cols] (row stride ld) in b
int fq(nmc_trainer *t, Buf &b, const float *x, int64_t ld, int rows, int cols, int br, int bc, const float **out) {
    NMC_TRY(ensure(b, (size_t)rows * cols * sizeof(float)));
    NMC_TRY(k::train::fake_quant_fp8(x, ld, rows, cols, br, bc, b.f(), nullptr, nullptr, t->stream));
    *out = b.f();
    return NMC_OK;
}

// *mode = the FP8 path for trainer t: 0 fake quant, 1 cuBLASLt or an error, -1 cuBLASLt when
// available (t->fp8_gemm, else env NMC_FP8_GEMM = fakequant | cublaslt; another value is an error)
int fp8_mode(nmc_trainer *t, int *mode) {
    *mode = t->fp8_gemm;
    if (*mode >= 0) return NMC_OK;
    int choice;
    NMC_TRY(env_choice("NMC_FP8_GEMM", {"fakequant", "cublaslt"}, &choice));
    *mode = choice;  // -1 unset, 0 fakequant, 1 cublaslt
    return NMC_OK;
}

// *fused = env NMC_FP8_QUANT unset or fused (two-pass: false; another value is an error)
int fp8_quant_fused(bool *fused) {
    int choice;
    NMC_TRY(env_choice("NMC_FP8_QUANT", {"fused", "two-pass"}, &choice));
    *fused = choice != 1;
    return NMC_OK;
}

// After an attempt through cuBLASLt (rc) in FP8 mode `mode`: done (NMC_OK, *done), an error, or
// fall back (*done false).
int after_lt(int mode, int rc, const std::string &why, bool *done) {
    *done = rc == NMC_OK;
    if (rc == NMC_OK || rc == NMC_ERR) {
        if (rc == NMC_OK) lt_count(true, "");
        return rc;
    }
    if (mode == 1) return fail("FP8 GEMM through cuBLASLt required (NMC_FP8_GEMM=cublaslt) but unavailable: " + why);
    lt_count(false, why);
    return NMC_OK;
}

// The fake-quant reference GEMMs of linear_gemm_dx and linear_gemm_dw (FP8_TILE tiles as in the header)
int fake_dx(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, float *dx, int lddx, float beta) {
    const float *gq, *wq;
    NMC_TRY(fq(t, t->fq_a, dy, ldy, rows, n, 1, FP8_TILE, &gq));
    NMC_TRY(fq(t, t->fq_b, W(t, w), kk, n, kk, FP8_TILE, FP8_TILE, &wq));
    return gemm_rm(t->gemm, NMC_F32, false, false, rows, kk, n, 1.0f, gq, n, 0, wq, kk, 0, beta, dx, lddx, 0, 1);
}

int fake_dw(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, const float *x, int ldx) {
    const float *gq, *xq;
    NMC_TRY(fq(t, t->fq_a, dy, ldy, rows, n, FP8_TILE, 1, &gq));
    NMC_TRY(fq(t, t->fq_b, x, ldx, rows, kk, FP8_TILE, 1, &xq));
    return gemm_rm(t->gemm, NMC_F32, true, false, n, kk, rows, 1.0f, gq, n, 0, xq, kk, 0, 1.0f, G(t, w), kk, 0, 1);
}

}  // namespace

int gemm_precision(nmc_trainer *t, int w) {
    int p = t->params[w].gemm;
    return p < 0 ? t->dtype : p;
}

int bf16_copy(nmc_trainer *t, Buf &b, const float *x, int rows, int cols, int64_t ld, const void **out) {
    int64_t n = (int64_t)(rows - 1) * ld + cols;
    NMC_TRY(ensure(b, (size_t)n * 2));
    NMC_TRY(k::convert(b.p, NMC_BF16, x, NMC_F32, n, t->stream));
    *out = b.p;
    return NMC_OK;
}

int linear_gemm_fwd(nmc_trainer *t, int w, int rows, int n, int kk, const float *x, int ldx, float *y, int ldy,
                    float beta, const void *x16) {
    const float *wt = W(t, w);
    int p = prec(t, w);
    if (p == NMC_BF16) {
        const void *w16;
        NMC_TRY(weight_bf16(t, w, &w16));
        return bf16_gemm(t, false, true, rows, n, kk, x, x16, ldx, wt, w16, kk, beta, y, ldy);
    }
    if (p != NMC_FP8) return mm_as(t, p, false, true, rows, n, kk, 1.0f, x, ldx, 0, wt, kk, 0, beta, y, ldy, 0, 1);
    int mode;
    bool fused;
    NMC_TRY(fp8_mode(t, &mode));
    NMC_TRY(fp8_quant_fused(&fused));
    if (mode != 0) {
        std::string why;
        bool done = false;
        NMC_TRY(after_lt(mode, lt_linear_fwd(t, w, rows, n, kk, x, ldx, y, ldy, beta, &why, fused), why, &done));
        if (done) return NMC_OK;
    }
    const float *xq, *wq;
    NMC_TRY(fq(t, t->fq_a, x, ldx, rows, kk, 1, FP8_TILE, &xq));
    NMC_TRY(fq(t, t->fq_b, wt, kk, n, kk, FP8_TILE, FP8_TILE, &wq));
    return gemm_rm(t->gemm, NMC_F32, false, true, rows, n, kk, 1.0f, xq, kk, 0, wq, kk, 0, beta, y, ldy, 0, 1);
}

int linear_gemm_dx(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, float *dx, int lddx,
                   float beta, const void *dy16) {
    const float *wt = W(t, w);
    int p = prec(t, w);
    if (p == NMC_BF16) {
        const void *w16;
        NMC_TRY(weight_bf16(t, w, &w16));
        return bf16_gemm(t, false, false, rows, kk, n, dy, dy16, ldy, wt, w16, kk, beta, dx, lddx);
    }
    if (p != NMC_FP8) return mm_as(t, p, false, false, rows, kk, n, 1.0f, dy, ldy, 0, wt, kk, 0, beta, dx, lddx, 0, 1);
    int mode;
    NMC_TRY(fp8_mode(t, &mode));
    if (mode != 0) {
        std::string why;
        bool done = false;
        NMC_TRY(after_lt(mode, lt_linear_dx(t, w, rows, n, kk, dy, ldy, dx, lddx, beta, &why), why, &done));
        if (done) return NMC_OK;
    }
    return fake_dx(t, w, rows, n, kk, dy, ldy, dx, lddx, beta);
}

int linear_gemm_dw(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, const float *x, int ldx,
                   const void *dy16, const void *x16) {
    float *gw = G(t, w);
    int p = prec(t, w);
    if (p == NMC_BF16) return bf16_gemm(t, true, false, n, kk, rows, dy, dy16, ldy, x, x16, ldx, 1.0f, gw, kk);
    if (p != NMC_FP8) return mm_as(t, p, true, false, n, kk, rows, 1.0f, dy, ldy, 0, x, ldx, 0, 1.0f, gw, kk, 0, 1);
    int mode;
    NMC_TRY(fp8_mode(t, &mode));
    if (mode != 0) {
        std::string why;
        bool done = false;
        NMC_TRY(after_lt(mode, lt_linear_dw(t, gw, rows, n, kk, dy, ldy, x, ldx, &why), why, &done));
        if (done) return NMC_OK;
    }
    return fake_dw(t, w, rows, n, kk, dy, ldy, x, ldx);
}

int linear_gemm_bwd(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, float *dx, int lddx,
                    float beta, const float *x, int ldx, const void *dy16, const void *x16) {
    int mode = 0;
    bool fused = false;
    if (prec(t, w) == NMC_FP8) {
        NMC_TRY(fp8_mode(t, &mode));
        NMC_TRY(fp8_quant_fused(&fused));  // read (a bad value refused) even where it changes nothing
    }
    if (!fused || mode == 0) {
        NMC_TRY(linear_gemm_dx(t, w, rows, n, kk, dy, ldy, dx, lddx, beta, dy16));
        return linear_gemm_dw(t, w, rows, n, kk, dy, ldy, x, ldx, dy16, x16);
    }
    int rc_dx, rc_dw;
    std::string why_dx, why_dw;
    bool done = false;
    NMC_TRY(lt_linear_bwd(t, w, G(t, w), rows, n, kk, dy, ldy, dx, lddx, beta, x, ldx, &rc_dx, &why_dx, &rc_dw, &why_dw));
    NMC_TRY(after_lt(mode, rc_dx, why_dx, &done));
    if (!done) NMC_TRY(fake_dx(t, w, rows, n, kk, dy, ldy, dx, lddx, beta));
    NMC_TRY(after_lt(mode, rc_dw, why_dw, &done));
    if (!done) NMC_TRY(fake_dw(t, w, rows, n, kk, dy, ldy, x, ldx));
    return NMC_OK;
}

}  // namespace nmc::train

extern "C" int nmc_trainer_set_gemm_precision(nmc_trainer *t, const char *name, int precision) {
    if (t == nullptr || name == nullptr) return nmc::fail("nmc_trainer_set_gemm_precision: null argument");
    if (precision != NMC_F32 && precision != NMC_BF16 && precision != NMC_FP8)
        return nmc::fail("GEMM precision must be NMC_F32, NMC_BF16 or NMC_FP8, got " + std::to_string(precision));
    int i = nmc::train::find_param(t, name);
    if (i < 0) return nmc::fail(std::string("the trainer has no parameter ") + name);
    if (!t->params[i].linear)
        return nmc::fail(std::string(name) + " is not a linear layer's weight (GEMM precision applies to "
                         "in/out_proj, q/k/v/o_proj, up/down_proj and an untied lm_head)");
    t->params[i].gemm = precision;
    return NMC_OK;
}

namespace {

// The three GEMMs of one linear layer on host arrays (nmc_k_train_linear, nmc_k_train_linear_fp8).
int train_linear_host(int precision, int fp8_gemm, int rows, int n, int k, const float *x, const float *w,
                      const float *dy, int ld_dy, float *y, float *dx, float *dw, int64_t *lt_calls) {
    if (x == nullptr || w == nullptr || dy == nullptr || y == nullptr || dx == nullptr || dw == nullptr)
        return nmc::fail("nmc_k_train_linear: null argument");
    if (rows <= 0 || n <= 0 || k <= 0 || ld_dy < n || (int64_t)rows * std::max(k, ld_dy) > (1 << 26) ||
        (int64_t)n * k > (1 << 26))
        return nmc::fail("nmc_k_train_linear: bad shape");
    if (precision != NMC_F32 && precision != NMC_BF16 && precision != NMC_FP8)
        return nmc::fail("nmc_k_train_linear: precision must be NMC_F32, NMC_BF16 or NMC_FP8");
    nmc_trainer t;
    t.dtype = NMC_F32;
    t.fp8_gemm = fp8_gemm;
    nmc::TParam p;
    p.name = "w";
    p.n = (int64_t)n * k;
    p.linear = true;
    p.gemm = precision;
    t.params.push_back(p);
    std::vector<void *> ptrs;
    auto run = [&]() -> int {
        NMC_CUDA(cudaStreamCreateWithFlags(&t.stream, cudaStreamNonBlocking));
        NMC_TRY(nmc::gemm_create(t.gemm, t.stream));
        auto dev = [&](float **out, int64_t count, const float *host) -> int {
            NMC_CUDA(cudaMalloc((void **)out, (size_t)count * sizeof(float)));
            ptrs.push_back(*out);
            if (host) NMC_CUDA(cudaMemcpyAsync(*out, host, (size_t)count * sizeof(float), cudaMemcpyHostToDevice, t.stream));
            else NMC_CUDA(cudaMemsetAsync(*out, 0, (size_t)count * sizeof(float), t.stream));
            return NMC_OK;
        };
        float *d_x, *d_dy, *d_y, *d_dx;
        NMC_TRY(dev(&d_x, (int64_t)rows * k, x));
        NMC_TRY(dev(&t.params[0].w, (int64_t)n * k, w));
        NMC_TRY(dev(&t.params[0].g, (int64_t)n * k, nullptr));
        NMC_TRY(dev(&d_dy, (int64_t)rows * ld_dy, dy));
        NMC_TRY(dev(&d_y, (int64_t)rows * n, nullptr));
        NMC_TRY(dev(&d_dx, (int64_t)rows * k, nullptr));
        int64_t before = 0, after = 0;
        nmc::lt_counts(&before, nullptr);
        NMC_TRY(nmc::train::linear_gemm_fwd(&t, 0, rows, n, k, d_x, k, d_y, n, 0.0f));
        NMC_TRY(nmc::train::linear_gemm_bwd(&t, 0, rows, n, k, d_dy, ld_dy, d_dx, k, 0.0f, d_x, k));
        nmc::lt_counts(&after, nullptr);
        if (lt_calls) *lt_calls = after - before;
        NMC_CUDA(cudaMemcpyAsync(y, d_y, (size_t)rows * n * sizeof(float), cudaMemcpyDeviceToHost, t.stream));
        NMC_CUDA(cudaMemcpyAsync(dx, d_dx, (size_t)rows * k * sizeof(float), cudaMemcpyDeviceToHost, t.stream));
        NMC_CUDA(cudaMemcpyAsync(dw, t.params[0].g, (size_t)n * k * sizeof(float), cudaMemcpyDeviceToHost, t.stream));
        NMC_CUDA(cudaStreamSynchronize(t.stream));
        return NMC_OK;
    };
    int rc = run();
    if (t.stream) cudaStreamSynchronize(t.stream);
    for (void *q : ptrs) cudaFree(q);
    for (nmc::Buf *b : {&t.fq_a, &t.fq_b, &t.fq_c, &t.bf_a, &t.bf_b, &t.params[0].w16, &t.params[0].q8_fwd, &t.params[0].q8_dx}) {
        if (b->p) cudaFree(b->p);
    }
    nmc::gemm_destroy(t.gemm);
    if (t.stream) cudaStreamDestroy(t.stream);
    return rc;
}

}  // namespace

// The three GEMMs of one linear layer on host arrays, for the self-test: x [rows, k], w [n, k], dy
// [rows, ld_dy] (first n columns; a stride as the trainer's fused q | k | v rows have); y [rows, n],
// dx [rows, k], dw [n, k] (from zero). FP8 runs the fake-quant reference.
extern "C" int nmc_k_train_linear(int precision, int rows, int n, int k, const float *x, const float *w,
                                  const float *dy, int ld_dy, float *y, float *dx, float *dw) {
    return train_linear_host(precision, 0, rows, n, k, x, w, dy, ld_dy, y, dx, dw, nullptr);
}

// The FP8 GEMMs of nmc_k_train_linear through `impl`: 0 the fake-quant reference, 1 cuBLASLt block-
// scaled E4M3 (NMC_ERR naming the reason when it cannot run), -1 as the trainer chooses (cuBLASLt
// when available, else the reference). *lt_calls (nullable): how many of the three ran on cuBLASLt.
extern "C" int nmc_k_train_linear_fp8(int impl, int rows, int n, int k, const float *x, const float *w,
                                      const float *dy, int ld_dy, float *y, float *dx, float *dw, int64_t *lt_calls) {
    if (impl < -1 || impl > 1) return nmc::fail("nmc_k_train_linear_fp8: impl must be -1, 0 or 1");
    return train_linear_host(NMC_FP8, impl, rows, n, k, x, w, dy, ld_dy, y, dx, dw, lt_calls);
}
