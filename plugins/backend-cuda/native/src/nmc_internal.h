// Internal declarations shared by the translation units of libnemotron_cuda.so.
#pragma once

#include <cuda_runtime.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cstdint>
#include <string>

#include "../include/nemotron_cuda.h"

namespace nmc {

// ---- errors: one message per thread, read back with nmc_last_error() ----
void set_error(const std::string &message);
int fail(const std::string &message);  // sets the message, returns NMC_ERR
int cuda_fail(cudaError_t err, const char *what);

}  // namespace nmc

// Evaluates a CUDA runtime call; on failure records "what: cuda error" and returns NMC_ERR.
#define NMC_CUDA(call)                                                      \
    do {                                                                    \
        cudaError_t nmc_err_ = (call);                                      \
        if (nmc_err_ != cudaSuccess) return nmc::cuda_fail(nmc_err_, #call); \
    } while (0)

// Evaluates an int-returning nmc call and propagates NMC_ERR.
#define NMC_TRY(call)                      \
    do {                                   \
        if ((call) != NMC_OK) return NMC_ERR; \
    } while (0)
