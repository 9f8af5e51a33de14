// What the trainer's layer files share: train_layers.cu (the layer dispatch, attention, MLP) and
// train_mamba.cu (the Mamba layer). The linear layers' forward and backward with their BF16 operand
// copies (xn16, mid16_for) live in train_layers.cu.
#pragma once

#include "train.h"

namespace nmc::train {

inline const float *CW(nmc_trainer *t, int idx) { return W(t, idx); }

// The BF16 copy of xn [R, d] when weight w's GEMMs take BF16 operands, else null (made once a layer).
const void *xn16(nmc_trainer *t, int w);
// Where the kernel making a Mamba or MLP mid [R, width] writes it: BF16 mid16 when weight w's GEMMs take
// BF16 operands, else null (fp32 mid).
int mid16_for(nmc_trainer *t, int w, int width, void **out);
// y [R, out] (ldy) = x [R, in] (ldx) W^T + beta y (+ bias); x16 (nullable) x's BF16 copy
int linear_fwd(nmc_trainer *t, const float *x, int ldx, int w, int b, int in, int out, float *y, int ldy, float beta,
               const void *x16 = nullptr);
// dx (= or += when beta 1) dy W;  dW += dy^T x;  db += colsum(dy)
int linear_bwd(nmc_trainer *t, const float *dy, int ldy, const float *x, int ldx, int w, int b, int in, int out,
               float *dx, int lddx, float beta, const void *x16 = nullptr);

// The Mamba layer (train_mamba.cu): forward from xn (h_out += its output; null: the recompute before
// backward, nothing added) and backward (dxn from dh).
int mamba_fwd(nmc_trainer *t, const TLayer &L, float *h_out);
int mamba_bwd(nmc_trainer *t, const TLayer &L);

}  // namespace nmc::train
