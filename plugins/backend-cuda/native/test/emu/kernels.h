// Host emulation of kernels.h's convert (fp32 -> bf16 round to nearest even only).
#pragma once
#include "../nmc_internal.h"
namespace nmc::k {
inline int convert(void *dst, int dst_dtype, const void *src, int src_dtype, int64_t n, cudaStream_t) {
    if (dst_dtype != NMC_BF16 || src_dtype != NMC_F32) return nmc::fail("emulated convert: fp32 -> bf16 only");
    for (int64_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, static_cast<const float *>(src) + i, 4);
        u += 0x7FFF + ((u >> 16) & 1);
        static_cast<uint16_t *>(dst)[i] = (uint16_t)(u >> 16);
    }
    return NMC_OK;
}
}  // namespace nmc::k
