// Host versions of the register-streaming primitives of kernels/mma_bf16.cuh used by the kernels that
// stream E4M3 weights to registers (skinny_gemm_kernels.cuh's wreg kernel), from the PTX ISA's definitions,
// plus the E4M3 code values they are checked against. Include after cuda_host_emu.h and
// mma_host_emu.h (bf16x2_pack); test/skinny_gemm_emu.cpp, test/decode_fuse_emu.cpp (e4m3 only).
#pragma once
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace emu {
// the value of an E4M3 code (s eeee mmm, bias 7, subnormal at e = 0)
inline float e4m3(uint8_t c) {
    const int sign = c >> 7, e = (c >> 3) & 15, m = c & 7;
    const float v = e == 0 ? std::ldexp((float)m / 8.0f, -6) : std::ldexp(1.0f + (float)m / 8.0f, e - 7);
    return sign ? -v : v;
}
inline float lo(uint32_t v) { return __bfloat162float({(uint16_t)(v & 0xffff)}); }
inline float hi(uint32_t v) { return __bfloat162float({(uint16_t)(v >> 16)}); }
// ld.global.nc.v4.u32 (cache hints have no effect on the value): 16 bytes, 16-byte aligned
inline uint4 ldg_stream16(const void *src) {
    if (reinterpret_cast<uintptr_t>(src) % 16) {
        fprintf(stderr, "ld.global.v4 of a misaligned 16-byte piece\n");
        abort();
    }
    uint4 v;
    memcpy(&v, src, 16);
    return v;
}
// prmt.b32 (default mode): result byte i = byte (sel nibble i & 7) of {b, a} (0-3: a's bytes, 4-7:
// b's); nibble bit 3 set: that byte's sign bit replicated
inline uint32_t byte_perm(uint32_t a, uint32_t b, uint32_t sel) {
    const uint64_t x = (uint64_t)b << 32 | a;
    uint32_t r = 0;
    for (int i = 0; i < 4; i++) {
        const int n = (sel >> (4 * i)) & 15;
        uint32_t byte = (uint32_t)(x >> (8 * (n & 7))) & 255;
        if (n & 8) byte = (byte & 128) ? 255 : 0;
        r |= byte << (8 * i);
    }
    return r;
}
// mul.rn.bf16x2: per half, the exact product rounded to nearest even (subnormals kept)
inline uint32_t bf16x2_mul(uint32_t a, uint32_t b) { return bf16x2_pack(lo(a) * lo(b), hi(a) * hi(b)); }
}  // namespace emu
