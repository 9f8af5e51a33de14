// The current device's multiprocessor count, read once (132 if the query fails): the grid sizing of
// the skinny decode GEMM (skinny_gemm.cu) and of the fused decode GEMVs (norm.cu resident_grid).
// Defined in skinny_gemm.cu.
#pragma once

namespace nmc::k {
int multiprocessor_count();
}  // namespace nmc::k
