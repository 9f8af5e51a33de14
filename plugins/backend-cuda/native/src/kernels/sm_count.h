// The current device's multiprocessor count, read once (132 if the query fails): the grid sizing of
// the register-streamed decode kernels (skinny_gemm.cu, gemv_fp8_xreg.cu). Defined in skinny_gemm.cu.
#pragma once

namespace nmc::k {
int multiprocessor_count();
}  // namespace nmc::k
