// The trainer's FP8 GEMMs through cuBLASLt block-scaled E4M3 GEMMs (gemm_lt.h): the operands are
// quantised in the recipe's tiles (kernels/fp8_lt.h; codes and scales bit-identical to the fake
// quantiser's), K-major, the contraction padded with zero codes to a multiple of 128:
//   forward  y  = x W^T   A = W   [N, K]  128 x 128 blocks        B = x  [R, K]  1 x 128 tiles
//   data     dX = dY W    A = W^T [K, N]  the same blocks, moved  B = dY [R, N]  1 x 128 tiles
//   weight   dW += dY^T x A = x^T [K, R]  128 x 1 tiles of x      B = dY^T [N, R] 128 x 1 tiles of dY
// (cuBLASLt column-major D [m = A rows, n = B rows] is the row-major output [B rows, A rows]).
// Each returns NMC_OK, LT_UNAVAILABLE (why set: the caller falls back to the fake quant) or NMC_ERR.
// NMC_FP8_QUANT=fused (train_linear.cu decides): W's two copies from one read (quantize_dual block),
// and lt_linear_bwd reads dY once for both backward GEMMs (quantize_dual: row tiles in fq_a, column
// tiles in fq_c); the same codes and scales, so the same GEMMs. Unset: one pass per operand as above.
// NMC_PROFILE=1 times the quantisation apart: fp8.quant.weight, fp8.quant.x, fp8.quant.dy.
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

// The weight's quantised copies for this weight version into *fwd (q8_fwd: 128 x 128 blocks of W
// [n, kk]) and / or *dx (q8_dx: the same blocks transposed), each null when not wanted; a stale one is
// remade, with fused both in one pass (either stale: both rewritten, the same bytes).
int weight_ops(nmc_trainer *t, int wi, int n, int kk, bool fused, Op *fwd, Op *dx) {
    TParam &p = t->params[wi];
    const int kp = round128(kk), np = round128(n);
    Op f, d;
    if (fwd || fused) NMC_TRY(place(p.q8_fwd, LT_BLK128, n, kp, &f));
    if (dx || fused) NMC_TRY(place(p.q8_dx, LT_BLK128, kk, np, &d));
    const bool stale_f = fwd && p.q8_fwd_version != t->weight_version, stale_d = dx && p.q8_dx_version != t->weight_version;
    if (stale_f || stale_d) {
        double t0 = t->profile.begin(t->stream);
        if (fused) {
            NMC_TRY(k::fp8lt::quantize_dual(p.w, kk, n, kk, true, f.codes, kp, f.scales, f.so, f.sk, d.codes, np,
                                            d.scales, d.sk, d.so, t->stream));
            p.q8_fwd_version = p.q8_dx_version = t->weight_version;
        }
        if (!fused && stale_f) {
            NMC_TRY(k::fp8lt::quantize_tiles(p.w, kk, n, kk, 128, 128, false, n, kp, f.codes, kp, f.scales, f.so, f.sk,
                                             t->stream));
            p.q8_fwd_version = t->weight_version;
        }
        // W [n, kk] read as 128 x 128 tiles (rb over n = W^T's contraction blocks, cb over kk = its row blocks)
        if (!fused && stale_d) {
            NMC_TRY(k::fp8lt::quantize_tiles(p.w, kk, n, kk, 128, 128, true, np, kk, d.codes, np, d.scales, d.sk, d.so,
                                             t->stream));
            p.q8_dx_version = t->weight_version;
        }
        t->profile.carve(t->stream, "fp8.quant.weight", t0);
    }
    if (fwd) *fwd = f;
    if (dx) *dx = d;
    return NMC_OK;
}

// x [rows, kk] (ldx) in 1 x 128 tiles into b (the forward's B operand)
int x_rows(nmc_trainer *t, const float *x, int ldx, int rows, int kk, Op *b) {
    const int kp = round128(kk);
    NMC_TRY(place(t->fq_a, LT_VEC128, rows, kp, b));
    double t0 = t->profile.begin(t->stream);
    NMC_TRY(k::fp8lt::quantize_tiles(x, ldx, rows, kk, 1, 128, false, rows, kp, b->codes, kp, b->scales, b->so, b->sk,
                                     t->stream));
    t->profile.carve(t->stream, "fp8.quant.x", t0);
    return NMC_OK;
}

// x [rows, kk] (ldx) in 128 x 1 tiles, transposed, into fq_b (the weight gradient's A operand)
int x_cols(nmc_trainer *t, const float *x, int ldx, int rows, int kk, Op *a) {
    const int rp = round128(rows);
    NMC_TRY(place(t->fq_b, LT_VEC128, kk, rp, a));
    double t0 = t->profile.begin(t->stream);
    // 128 x 1 tiles: tile (rb, column c) is operand row c's contraction block rb
    NMC_TRY(k::fp8lt::quantize_cols_transposed(x, ldx, rows, kk, a->codes, rp, a->scales, a->sk, a->so, t->stream));
    t->profile.carve(t->stream, "fp8.quant.x", t0);
    return NMC_OK;
}

}  // namespace

int lt_linear_fwd(nmc_trainer *t, int wi, int rows, int n, int kk, const float *x, int ldx, float *y, int ldy,
                  float beta, std::string *why, bool fused) {
    if (int rc = available(t, why)) return rc;
    Op a, b;
    NMC_TRY(weight_ops(t, wi, n, kk, fused, &a, nullptr));
    NMC_TRY(x_rows(t, x, ldx, rows, kk, &b));
    return run(t, a, b, round128(kk), beta, y, ldy, why);
}

int lt_linear_dx(nmc_trainer *t, int wi, int rows, int n, int kk, const float *dy, int ldy, float *dx,
                 int lddx, float beta, std::string *why) {
    if (int rc = available(t, why)) return rc;
    int np = round128(n);
    Op a, b;
    NMC_TRY(weight_ops(t, wi, n, kk, false, nullptr, &a));
    NMC_TRY(place(t->fq_a, LT_VEC128, rows, np, &b));
    double t0 = t->profile.begin(t->stream);
    NMC_TRY(k::fp8lt::quantize_tiles(dy, ldy, rows, n, 1, 128, false, rows, np, b.codes, np, b.scales, b.so, b.sk,
                                     t->stream));
    t->profile.carve(t->stream, "fp8.quant.dy", t0);
    return run(t, a, b, np, beta, dx, lddx, why);
}

int lt_linear_dw(nmc_trainer *t, float *gw, int rows, int n, int kk, const float *dy, int ldy, const float *x, int ldx,
                 std::string *why) {
    if (int rc = available(t, why)) return rc;
    int rp = round128(rows);
    Op a, b;
    NMC_TRY(x_cols(t, x, ldx, rows, kk, &a));
    NMC_TRY(place(t->fq_a, LT_VEC128, n, rp, &b));
    double t0 = t->profile.begin(t->stream);
    NMC_TRY(k::fp8lt::quantize_cols_transposed(dy, ldy, rows, n, b.codes, rp, b.scales, b.sk, b.so, t->stream));
    t->profile.carve(t->stream, "fp8.quant.dy", t0);
    return run(t, a, b, rp, 1.0f, gw, kk, why);
}

int lt_linear_bwd(nmc_trainer *t, int wi, float *gw, int rows, int n, int kk, const float *dy, int ldy, float *dx,
                  int lddx, float beta, const float *x, int ldx, int *rc_dx, std::string *why_dx, int *rc_dw,
                  std::string *why_dw) {
    *rc_dx = *rc_dw = available(t, why_dx);
    if (*rc_dx != NMC_OK) {
        *why_dw = *why_dx;
        return NMC_OK;
    }
    const int np = round128(n), rp = round128(rows);
    Op w, g_rows, g_cols, x_t;
    NMC_TRY(weight_ops(t, wi, n, kk, true, nullptr, &w));
    NMC_TRY(place(t->fq_a, LT_VEC128, rows, np, &g_rows));
    NMC_TRY(place(t->fq_c, LT_VEC128, n, rp, &g_cols));
    double t0 = t->profile.begin(t->stream);
    NMC_TRY(k::fp8lt::quantize_dual(dy, ldy, rows, n, false, g_rows.codes, np, g_rows.scales, g_rows.so, g_rows.sk,
                                    g_cols.codes, rp, g_cols.scales, g_cols.sk, g_cols.so, t->stream));
    t->profile.carve(t->stream, "fp8.quant.dy", t0);
    NMC_TRY(x_cols(t, x, ldx, rows, kk, &x_t));
    *rc_dx = run(t, w, g_rows, np, beta, dx, lddx, why_dx);
    if (*rc_dx == NMC_ERR) return NMC_ERR;
    *rc_dw = run(t, x_t, g_cols, rp, 1.0f, gw, kk, why_dw);
    return *rc_dw == NMC_ERR ? NMC_ERR : NMC_OK;
}

}  // namespace nmc::train
