// Host stand-ins of the CUDA built-ins the decode GEMV and norm kernels use beyond test/cuda_host_emu.h
// (test/decode_fuse_emu.cpp): uint2, __half (not emulated: an error), __fadd_rn,
// rsqrtf (correctly rounded here; the device's is approximate, so the emulators compare paths that
// both use it, and the double reference with a tolerance), BF16 pairs to float2, and the read-only /
// streaming loads as plain loads that check their alignment. Include after cuda_host_emu.h.
#pragma once
#include <cmath>
#include <cstdio>
#include <cstdlib>

struct uint2 { unsigned x, y; };
struct __half {
    uint16_t bits;
};
[[noreturn]] inline void no_half() {
    fprintf(stderr, "error: FP16 is not emulated\n");
    abort();
}
inline float __half2float(__half) { no_half(); }
inline __half __float2half(float) { no_half(); }
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float2 __bfloat1622float2(__nv_bfloat162 v) { return {__bfloat162float(v.x), __bfloat162float(v.y)}; }
// __ldg, __ldcs: plain loads
template <typename T>
inline T __ldg(const T *p) {
    if (reinterpret_cast<uintptr_t>(p) % alignof(T)) {
        fprintf(stderr, "misaligned __ldg\n");
        abort();
    }
    return *p;
}
template <typename T>
inline T __ldcs(const T *p) { return __ldg(p); }
