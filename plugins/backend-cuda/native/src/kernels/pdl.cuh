// Programmatic dependent launch (PDL, sm_90) for the decode step: a kernel launched with it may start
// while the kernel before it on the stream is still finishing, and waits for that kernel's completion
// (and its memory) at pdl_wait(). Used where a decode step is a long chain of small kernels, so one
// kernel's launch and first weight loads overlap the previous kernel's tail (NMC_DECODE_PDL).
//
// The contract of every kernel launched through launch_pdl (device side):
//   1. pdl_launch_dependents() first: the next kernel may be launched once every block has called it;
//   2. before pdl_wait(): read only what no kernel of this step writes (weights), write nothing
//      (prefetch_l2 of the weights is the intended use);
//   3. pdl_wait() in every thread before any other global access. It returns when the previous
//      kernel has completed and its writes are visible; that kernel waited for its own
//      predecessor, so everything earlier on the stream is complete too.
// A kernel launched without the attribute (launch_pdl while PDL is off, or <<<>>>) runs both
// instructions as no-ops, so the same kernel serves both.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include <utility>

namespace nmc::k {

__device__ __forceinline__ void pdl_launch_dependents() { asm volatile("griddepcontrol.launch_dependents;" ::: "memory"); }

__device__ __forceinline__ void pdl_wait() { asm volatile("griddepcontrol.wait;" ::: "memory"); }

// an asynchronous copy of [p, p + bytes) from HBM into L2, no registers (nothing where p or bytes is
// not a multiple of 16)
__device__ __forceinline__ void prefetch_l2(const void *p, unsigned bytes) {
    if (((reinterpret_cast<uintptr_t>(p) | bytes) & 15) != 0 || bytes == 0) return;
    asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;" ::"l"(p), "r"(bytes) : "memory");
}

// Host: whether this thread's launches through launch_pdl carry the PDL attribute (pdl.cu). Set
// for the duration of a decode step by PdlScope.
bool pdl_active();
void set_pdl_active(bool on);
// NMC_DECODE_PDL: 1 = the decode step's kernels launch with PDL; unset or 0 = plain launches; another
// value fails with one error line
int decode_pdl_switch(bool *on);

struct PdlScope {
    bool before;
    explicit PdlScope(bool on) : before(pdl_active()) { set_pdl_active(on); }
    ~PdlScope() { set_pdl_active(before); }
    PdlScope(const PdlScope &) = delete;
    PdlScope &operator=(const PdlScope &) = delete;
};

// kernel<<<grid, block, smem, stream>>>(args...), with the PDL attribute while pdl_active()
template <typename... Params, typename... Args>
cudaError_t launch_pdl(void (*kernel)(Params...), dim3 grid, dim3 block, size_t smem, cudaStream_t stream,
                       Args &&...args) {
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = grid;
    cfg.blockDim = block;
    cfg.dynamicSmemBytes = smem;
    cfg.stream = stream;
    cudaLaunchAttribute attr[1];
    attr[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attr[0].val.programmaticStreamSerializationAllowed = 1;
    if (pdl_active()) {
        cfg.attrs = attr;
        cfg.numAttrs = 1;
    }
    return cudaLaunchKernelEx(&cfg, kernel, std::forward<Args>(args)...);
}

}  // namespace nmc::k
