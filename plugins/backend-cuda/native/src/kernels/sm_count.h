// The current device's multiprocessor count, read once a process (132, an H100's, if the query
// fails; the GPUs of one host are taken to be alike): the grid sizing of the skinny decode GEMM,
// the fused decode GEMVs (norm.cu resident_grid), decode attention's split-K, the fused scan's output
// kernel and the flash attention backward. Defined in sm_count.cu.
#pragma once

namespace nmc::k {
int multiprocessor_count();
}  // namespace nmc::k
