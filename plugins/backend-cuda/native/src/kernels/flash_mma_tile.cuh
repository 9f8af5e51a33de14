// The FlashAttention-2 forward with S, P and O in registers (mma.sync m16n8k16 BF16 -> fp32,
// mma_bf16.cuh), shared by inference prefill (attention_mma.cu: K/V BF16 rows of the paged cache by
// cp.async, NMC_PREFILL_ATTENTION=mma) and training (train_flash_tc.cu: K/V fp32 rows of the fused
// qkv, rounded to BF16 as they are stored, NMC_TRAIN_ATTENTION=mma). The callers differ only in
// where K, V come from and where the output goes.
//
// Block = WARPS x 16 = 128 queries of one head; query i of the block (i < valid) sits at position
// pos0 + i and sees keys 0..pos0 + i (causal). Warp w owns rows 16 w..16 w + 15; lane (g = lane / 4,
// t = lane % 4) holds rows g, g + 8 of the warp:
//   0. Q rows (fp32, row stride ldq) -> bf16 in shared memory (stage 1, free until key tile 1
//      arrives) -> registers, the warp's rows as hd / 16 A fragments (ldmatrix), kept for the block
//   per 64-key tile j (the caller's load_kv(j, stage) fills the other stage while j is used; keys
//   past the last must be zeros there):
//   1. S = Q K^T              [16 x 64] per warp in 8 C fragments (K B fragments by ldmatrix)
//   2. on the diagonal only: s = -inf for key > position (warp-uniform test)
//   3. online softmax on the registers, log2 domain (sl2 = scale log2 e): m' = max(m, sl2 max s)
//      (quad shuffles 1, 2); P = 2^(sl2 s - m') rounded to BF16; l = l 2^(m - m') + sum of the
//      rounded P (the P that P V uses); O *= 2^(m - m')
//   4. O += P V               P's C fragments packed as the A fragments of m16n8k16 (columns 2t,
//      2t + 1 of n-blocks 2c, 2c + 1 = k pairs 2t, 2t + 8 of key step c); V B fragments by
//      ldmatrix.trans
//   5. store(i, c, O[i][c] / l, O[i][c + 1] / l) for the lane's column pairs; lse(i, m + log l)
//      (natural log) from the lane with t = 0
// Tiles past a warp's last query are skipped (warp-uniform); the block stops after the tile of its
// last query. Shared rows are padded by 16 bytes: the 8 row addresses of an ldmatrix hit 8
// different 16-byte bank groups. Registers per thread (hd 128): O 64, Q 32, S 32, P 16 floats.
#pragma once

#ifdef __CUDACC__
#include <cuda_bf16.h>
#include <cmath>
#include <cstdint>
#include "mma_bf16.cuh"
#endif

namespace nmc::k::fa2 {
using bf16 = __nv_bfloat16;
constexpr int WARPS = 8, BQ = WARPS * 16, BK = 64;  // queries, keys of a tile
constexpr int PAD = 8;                               // bf16 of padding per shared row

// shared memory: two stages of [K tile | V tile], each [BK][LD] bf16; the Q tile [BQ][LD] borrows stage 1
template <int HD>
struct Tile {
    static constexpr int LD = HD + PAD, STAGE = 2 * BK * LD;
    static constexpr size_t bytes() { return sizeof(bf16) * 2 * STAGE; }
    static_assert(BQ * LD <= STAGE, "the Q tile must fit in one stage");
    __device__ static bf16 *k(bf16 *st, int s) { return st + s * STAGE; }
    __device__ static bf16 *v(bf16 *st, int s) { return st + s * STAGE + BK * LD; }
};

// Rows [0, 64) of a K or V tile from fp32 rows (src row stride ld, 16-byte aligned), rounded to
// BF16; rows >= valid zeros (the trainer's load_kv)
template <int HD>
__device__ __forceinline__ void store_rows_bf16(bf16 *dst, const float *src, int64_t ld, int valid) {
    for (int e = threadIdx.x; e < BK * (HD / 4); e += WARPS * 32) {
        const int r = e / (HD / 4), c = (e - r * (HD / 4)) * 4;
        float4 v = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        if (r < valid) v = *reinterpret_cast<const float4 *>(src + r * ld + c);
        uint32_t *d = reinterpret_cast<uint32_t *>(dst + r * Tile<HD>::LD + c);
        d[0] = bf16x2_pack(v.x, v.y);
        d[1] = bf16x2_pack(v.z, v.w);
    }
}

// Steps 0-5 for one block; st: the dynamic shared memory (Tile<HD>::bytes()), q: the block's first
// query row. load_kv(j, s) fills Tile::k(st, s), Tile::v(st, s) with keys 64 j..64 j + 63 (and
// commits its cp.async group, if any); store(i, c, v0, v1); lse(i, value).
template <int HD, typename LoadKV, typename Store, typename Lse>
__device__ __forceinline__ void fwd_block(bf16 *st, const float *q, int64_t ldq, int valid, int pos0, float scale,
                                          LoadKV load_kv, Store store, Lse lse) {
    using T = Tile<HD>;
    constexpr int LD = T::LD, NB = BK / 8, KD = HD / 16, ND = HD / 8;  // S n-blocks, Q k-steps, O n-blocks
    const int tiles = (pos0 + valid - 1) / BK + 1;
    const int lane = threadIdx.x & 31, wr = (threadIdx.x >> 5) * 16, g = lane >> 2, t = lane & 3;
    load_kv(0, 0);
    bf16 *const qs = st + T::STAGE;                                                                     // 0.
    for (int e = threadIdx.x; e < BQ * (HD / 4); e += WARPS * 32) {
        const int r = e / (HD / 4), c = (e - r * (HD / 4)) * 4;
        float4 v = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        if (r < valid) v = *reinterpret_cast<const float4 *>(q + r * ldq + c);
        uint32_t *dst = reinterpret_cast<uint32_t *>(qs + r * LD + c);
        dst[0] = bf16x2_pack(v.x, v.y);
        dst[1] = bf16x2_pack(v.z, v.w);
    }
    __syncthreads();
    uint32_t qf[KD][4];
#pragma unroll
    for (int kk = 0; kk < KD; kk++) ldmatrix_x4(qf[kk], qs + (wr + (lane & 7) + (lane & 8)) * LD + kk * 16 + (lane >> 4) * 8);
    __syncthreads();  // stage 1 is free for key tile 1

    float o[ND][4];
#pragma unroll
    for (int nd = 0; nd < ND; nd++) o[nd][0] = o[nd][1] = o[nd][2] = o[nd][3] = 0.0f;
    float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.0f, 0.0f};  // rows g, g + 8: max (log2 domain), this lane's part of the sum
    const float sl2 = scale * 1.4426950408889634f;
    const int pos_first = pos0 + wr, pos_last = pos0 + min(valid - 1, wr + 15), prow = pos0 + wr + g;
    for (int j = 0; j < tiles; j++) {
        if (j + 1 < tiles) {
            load_kv(j + 1, (j + 1) & 1);
            cp_async_wait<1>();
        } else {
            cp_async_wait<0>();
        }
        __syncthreads();
        const int k0 = j * BK;
        if (wr < valid && k0 <= pos_last) {  // warp-uniform: the warp has rows and sees keys of this tile
            const bf16 *ks = T::k(st, j & 1), *vs = T::v(st, j & 1);
            float s[NB][4];                                                                             // 1.
#pragma unroll
            for (int nb = 0; nb < NB; nb++) s[nb][0] = s[nb][1] = s[nb][2] = s[nb][3] = 0.0f;
#pragma unroll
            for (int kk = 0; kk < KD; kk++) {
#pragma unroll
                for (int nb = 0; nb < NB; nb += 2) {
                    uint32_t b[4];
                    ldmatrix_x4(b, ks + (nb * 8 + (lane & 7) + (lane >> 4) * 8) * LD + kk * 16 + (lane & 8));
                    mma_bf16(s[nb], qf[kk], b[0], b[1]);
                    mma_bf16(s[nb + 1], qf[kk], b[2], b[3]);
                }
            }
            if (k0 + BK - 1 > pos_first) {                                                              // 2.
#pragma unroll
                for (int nb = 0; nb < NB; nb++)
#pragma unroll
                    for (int e = 0; e < 4; e++)
                        if (k0 + nb * 8 + 2 * t + (e & 1) > prow + (e >> 1) * 8) s[nb][e] = -INFINITY;
            }
            float base[2];                                                                              // 3.
#pragma unroll
            for (int r = 0; r < 2; r++) {
                float mx = -INFINITY;
#pragma unroll
                for (int nb = 0; nb < NB; nb++) mx = fmaxf(mx, fmaxf(s[nb][2 * r], s[nb][2 * r + 1]));
                mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
                mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
                const float mn = fmaxf(m[r], mx * sl2);
                base[r] = mn == -INFINITY ? 0.0f : mn;  // a row with no visible key yet keeps P = 0
                const float corr = exp2f(m[r] - base[r]);
                m[r] = mn;
                l[r] *= corr;
#pragma unroll
                for (int nd = 0; nd < ND; nd++) o[nd][2 * r] *= corr, o[nd][2 * r + 1] *= corr;
            }
            uint32_t pf[BK / 16][4];
#pragma unroll
            for (int nb = 0; nb < NB; nb++)
#pragma unroll
                for (int r = 0; r < 2; r++) {
                    const uint32_t u = bf16x2_pack(exp2f(fmaf(s[nb][2 * r], sl2, -base[r])),
                                                   exp2f(fmaf(s[nb][2 * r + 1], sl2, -base[r])));
                    l[r] += __uint_as_float(u << 16) + __uint_as_float(u & 0xffff0000u);
                    pf[nb >> 1][(nb & 1) * 2 + r] = u;
                }
#pragma unroll
            for (int kc = 0; kc < BK / 16; kc++) {                                                      // 4.
#pragma unroll
                for (int nd = 0; nd < ND; nd += 2) {
                    uint32_t b[4];
                    ldmatrix_x4_trans(b, vs + (kc * 16 + (lane & 7) + (lane & 8)) * LD + nd * 8 + (lane >> 4) * 8);
                    mma_bf16(o[nd], pf[kc], b[0], b[1]);
                    mma_bf16(o[nd + 1], pf[kc], b[2], b[3]);
                }
            }
        }
        __syncthreads();  // stage j & 1 is read: tile j + 2 may overwrite it
    }
    if (wr >= valid) return;                                                                            // 5.
#pragma unroll
    for (int r = 0; r < 2; r++) {
        float sum = l[r];
        sum += __shfl_xor_sync(0xffffffffu, sum, 1);
        sum += __shfl_xor_sync(0xffffffffu, sum, 2);
        const int i = wr + g + 8 * r;
        if (i >= valid) continue;
        const float inv = 1.0f / sum;
        if (t == 0) lse(i, (m[r] + log2f(sum)) * 0.6931471805599453f);
#pragma unroll
        for (int nd = 0; nd < ND; nd++) store(i, nd * 8 + 2 * t, o[nd][2 * r] * inv, o[nd][2 * r + 1] * inv);
    }
}

}  // namespace nmc::k::fa2
