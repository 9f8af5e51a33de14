// E4M3 codes to their exact values as BF16 pairs by bit operations, for the register-streamed
// decode kernel (skinny_gemm.cu's skinny_wreg_kernel). A code s eeee mmm as the
// BF16 bits s 0000eeee mmm0000 is the code's value x 2^-120 (normal and subnormal alike, zero stays
// zero); one bf16x2 product by 2^120 (exact) gives the value. prmt, two logic ops and a shift on the
// integer pipe and one mul.rn.bf16x2, instead of cvt e4m3x2 -> f16x2 -> f32 on the conversion pipe.
// Relies on mul.rn.bf16x2 keeping subnormal inputs: skinny_gemm.cu's wreg_conversion_check_kernel
// checks every code on the GPU. The test emulators cut the text between the emu markers
// (test/skinny_gemm_emu.cpp, with host byte_perm and bf16x2_mul).
#pragma once

#include "mma_bf16.cuh"

namespace nmc::k {
// emu-begin
// two E4M3 codes (the bytes of q that sel picks into bytes 1 and 3) -> their exact values as BF16 x2
__device__ __forceinline__ uint32_t e4m3x2_exact_bf16x2(uint32_t q, uint32_t sel) {
    const uint32_t r = byte_perm(q, 0u, sel);                          // [0, code lo, 0, code hi]
    const uint32_t v = (r & 0x80008000u) | ((r & 0x7f007f00u) >> 4);  // value x 2^-120 as BF16 bits
    return bf16x2_mul(v, 0x7b807b80u);                                 // x 2^120 (BF16 0x7b80)
}
// emu-end
}  // namespace nmc::k
