// Shared by the training attention launchers (train_flash_tc.cu, train_flash_mma_bwd.cu): the shape
// check of the tensor-core kernels and one kernel launch with its dynamic shared memory.
#pragma once

#include "train_kernels.h"

#include <cuda_runtime.h>

namespace nmc::k::train {

// flash_tc_supported, a positive shape with q_heads a multiple of kv_heads, batch and heads <= 65535
int flash_tc_check(const FlashAttn &a);

// kernel<<<grid, threads, smem, stream>>>(args...) after raising its dynamic shared memory limit;
// a CUDA error fails naming `what`
template <typename K, typename... Args>
int flash_launch(K kernel, dim3 grid, int threads, size_t smem, cudaStream_t stream, const char *what, Args... args) {
    cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem);
    if (err == cudaSuccess) {
        kernel<<<grid, threads, smem, stream>>>(args...);
        err = cudaGetLastError();
    }
    if (err != cudaSuccess) return nmc::cuda_fail(err, what);
    return NMC_OK;
}

}  // namespace nmc::k::train
