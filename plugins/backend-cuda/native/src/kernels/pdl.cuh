// Programmatic dependent launch (PDL, sm_90) for the decode step's weight-streaming kernels.
//
// A decode step at batch 1 is ~340 kernels; between two of them the GPU drains one grid and fills
// the next, and the small kernels before each GEMV (RMSNorm: one block a row, the gated norm,
// relu², the attention) leave most SMs idle for microseconds. The GEMVs' weights do not depend on
// those kernels, only their activations do. So, where NMC_DECODE_PDL=1:
//   1. the kernel before a GEMV calls pdl_launch_dependents() first thing: once all of its blocks
//      have, the GEMV may start on the SMs it leaves free;
//   2. the GEMV (launched with launch_pdl's attribute) prefetches the first bytes of its blocks'
//      weight rows into L2 (prefetch_l2), then pdl_wait()s, which returns when the kernel before
//      it has completed and its writes are visible; only then does it read its activations.
// Without the attribute (NMC_DECODE_PDL unset or 0) the launch is an ordinary stream launch and
// pdl_wait / pdl_launch_dependents do nothing. Results are bit for bit the same either way: only
// when a kernel starts changes, not what it computes.
#pragma once

#include <cuda_runtime.h>
#include <cstdint>
#include <utility>

namespace nmc::k {

// Waits until the grid this one depends on (the previous kernel of the stream) has completed and
// flushed its memory; returns at once for a kernel launched without the PDL attribute.
__device__ __forceinline__ void pdl_wait() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;\n" ::: "memory");
#endif
}

// Lets the next kernel of the stream, if it was launched with the PDL attribute, start once every
// block of this grid has called this (or exited). It does not make this grid's writes visible.
__device__ __forceinline__ void pdl_launch_dependents() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.launch_dependents;\n" ::);
#endif
}

// Starts moving bytes [p, p + bytes) from HBM into L2 without waiting (p 16-byte aligned, bytes a
// multiple of 16; one thread issues it for the block).
__device__ __forceinline__ void prefetch_l2(const void *p, uint32_t bytes) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    if (bytes >= 16) asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;\n" ::"l"(p), "r"(bytes & ~15u) : "memory");
#endif
}

// How many bytes of its weight rows a GEMV block prefetches before pdl_wait: enough to cover the
// kernel before it (a few microseconds of HBM time) while the ~1,000 resident blocks' prefetches
// together stay well inside the 50 MB L2.
constexpr uint32_t PDL_PREFETCH_BYTES = 32 * 1024;

// The prefetch of one GEMV block: `bytes` contiguous bytes of weights from `rows` (16-byte aligned),
// capped at PDL_PREFETCH_BYTES; thread 0 issues it.
__device__ __forceinline__ void prefetch_rows_l2(const void *rows, int64_t bytes) {
    if (threadIdx.x == 0 && (reinterpret_cast<uintptr_t>(rows) & 15) == 0 && bytes > 0) {
        prefetch_l2(rows, (uint32_t)(bytes < (int64_t)PDL_PREFETCH_BYTES ? bytes : PDL_PREFETCH_BYTES));
    }
}

// NMC_DECODE_PDL: 1 launches the decode GEMVs with programmatic dependent launch; unset or 0 does
// not (the default until a GPU measurement says otherwise). Read at each launch (decode launches
// are captured once into a graph).
bool decode_pdl();

// kernel<<<grid, block, smem, stream>>>(args...), with the PDL attribute when `pdl`.
template <typename... Params, typename... Args>
cudaError_t launch_pdl(bool pdl, void (*kernel)(Params...), dim3 grid, dim3 block, size_t smem, cudaStream_t stream,
                       Args &&...args) {
    cudaLaunchConfig_t cfg{};
    cfg.gridDim = grid;
    cfg.blockDim = block;
    cfg.dynamicSmemBytes = smem;
    cfg.stream = stream;
    cudaLaunchAttribute attr[1];
    attr[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attr[0].val.programmaticStreamSerializationAllowed = pdl ? 1 : 0;
    cfg.attrs = attr;
    cfg.numAttrs = 1;
    return cudaLaunchKernelEx(&cfg, kernel, std::forward<Args>(args)...);
}

}  // namespace nmc::k
