// The split tensor-core SSD forward for inference prefill (ssd2.cu): the same scan and the same
// arguments as ssd_fused (ssd_fused.h), one block per (chunk, head) in every launch, batched
// global loads. NMC_PREFILL_SCAN picks it (prefill_scan_mode).
#pragma once
#include "ssd_fused.h"

namespace nmc::k {

// Whether the kernels' shared memory holds a head of head_dim x state.
bool ssd2_supported(int head_dim, int state);
// y (and final_state) of the scan; three launches on `stream`. The workspace is ssd_fused's
// (ssd_fused_workspace_floats: the same 64-token chunks, the same layout).
int ssd2(const SsdArgs &args, float *workspace, cudaStream_t stream);

// Inference prefill's scan (NMC_PREFILL_SCAN, read at session creation).
enum PrefillScan { PREFILL_CHUNKED = 0, PREFILL_SSD = 1, PREFILL_SSD2 = 2 };
// chunked (ssm_scan.cu, fp32 CUDA cores, exact), ssd (ssd_fused.cu), ssd2 (ssd2.cu), or auto /
// unset: ssd2 for BF16 and FP8 models where the shape fits, chunked for fp32 models (whose prefill
// must match decode to fp32 rounding). An unknown value, or a tensor-core scan the head does not
// fit, fails with an error naming the accepted ones.
int prefill_scan_mode(int model_dtype, int head_dim, int state, int *mode);

}  // namespace nmc::k
