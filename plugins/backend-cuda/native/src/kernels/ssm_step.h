// The vectorised Mamba-2 decode state update (ssm_step.cu), picked by NMC_DECODE_SCAN=vec inside
// scan_step (ssm_scan.cu); the old step_kernel stays the reference (NMC_DECODE_SCAN=old or unset).
#pragma once

#include "kernels.h"

namespace nmc::k {
// *on = 1 when NMC_DECODE_SCAN=vec, 0 when old or unset; another value: NMC_ERR (env_switch.h).
int decode_scan_vec(int *on);
// N / 4 a power of two <= 32 (N = 4..128), 16-byte aligned states, B and C, bc_stride % 4 == 0.
bool scan_step_vec_supported(const Scan &s, const float *states);
// The same contract as scan_step (kernels.h).
int scan_step_vec(const Scan &s, int rows, float *states, const int32_t *slots, cudaStream_t stream);
}  // namespace nmc::k
