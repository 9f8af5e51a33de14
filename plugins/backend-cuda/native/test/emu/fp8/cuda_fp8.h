// Host stand-in for <cuda_fp8.h> in the emulation of the FP8 operand quantisers
// (test/emu/fp8_quant_run.sh): the one conversion fp8_block.cuh uses, float -> E4M3 with
// __NV_SATFINITE, by the CPU reference's encoder (train_reference.h: nearest, ties to the even
// code, +-inf saturated to +-448, NaN 0x7f).
#pragma once

#include <cstdlib>

#include "../../train_reference.h"

typedef unsigned char __nv_fp8_storage_t;
enum __nv_saturation_t { __NV_NOSAT, __NV_SATFINITE };
enum __nv_fp8_interpretation_t { __NV_E4M3, __NV_E5M2 };

inline __nv_fp8_storage_t __nv_cvt_float_to_fp8(float x, __nv_saturation_t sat, __nv_fp8_interpretation_t kind) {
    if (sat != __NV_SATFINITE || kind != __NV_E4M3) abort();  // the only conversion the kernels make
    return tref::e4m3_encode((double)x);
}
