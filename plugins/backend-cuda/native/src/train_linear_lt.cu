// The trainer's FP8 GEMMs through cuBLASLt block-scaled E4M3 GEMMs (gemm_lt.h): the operands are
// quantised in the recipe's tiles (kernels/fp8_lt.h; codes and scales bit-identical to the fake
// quantiser's), K-major, the contraction padded with zero codes to a multiple of 128:
//   forward  y  = x W^T   A = W   [N, K]  128 x 128 blocks        B = x  [R, K]  1 x 128 tiles
//   data     dX = dY W    A = W^T [K, N]  the same blocks, moved  B = dY [R, N]  1 x 128 tiles
//   weight   dW += dY^T x A = x^T [K, R]  128 x 1 tiles of x      B = dY^T [N, R] 128 x 1 tiles of dY
// (cuBLASLt column-major D [m = A rows, n = B rows] is the row-major output [B rows, A rows]).
// Each returns NMC_OK, LT_UNAVAILABLE (why set: the caller falls back to the fake quant) or NMC_ERR.
#include "train_linear_lt.h"

#include "gemm_lt.h"
#include "kernels/fp8_lt.h"

namespace nmc::train {
namespace {

int round128(int v) { return (v + 127) / 128 * 128; }

// one quantised operand in a work buffer: codes [outer, k_pad], then its scales (256-byte aligned)
struct Op {
    LtOperand lt;
    uint8_t *codes = nullptr;
    float *scales = nullptr;
    int64_t so = 0, sk = 0;
};

int place(Buf &b, int mode, int outer, int k_pad, Op *op) {
    int kb = k_pad / 128;
    size_t code_bytes = ((size_t)outer * k_pad + 255) / 256 * 256;
    NMC_TRY(ensure(b, code_bytes + (size_t)lt_scale_count(mode, outer, kb) * sizeof(float)));
    op->codes = static_cast<uint8_t *>(b.p);
    op->scales = reinterpret_cast<float *>(op->codes + code_bytes);
    lt_scale_strides(mode, outer, kb, &op->so, &op->sk);
    op->lt = LtOperand{op->codes, op->scales, outer, mode};
    return NMC_OK;
}

int available(nmc_trainer *t, std::string *why) {
    const LtInfo &info = lt_info(t->device);
    if (info.available) return NMC_OK;
    *why = info.reason;
    return LT_UNAVAILABLE;
}

int run(nmc_trainer *t, const Op &a, const Op &b, int k_pad, float beta, float *d, int64_t ldd, std::string *why) {
    return lt_fp8_gemm(t->device, t->stream, t->gemm.workspace, t->gemm.workspace_bytes, a.lt, b.lt, k_pad, beta, d,
                       ldd, why);
}

}  // namespace

int lt_linear_fwd(nmc_trainer *t, int wi, int rows, int n, int kk, const float *x, int ldx, float *y, int ldy,
                  float beta, std::string *why) {
    if (int rc = available(t, why)) return rc;
    TParam &p = t->params[wi];
    int kp = round128(kk);
    Op a, b;
    NMC_TRY(place(p.q8_fwd, LT_BLK128, n, kp, &a));
    NMC_TRY(place(t->fq_a, LT_VEC128, rows, kp, &b));
    if (p.q8_fwd_version != t->weight_version) {  // the weight's codes and scales: once per weight version
        NMC_TRY(k::fp8lt::quantize_tiles(p.w, kk, n, kk, 128, 128, false, n, kp, a.codes, kp, a.scales, a.so, a.sk,
                                         t->stream));
        p.q8_fwd_version = t->weight_version;
    }
    NMC_TRY(k::fp8lt::quantize_tiles(x, ldx, rows, kk, 1, 128, false, rows, kp, b.codes, kp, b.scales, b.so, b.sk,
                                     t->stream));
    return run(t, a, b, kp, beta, y, ldy, why);
}

int lt_linear_dx(nmc_trainer *t, int wi, int rows, int n, int kk, const float *dy, int ldy, float *dx,
                 int lddx, float beta, std::string *why) {
    if (int rc = available(t, why)) return rc;
    TParam &p = t->params[wi];
    int np = round128(n);
    Op a, b;
    NMC_TRY(place(p.q8_dx, LT_BLK128, kk, np, &a));
    NMC_TRY(place(t->fq_a, LT_VEC128, rows, np, &b));
    // W [n, kk] read as 128 x 128 tiles (rb over n = W^T's contraction blocks, cb over kk = its row blocks)
    if (p.q8_dx_version != t->weight_version) {
        NMC_TRY(k::fp8lt::quantize_tiles(p.w, kk, n, kk, 128, 128, true, np, kk, a.codes, np, a.scales, a.sk, a.so,
                                         t->stream));
        p.q8_dx_version = t->weight_version;
    }
    NMC_TRY(k::fp8lt::quantize_tiles(dy, ldy, rows, n, 1, 128, false, rows, np, b.codes, np, b.scales, b.so, b.sk,
                                     t->stream));
    return run(t, a, b, np, beta, dx, lddx, why);
}

int lt_linear_dw(nmc_trainer *t, float *gw, int rows, int n, int kk, const float *dy, int ldy, const float *x, int ldx,
                 std::string *why) {
    if (int rc = available(t, why)) return rc;
    int rp = round128(rows);
    Op a, b;
    NMC_TRY(place(t->fq_b, LT_VEC128, kk, rp, &a));
    NMC_TRY(place(t->fq_a, LT_VEC128, n, rp, &b));
    // 128 x 1 tiles: tile (rb, column c) is operand row c's contraction block rb
    NMC_TRY(k::fp8lt::quantize_cols_transposed(x, ldx, rows, kk, a.codes, rp, a.scales, a.sk, a.so, t->stream));
    NMC_TRY(k::fp8lt::quantize_cols_transposed(dy, ldy, rows, n, b.codes, rp, b.scales, b.sk, b.so, t->stream));
    return run(t, a, b, rp, 1.0f, gw, kk, why);
}

}  // namespace nmc::train
