// The forward of the tensor-core flash attention (FlashAttention-2 structure, WMMA BF16 operands,
// fp32 accumulation and softmax), shared by training (train_flash_tc.cu: K/V fp32 rows of the fused
// qkv) and inference prefill (attention_flash.cu: K/V BF16 rows of the paged cache). The callers
// differ only in where Q, K, V come from and where the output goes; the tiles, masking and online
// softmax are here.
//
// Block = 64 queries of one head, 4 warps of 16 query rows; query i of the block (i < valid) sits
// at position pos0 + i and sees keys 0..pos0 + i (causal). Per 64-key tile k0 <= the last position:
//   1. K, V tile -> shared memory (bf16, rows beyond the keys zero)   (the caller's load_kv)
//   2. S = Q K^T                                [16 x 64] per warp, tensor cores -> fp32 smem
//   3. s *= scale (masked -inf for key > position); m' = max(m, max s); P = exp(s - m') (bf16);
//      l = l e^(m - m') + sum P (fp32);  O = O e^(m - m')
//   4. O += P V                                 [16 x hd] per warp, accumulated in fp32 smem
//   5. finish(i, half, O row, 1 / l, m + log l)  (the caller's store: lanes 2r, 2r + 1 share row r)
// Q stays in registers (the warp's 16 rows as hd / 16 fragments); shared rows are padded (BPAD,
// FPAD) so WMMA loads do not hit one bank.
#pragma once

#ifdef __CUDACC__
#include <cuda_bf16.h>
#include <mma.h>
#include <cmath>
#include <cstdint>
#endif

namespace nmc::k::ftc {

using namespace nvcuda;
using bf16 = __nv_bfloat16;

constexpr int BQ = 64, BK = 64;        // query rows, key rows of a tile
constexpr int FWD_WARPS = 4;           // 16 query rows each
constexpr int BPAD = 8, FPAD = 4;      // row padding of bf16 and fp32 shared tiles (elements)

using FragA = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major>;
using FragAc = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::col_major>;
using FragB = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major>;
using FragBc = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major>;
using FragC = wmma::fragment<wmma::accumulator, 16, 16, 16, float>;

// sm [64, HD] (row stride lds) = bf16 of rows [0, valid) of src (row stride ld, 16-byte aligned
// rows), zeros below
template <int HD>
__device__ __forceinline__ void load_bf16(bf16 *sm, int lds, const float *src, int64_t ld, int valid) {
    constexpr int PER = HD / 4;  // float4 per row
    for (int e = threadIdx.x; e < 64 * PER; e += blockDim.x) {
        int r = e / PER, c = (e - r * PER) * 4;
        float4 v = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        if (r < valid) v = *reinterpret_cast<const float4 *>(src + r * ld + c);
        __nv_bfloat162 *dst = reinterpret_cast<__nv_bfloat162 *>(sm + r * lds + c);
        dst[0] = __floats2bfloat162_rn(v.x, v.y);
        dst[1] = __floats2bfloat162_rn(v.z, v.w);
    }
}

// The forward's shared memory: q [BQ][LDB], k, v [BK][LDB], p [BQ][LDP] bf16; s [BQ][LDS], o [BQ][LDO] fp32
template <int HD>
struct Fwd {
    static constexpr int LDB = HD + BPAD, LDP = BK + BPAD, LDS = BK + FPAD, LDO = HD + FPAD;
    static constexpr size_t bytes() {
        return sizeof(bf16) * ((size_t)(BQ + 2 * BK) * LDB + (size_t)BQ * LDP) +
               sizeof(float) * ((size_t)BQ * LDS + (size_t)BQ * LDO);
    }
    bf16 *q, *k, *v, *p;
    float *s, *o;
    __device__ explicit Fwd(char *smem) {
        q = reinterpret_cast<bf16 *>(smem);
        k = q + BQ * LDB;
        v = k + BK * LDB;
        p = v + BK * LDB;
        s = reinterpret_cast<float *>(p + BQ * LDP);
        o = s + BQ * LDS;
    }
};

// Steps 1-5 for one block whose Q tile the caller has written into sm.q (no barrier needed: the
// loop starts with one). load_kv(k0) fills sm.k, sm.v with keys k0..k0 + 63.
template <int HD, typename LoadKV, typename Finish>
__device__ __forceinline__ void fwd_block(const Fwd<HD> &sm, int valid, int pos0, float scale, LoadKV load_kv,
                                          Finish finish) {
    using F = Fwd<HD>;
    constexpr int LDB = F::LDB, LDP = F::LDP, LDS = F::LDS, LDO = F::LDO;
    for (int e = threadIdx.x; e < BQ * LDO; e += blockDim.x) sm.o[e] = 0.0f;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int wr = warp * 16, r = lane >> 1, half = lane & 1;  // lane: row wr + r, columns of `half`
    const int i = wr + r;                                      // this lane's query (block row)
    const bool live = i < valid;
    const int pos = pos0 + i;
    float m = -INFINITY, l = 0.0f;  // of row i (both lanes of the row agree)
    const int p_last = pos0 + valid - 1, w_last = pos0 + min(valid - 1, wr + 15);
    float *srow = sm.s + wr * LDS, *sr = sm.s + i * LDS, *orow = sm.o + i * LDO;
    bf16 *pr = sm.p + i * LDP;
    FragA qf[HD / 16];  // the warp's 16 query rows, kept in registers
    for (int k0 = 0; k0 <= p_last; k0 += BK) {
        __syncthreads();                                                                          // 1.
        load_kv(k0);
        __syncthreads();
        if (wr >= valid || k0 > w_last) continue;  // warp-uniform: no visible key
        if (k0 == 0) {
#pragma unroll
            for (int kk = 0; kk < HD / 16; kk++) wmma::load_matrix_sync(qf[kk], sm.q + wr * LDB + kk * 16, LDB);
        }
#pragma unroll
        for (int nb = 0; nb < BK / 16; nb++) {                                                    // 2.
            FragC acc;
            wmma::fill_fragment(acc, 0.0f);
#pragma unroll
            for (int kk = 0; kk < HD / 16; kk++) {
                FragBc fb;
                wmma::load_matrix_sync(fb, sm.k + nb * 16 * LDB + kk * 16, LDB);
                wmma::mma_sync(acc, qf[kk], fb, acc);
            }
            wmma::store_matrix_sync(srow + nb * 16, acc, LDS, wmma::mem_row_major);
        }
        __syncwarp();
        float mx = -INFINITY;                                                                     // 3.
        for (int c = half * 32; c < half * 32 + 32; c++) {
            float s = (live && k0 + c <= pos) ? sr[c] * scale : -INFINITY;
            sr[c] = s;
            mx = fmaxf(mx, s);
        }
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
        const float mn = fmaxf(m, mx);
        const float corr = mn == -INFINITY ? 1.0f : expf(m - mn);
        float sum = 0.0f;
        for (int c = half * 32; c < half * 32 + 32; c++) {
            float p = mn == -INFINITY ? 0.0f : expf(sr[c] - mn);
            pr[c] = __float2bfloat16(p);
            sum += p;
        }
        sum += __shfl_xor_sync(0xffffffffu, sum, 1);
        l = l * corr + sum;
        m = mn;
        for (int c = half * (HD / 2); c < (half + 1) * (HD / 2); c++) orow[c] *= corr;
        __syncwarp();
#pragma unroll
        for (int nb = 0; nb < HD / 16; nb++) {                                                    // 4.
            FragC acc;
            wmma::load_matrix_sync(acc, sm.o + wr * LDO + nb * 16, LDO, wmma::mem_row_major);
#pragma unroll
            for (int kk = 0; kk < BK / 16; kk++) {
                FragA fa;
                FragB fb;
                wmma::load_matrix_sync(fa, sm.p + wr * LDP + kk * 16, LDP);
                wmma::load_matrix_sync(fb, sm.v + kk * 16 * LDB + nb * 16, LDB);
                wmma::mma_sync(acc, fa, fb, acc);
            }
            wmma::store_matrix_sync(sm.o + wr * LDO + nb * 16, acc, LDO, wmma::mem_row_major);
        }
        __syncwarp();
    }
    __syncwarp();
    if (live) finish(i, half, (const float *)orow, 1.0f / l, m + logf(l));                        // 5.
}

}  // namespace nmc::k::ftc
