// Tensor-core and copy primitives shared by the decode GEMMs (fp8_mma.cu, skinny_gemm.cu) and the
// register-resident prefill attention (attention_mma.cu): mma.sync m16n8k16 BF16 -> fp32, E4M3
// pairs to scaled BF16 pairs, fp32 pairs to BF16 pairs, ldmatrix (.trans), cp.async 16-byte copies;
// for the register-streamed skinny GEMM (NMC_SKINNY_KERNEL=wreg) 16-byte streaming loads to
// registers, byte permutes and packed BF16 products.
// test/mma_host_emu.h and test/skinny_gemm_emu.cpp give host versions of the same signatures (from
// the PTX ISA's definitions).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cstdint>

namespace nmc::k {

// Two E4M3 codes times a scale, as one BF16 pair (low half = first code).
__device__ __forceinline__ uint32_t e4m3x2_scaled_bf16x2(uint16_t two, float s) {
    __half2_raw raw = __nv_cvt_fp8x2_to_halfraw2((__nv_fp8x2_storage_t)two, __NV_E4M3);
    float2 f = __half22float2(*reinterpret_cast<__half2 *>(&raw));
    __nv_bfloat162 b = __floats2bfloat162_rn(f.x * s, f.y * s);
    return *reinterpret_cast<uint32_t *>(&b);
}

// d += A B: A 16x16 row-major fragment a (rows g, g + 8; k 2t.. and 2t + 8..), B 16x8 column fragment
// b0, b1 (column g; k 2t.. and 2t + 8..), d rows g, g + 8 x columns 2t, 2t + 1 (g = lane / 4, t = lane % 4)
__device__ __forceinline__ void mma_bf16(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// (lo, hi) rounded to BF16 as one register (low half = lo): the A fragment pairs of mma_bf16
__device__ __forceinline__ uint32_t bf16x2_pack(float lo, float hi) {
    __nv_bfloat162 b = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<uint32_t *>(&b);
}

// Four 8x8 b16 matrices from shared memory: lanes 8i..8i + 7 give the 16-byte-aligned addresses of
// rows 0..7 of matrix i; r[i] = row lane / 4, elements 2 (lane % 4), + 1 of matrix i (the A / B
// fragment pieces of mma_bf16 when the rows are the fragment's rows / columns)
__device__ __forceinline__ void ldmatrix_x4(uint32_t (&r)[4], const void *row) {
    const unsigned s = (unsigned)__cvta_generic_to_shared(row);
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(s));
}
// The same transposed: r[i] = elements (2 (lane % 4), lane / 4) and (2 (lane % 4) + 1, lane / 4) of
// matrix i (a B fragment of a row-major [k][n] tile in shared memory)
__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t (&r)[4], const void *row) {
    const unsigned s = (unsigned)__cvta_generic_to_shared(row);
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(s));
}

// 16 bytes global -> shared without registers (L2 only: streamed weights are not kept in L1)
__device__ __forceinline__ void cp_async16(void *smem, const void *gmem) {
    const unsigned s = (unsigned)__cvta_generic_to_shared(smem);
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(s), "l"(gmem));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

// 16 bytes global -> registers, read-only and streamed: not kept in L1 (L1::no_allocate), the L2
// fetching the 256 bytes around (the next chunks of the same weight row). volatile: stays where the
// software pipeline issues it.
__device__ __forceinline__ uint4 ldg_stream16(const void *gmem) {
    uint4 v;
    asm volatile("ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
                 : "l"(gmem));
    return v;
}

// prmt.b32: byte i of the result = byte (selector nibble i) of the 8 bytes {b, a} (0-3: a, 4-7: b)
__device__ __forceinline__ uint32_t byte_perm(uint32_t a, uint32_t b, uint32_t sel) { return __byte_perm(a, b, sel); }

// two BF16 products (mul.rn.bf16x2, sm_90): each half a x b rounded once to nearest even
__device__ __forceinline__ uint32_t bf16x2_mul(uint32_t a, uint32_t b) {
    uint32_t d;
    asm("mul.rn.bf16x2 %0, %1, %2;\n" : "=r"(d) : "r"(a), "r"(b));
    return d;
}

}  // namespace nmc::k
