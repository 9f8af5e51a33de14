// The three GEMMs of a linear layer y = x W^T in the precision of its weight (TParam::gemm, set by
// nmc_trainer_set_gemm_precision; -1: the trainer's compute dtype), as the Java CPU simulation's
// FakeQuantGemm. Shapes: x [R, K] (row stride ldx), W [N, K], y and dY [R, N] (row stride ldy).
//   NMC_F32   operands as they are, pedantic fp32 GEMM (no TF32)
//   NMC_BF16  operands rounded to BF16, fp32 accumulation
//   NMC_FP8   operands fake-quantised to E4M3 (kernels/train_fp8.cu), then the fp32 GEMM:
//     forward  y  = x W^T   x in 1 x 128 tiles (along K),  W in 128 x 128 blocks
//     data     dX = dY W    dY in 1 x 128 tiles (along N), W in the same 128 x 128 blocks
//     weight   dW += dY^T x dY and x in 128 x 1 tiles (128 tokens of one column)
// Master weights and gradients stay fp32; the quantised copies live in the work buffers fq_a, fq_b.
#include "train.h"

namespace nmc::train {
namespace {

constexpr int FP8_TILE = 128;

int prec(nmc_trainer *t, int w) {
    int p = t->params[w].gemm;
    return p < 0 ? t->dtype : p;
}

// dense fake-quantised copy of x [rows, cols] (row stride ld) in b
int fq(nmc_trainer *t, Buf &b, const float *x, int64_t ld, int rows, int cols, int br, int bc, const float **out) {
    NMC_TRY(ensure(b, (size_t)rows * cols * sizeof(float)));
    NMC_TRY(k::train::fake_quant_fp8(x, ld, rows, cols, br, bc, b.f(), nullptr, nullptr, t->stream));
    *out = b.f();
    return NMC_OK;
}

}  // namespace

int linear_gemm_fwd(nmc_trainer *t, int w, int rows, int n, int kk, const float *x, int ldx, float *y, int ldy,
                    float beta) {
    const float *wt = W(t, w);
    int p = prec(t, w);
    if (p != NMC_FP8) return mm_as(t, p, false, true, rows, n, kk, 1.0f, x, ldx, 0, wt, kk, 0, beta, y, ldy, 0, 1);
    const float *xq, *wq;
    NMC_TRY(fq(t, t->fq_a, x, ldx, rows, kk, 1, FP8_TILE, &xq));
    NMC_TRY(fq(t, t->fq_b, wt, kk, n, kk, FP8_TILE, FP8_TILE, &wq));
    return gemm_rm(t->gemm, NMC_F32, false, true, rows, n, kk, 1.0f, xq, kk, 0, wq, kk, 0, beta, y, ldy, 0, 1);
}

int linear_gemm_dx(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, float *dx, int lddx,
                   float beta) {
    const float *wt = W(t, w);
    int p = prec(t, w);
    if (p != NMC_FP8) return mm_as(t, p, false, false, rows, kk, n, 1.0f, dy, ldy, 0, wt, kk, 0, beta, dx, lddx, 0, 1);
    const float *gq, *wq;
    NMC_TRY(fq(t, t->fq_a, dy, ldy, rows, n, 1, FP8_TILE, &gq));
    NMC_TRY(fq(t, t->fq_b, wt, kk, n, kk, FP8_TILE, FP8_TILE, &wq));
    return gemm_rm(t->gemm, NMC_F32, false, false, rows, kk, n, 1.0f, gq, n, 0, wq, kk, 0, beta, dx, lddx, 0, 1);
}

int linear_gemm_dw(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, const float *x, int ldx) {
    float *gw = G(t, w);
    int p = prec(t, w);
    if (p != NMC_FP8) return mm_as(t, p, true, false, n, kk, rows, 1.0f, dy, ldy, 0, x, ldx, 0, 1.0f, gw, kk, 0, 1);
    const float *gq, *xq;
    NMC_TRY(fq(t, t->fq_a, dy, ldy, rows, n, FP8_TILE, 1, &gq));
    NMC_TRY(fq(t, t->fq_b, x, ldx, rows, kk, FP8_TILE, 1, &xq));
    return gemm_rm(t->gemm, NMC_F32, true, false, n, kk, rows, 1.0f, gq, n, 0, xq, kk, 0, 1.0f, gw, kk, 0, 1);
}

}  // namespace nmc::train

extern "C" int nmc_trainer_set_gemm_precision(nmc_trainer *t, const char *name, int precision) {
    if (t == nullptr || name == nullptr) return nmc::fail("nmc_trainer_set_gemm_precision: null argument");
    if (precision != NMC_F32 && precision != NMC_BF16 && precision != NMC_FP8)
        return nmc::fail("GEMM precision must be NMC_F32, NMC_BF16 or NMC_FP8, got " + std::to_string(precision));
    for (nmc::TParam &p : t->params) {
        if (p.name != name && p.name != std::string("backbone.") + name) continue;
        if (!p.linear)
            return nmc::fail(std::string(name) + " is not a linear layer's weight (GEMM precision applies to "
                             "in/out_proj, q/k/v/o_proj, up/down_proj and an untied lm_head)");
        p.gemm = precision;
        return NMC_OK;
    }
    return nmc::fail(std::string("the trainer has no parameter ") + name);
}
