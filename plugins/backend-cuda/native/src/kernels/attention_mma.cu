// Causal GQA attention prefill, FlashAttention-2 forward with S, P and O in registers
// (NMC_PREFILL_ATTENTION=mma): mma.sync m16n8k16 BF16 -> fp32 (mma_bf16.cuh), the scores' C
// fragments turned in registers into the A fragments of P V, K and V tiles double-buffered in
// shared memory by cp.async. Same contract as prefill_flash_kernel (attention_flash.cu): BF16 paged
// cache, head_dim 64 or 128, chunked prefill (a cached prefix of len0 = lengths[slot] tokens).
//
// shapes: qkv [rows, qkv_stride] fp32, q of head h at columns h hd; cache rows [pool, kvH, hd]
//   bf16 (kv_row); out [rows, qH hd] out_dtype. Query r sits at position len0 + r and sees keys
//   0..len0 + r; head h reads kv head h / (qH / kvH).
// block = WARPS x 16 = 128 queries of one head (blockIdx.x = head, so the heads of the heaviest,
//   last query tiles start first and the q heads of one kv head run side by side), warp w rows
//   16 w..16 w + 15; lane (g = lane / 4, t = lane % 4) holds rows g, g + 8 of the warp:
//   0. Q rows -> bf16 in shared memory (stage 1, free until key tile 1 arrives) -> registers, the
//      warp's rows as hd / 16 A fragments (ldmatrix), kept for the whole block
//   per 64-key tile j (tile j + 1 in flight by cp.async while j is used; keys past the slot: zeros):
//   1. S = Q K^T              [16 x 64] per warp in 8 C fragments (K B fragments by ldmatrix)
//   2. on the diagonal only: s = -inf for key > position (warp-uniform test)
//   3. online softmax on the registers, log2 domain (sl2 = scale log2 e): m' = max(m, sl2 max s)
//      (quad shuffles 1, 2); P = 2^(sl2 s - m') rounded to BF16; l = l 2^(m - m') + sum of the
//      rounded P (the P that P V uses); O *= 2^(m - m')
//   4. O += P V               P's C fragments packed as the A fragments of m16n8k16 (columns 2t,
//      2t + 1 of n-blocks 2c, 2c + 1 = k pairs 2t, 2t + 8 of key step c); V B fragments by
//      ldmatrix.trans
//   5. out = O / l (l summed over the quad)
// Tiles past a warp's last query are skipped (warp-uniform); the block stops after the tile of its
// last query. Shared rows are padded by 16 bytes: the 8 row addresses of an ldmatrix hit 8
// different 16-byte bank groups. Registers per thread (hd 128): O 64, Q 32, S 32, P 16 floats.
// Which prefill kernel runs: attention_prefill_select (env NMC_PREFILL_ATTENTION, attention_flash.cu).
#include "kernels.h"
#include "device_math.cuh"
#include "mma_bf16.cuh"

namespace nmc::k {
namespace {

// emu-begin (test/attention_flash_emu.cpp runs this kernel on the host)
namespace fa2 {
using bf16 = __nv_bfloat16;
constexpr int WARPS = 8, BQ = WARPS * 16, BK = 64;  // queries, keys of a tile
constexpr int PAD = 8;                               // bf16 of padding per shared row

// shared memory: two stages of [K tile | V tile], each [BK][LD] bf16; the Q tile [BQ][LD] borrows stage 1
template <int HD>
struct Tile {
    static constexpr int LD = HD + PAD, STAGE = 2 * BK * LD;
    static constexpr size_t bytes() { return sizeof(bf16) * 2 * STAGE; }
    static_assert(BQ * LD <= STAGE, "the Q tile must fit in one stage");
};

template <int HD>
__global__ void __launch_bounds__(WARPS * 32, HD == 64 ? 2 : 1) prefill_mma_kernel(Attn a, KvCache kv, int rows,
                                                                                    const int32_t *lengths, int slot) {
    using T = Tile<HD>;
    constexpr int LD = T::LD, NB = BK / 8, KD = HD / 16, ND = HD / 8;  // S n-blocks, Q k-steps, O n-blocks
    extern __shared__ __align__(128) char smem[];
    bf16 *const st = reinterpret_cast<bf16 *>(smem);
    const int h = blockIdx.x, kvh = h / (a.q_heads / a.kv_heads);
    const int q0 = (gridDim.y - 1 - blockIdx.y) * BQ, valid = min(BQ, rows - q0);
    const int len0 = lengths[slot], keys = len0 + rows, pos0 = len0 + q0;
    const int tiles = (pos0 + valid - 1) / BK + 1;
    const int lane = threadIdx.x & 31, wr = (threadIdx.x >> 5) * 16, g = lane >> 2, t = lane & 3;
    const bf16 *kc = static_cast<const bf16 *>(kv.k), *vc = static_cast<const bf16 *>(kv.v);
    auto load_kv = [&](int j, int s) {  // key tile j -> stage s, one cp.async group per thread
        constexpr int PER = HD / 8;     // 16-byte pieces per row
        bf16 *ks = st + s * T::STAGE, *vs = ks + BK * LD;
        for (int e = threadIdx.x; e < BK * PER; e += WARPS * 32) {
            const int r = e / PER, d = (e - r * PER) * 8, key = j * BK + r;
            if (key < keys) {
                const int64_t at = (kv_row(kv, slot, key) * a.kv_heads + kvh) * HD + d;
                cp_async16(ks + r * LD + d, kc + at);
                cp_async16(vs + r * LD + d, vc + at);
            } else {
                *reinterpret_cast<uint4 *>(ks + r * LD + d) = make_uint4(0, 0, 0, 0);
                *reinterpret_cast<uint4 *>(vs + r * LD + d) = make_uint4(0, 0, 0, 0);
            }
        }
        cp_async_commit();
    };
    load_kv(0, 0);
    bf16 *const qs = st + T::STAGE;                                                                     // 0.
    for (int e = threadIdx.x; e < BQ * (HD / 4); e += WARPS * 32) {
        const int r = e / (HD / 4), c = (e - r * (HD / 4)) * 4;
        float4 v = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        if (r < valid) v = *reinterpret_cast<const float4 *>(a.qkv + (int64_t)(q0 + r) * a.qkv_stride + h * HD + c);
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
    const float sl2 = a.scale * 1.4426950408889634f;
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
            const bf16 *ks = st + (j & 1) * T::STAGE, *vs = ks + BK * LD;
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
        const int64_t at = (int64_t)(q0 + i) * a.q_heads * HD + h * HD + 2 * t;
#pragma unroll
        for (int nd = 0; nd < ND; nd++) {
            store_from_float(a.out, a.out_dtype, at + nd * 8, o[nd][2 * r] * inv);
            store_from_float(a.out, a.out_dtype, at + nd * 8 + 1, o[nd][2 * r + 1] * inv);
        }
    }
}
}  // namespace fa2
// emu-end

template <int HD>
int launch(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, int slot, cudaStream_t stream) {
    const size_t smem = fa2::Tile<HD>::bytes();
    NMC_CUDA(cudaFuncSetAttribute(fa2::prefill_mma_kernel<HD>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem));
    dim3 grid(a.q_heads, (rows + fa2::BQ - 1) / fa2::BQ);
    fa2::prefill_mma_kernel<HD><<<grid, fa2::WARPS * 32, smem, stream>>>(a, kv, rows, lengths, slot);
    NMC_LAUNCHED("attention prefill (mma, registers)");
    return NMC_OK;
}

}  // namespace

bool attention_prefill_mma_supported(const Attn &a, const KvCache &kv) {
    return attention_prefill_flash_supported(a, kv);  // the same operands: BF16 cache, hd 64/128, aligned q rows
}

int attention_prefill_mma(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, int slot, cudaStream_t stream) {
    if (!attention_prefill_mma_supported(a, kv))
        return nmc::fail("mma prefill attention needs a BF16 KV cache, head_dim 64 or 128 and 16-byte aligned q rows");
    if (rows == 0) return NMC_OK;
    if ((rows + fa2::BQ - 1) / fa2::BQ > 65535) return nmc::fail("mma prefill attention: at most 65535 x 128 rows a call");
    return a.head_dim == 64 ? launch<64>(a, kv, rows, lengths, slot, stream) : launch<128>(a, kv, rows, lengths, slot, stream);
}

}  // namespace nmc::k
