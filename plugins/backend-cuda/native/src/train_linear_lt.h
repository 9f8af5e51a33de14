// The trainer's FP8 linear GEMMs through cuBLASLt (train_linear_lt.cu); train_linear.cu calls them
// and falls back to the fake-quantised fp32 GEMMs when one returns LT_UNAVAILABLE.
#pragma once

#include <string>

#include "train.h"

namespace nmc::train {
// y (= or + beta) x W^T;  dx (= or + beta) dy W;  dW += dy^T x  (shapes as linear_gemm_*; w the
// weight's parameter index: its quantised copies are kept per weight version, TParam::q8_fwd, q8_dx)
int lt_linear_fwd(nmc_trainer *t, int w, int rows, int n, int kk, const float *x, int ldx, float *y, int ldy,
                  float beta, std::string *why);
int lt_linear_dx(nmc_trainer *t, int w, int rows, int n, int kk, const float *dy, int ldy, float *dx,
                 int lddx, float beta, std::string *why);
int lt_linear_dw(nmc_trainer *t, float *gw, int rows, int n, int kk, const float *dy, int ldy, const float *x, int ldx,
                 std::string *why);
}  // namespace nmc::train
