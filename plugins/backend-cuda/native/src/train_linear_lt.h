// The trainer's FP8 linear GEMMs through cuBLASLt (train_linear_lt.cu); train_linear.cu calls them
// and falls back to the fake-quantised fp32 GEMMs when one returns LT_UNAVAILABLE.
#pragma once

#include <string>

#include "train.h"

namespace nmc::train {
// y (= or + beta) x W^T;  dx (= or + beta) dy W;  dW += dy^T x  (shapes as linear_gemm_*; w the
// weight's parameter index: its quantised copies are kept per weight version, TParam::q8_fwd, q8_dx).
// fused (NMC_FP8_QUANT=fused): a stale weight copy is remade together with the other orientation's.
int lt_linear_fwd(nmc_trainer *t, int w, int rows, int n, int kk, const float *x, int ldx, float *y, int ldy,
                  float beta, std::string *why, bool fused = false);
int lt_linear_dx(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, float *dx,
                 int lddx, float beta, std::string *why);
int lt_linear_dw(nmc_trainer *t, float *gw, int rows, int n, int kk, const float *dy, int ldy, const float *x, int ldx,
                 std::string *why);
// NMC_FP8_QUANT=fused: lt_linear_dx then lt_linear_dw (into gw) with dy quantised once for both (its
// row tiles in fq_a, its column tiles in fq_c, x's column tiles in fq_b). *rc_dx, *rc_dw: each GEMM's
// outcome (NMC_OK, or LT_UNAVAILABLE with *why_dx / *why_dw: the caller falls back for that one);
// returns NMC_ERR on an error, else NMC_OK.
int lt_linear_bwd(nmc_trainer *t, int w, float *gw, int rows, int n, int kk, const float *dy, int ldy, float *dx,
                  int lddx, float beta, const float *x, int ldx, int *rc_dx, std::string *why_dx, int *rc_dw,
                  std::string *why_dw);
}  // namespace nmc::train
