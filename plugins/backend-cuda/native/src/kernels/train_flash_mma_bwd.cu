// The backward of the trainer's causal GQA attention with S, P, dP and dS in registers,
// FlashAttention-2 style (mma.sync m16n8k16, BF16 operands, fp32 accumulation; the primitives of
// mma_bf16.cuh and the tile layout / fp32 -> BF16 row stores of flash_mma_tile.cuh):
// flash_tc_backward's contract (train_flash_tc.cu's header: dq | dk | dv written into their columns
// of dqkv, dk and dv summed over each KV group's query heads, p_ij = exp(s_ij scale - lse_i) from
// the forward's lse, delta = bf16(dO) . o) in place of its WMMA kernel. NMC_TRAIN_ATTENTION=mma-bwd
// (opt-in: the mma forward and this backward).
//
// shapes (rows r = b L + t): qkv [B L, ld] fused rows q [Hq hd] | k [Hkv hd] | v [Hkv hd];
//   dO [B L, Hq hd]; lse, delta [B, Hq, L] fp32; dqkv [B L, ld_dqkv]; hd 64 or 128.
// block = 128 keys j0.. (BKEY) of KV head kvh, batch b, and hpb of the group's rep query heads
//   (heads_per_block: the whole group, so each dk, dv element gets one add, unless the grid would
//   then be too coarse for the causal imbalance); 8 warps: warp w owns keys j0 + 16 w.. in steps
//   2-4 (lane g = lane / 4, t = lane % 4: keys g, g + 8 of them, queries 2t, 2t + 1 of each 8), and
//   queries 16 (w % 4).. x head-dim half w / 4 in step 5.
//   0. delta (flash_delta, bf16 dO); the dq | dk | dv columns of dqkv zeroed; K, V tiles -> BF16 smem
//   for every (query head h of the block, 64-query tile q0 >= j0), the next tile's fp32 Q, dO
//   rows already on their way into the staging buffer (cp.async):
//   1. staging -> Q, dO BF16 tiles [64][hd]; lse log2 e and delta of the 64 queries -> smem
//   2. S^T = K Q^T [16 keys x 64 queries] per warp (8 C fragments); P^T = 2^(S^T sl2 - lse log2 e),
//      0 where key > query or query >= L, rounded to BF16 as A fragments (the P of step 4)
//   3. dP^T = V dO^T; dS^T = P^T (dP^T - delta) rounded to BF16 -> smem dS^T [128][64]
//   4. dV += P^T dO;  dK += dS^T Q (the warp's dS^T rows by ldmatrix)  [16 x hd] per warp, registers
//      for the whole loop
//   5. dQ = dS K [64 x hd] (dS from smem by ldmatrix.trans, K's tile again); dq += scale dQ (fp32 atomics)
//   6. after the loop: dk += scale dK, dv += dV (fp32 atomics into the zeroed columns)
// Warps whose keys lie past the tile's last query skip steps 2-4 and step 5 reads only the dS^T rows
// that can be nonzero (warp-uniform tests). Registers per thread (hd 128): dK, dV 128, S or dP 32,
// P 16 (ptxas, sm_90a: hd 128 240 registers, no spill; hd 64 capped at 128 for two blocks an SM,
// ~100 bytes spilled). Shared memory: K, V [128][hd + 8], Q, dO [64][hd + 8], dS^T [128][72] BF16; staging
// fp32 [2][64][hd]: 104.5 KB at hd 64 (two blocks an SM), 184.5 KB at hd 128.
#include "train_kernels.h"
#include "train_flash_launch.cuh"
#include "flash_mma_tile.cuh"
#include "sm_count.h"

namespace nmc::k::train {
namespace {

// emu-begin
namespace fb {
constexpr int WARPS = 8, BKEY = WARPS * 16, BQ = 64;  // keys of a block, queries of a tile
constexpr int LDS = BQ + fa2::PAD;                     // dS^T row (bf16)
constexpr float LOG2E = 1.4426950408889634f;
static_assert(WARPS == fa2::WARPS && BQ == fa2::BK, "the Q, dO tiles are stored by fa2::store_rows_bf16");

template <int HD>
struct Smem {
    static constexpr int LD = fa2::Tile<HD>::LD;
    static constexpr size_t halves = (size_t)(2 * BKEY + 2 * BQ) * LD + (size_t)BKEY * LDS;
    static constexpr size_t bytes() { return sizeof(fa2::bf16) * halves + sizeof(float) * (2 * BQ * HD + 2 * BQ); }
};

// Query heads a block takes: the whole group (deterministic dk, dv) unless its longest block (key
// tile 0: ceil(L / 64) query tiles a head) would then run for more than a quarter of an SM's share
// of all the work (sms SMs); else the largest divisor of the group that fits, at least 1.
inline int heads_per_block(int batch, int L, int q_heads, int kv_heads, int sms) {
    const int rep = q_heads / kv_heads;
    int64_t total = 0;
    for (int j0 = 0; j0 < L; j0 += BKEY) total += (L - j0 + BQ - 1) / BQ;
    total *= (int64_t)batch * q_heads;
    for (int hpb = rep; hpb > 1; hpb--)
        if (rep % hpb == 0 && (int64_t)((L + BQ - 1) / BQ) * hpb * sms * 4 <= total) return hpb;
    return 1;
}

// *p, p[1] += x, y (one 8-byte atomic when vec)
__device__ __forceinline__ void add2(float *p, float x, float y, bool vec) {
    if (vec) {
        atomicAdd(reinterpret_cast<float2 *>(p), make_float2(x, y));
    } else {
        atomicAdd(p, x);
        atomicAdd(p + 1, y);
    }
}
}  // namespace fb

// grid (key tiles, Hq / hpb, batch); dqkv's columns zeroed; vec: dqkv rows allow 8-byte atomics
template <int HD>
__global__ void __launch_bounds__(fb::WARPS * 32, HD == 64 ? 2 : 1)
    flash_mma_bwd_kernel(FlashAttn a, const float *dout, const float *lse, const float *delta, float *dqkv,
                         int ld_dqkv, int hpb, bool vec) {
    using bf16 = fa2::bf16;
    constexpr int WARPS = fb::WARPS, BKEY = fb::BKEY, BQ = fb::BQ, LDS = fb::LDS;
    constexpr int LD = fb::Smem<HD>::LD, KD = HD / 16, NB = BQ / 8, ND = HD / 8, NQ = HD / 16;  // NQ: step 5's n-blocks
    extern __shared__ __align__(128) char smem[];
    bf16 *const ks = reinterpret_cast<bf16 *>(smem), *const vs = ks + BKEY * LD, *const qs = vs + BKEY * LD;
    bf16 *const dos = qs + BQ * LD, *const dst = dos + BQ * LD;
    float *const stq = reinterpret_cast<float *>(dst + BKEY * LDS), *const stdo = stq + BQ * HD;
    float *const slse = stdo + BQ * HD, *const sdelta = slse + BQ;
    const int L = a.seq_len, j0 = blockIdx.x * BKEY, b = blockIdx.z;
    const int rep = a.q_heads / a.kv_heads, parts = rep / hpb;
    const int kvh = blockIdx.y / parts, h_first = kvh * rep + (blockIdx.y % parts) * hpb;
    const int64_t row0 = (int64_t)b * L;
    const int qw = a.q_heads * HD, kw = a.kv_heads * HD;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
    const int kr = warp * 16;                                   // steps 2-4: keys j0 + kr..
    const int qr = (warp & 3) * 16, c0 = (warp >> 2) * (HD / 2);  // step 5: queries qr.., columns c0..
    const float sl2 = a.scale * fb::LOG2E;
    const int tiles = (L - j0 + BQ - 1) / BQ, iters = hpb * tiles;

    auto prefetch = [&](int it) {  // fp32 Q, dO rows of iteration it -> staging, one cp.async group
        const int h = h_first + it / tiles, q0 = j0 + (it % tiles) * BQ, valid = min(BQ, L - q0);
        const float *q = a.qkv + (row0 + q0) * a.ld + h * HD, *d = dout + (row0 + q0) * qw + h * HD;
        for (int e = threadIdx.x; e < valid * (HD / 4); e += WARPS * 32) {
            const int r = e / (HD / 4), c = (e - r * (HD / 4)) * 4;
            cp_async16(stq + r * HD + c, q + r * a.ld + c);
            cp_async16(stdo + r * HD + c, d + (int64_t)r * qw + c);
        }
        cp_async_commit();
    };
    prefetch(0);
    const float *kbase = a.qkv + (row0 + j0) * a.ld + qw + kvh * HD;                                   // 0.
    for (int half = 0; half < 2; half++) {
        const int valid = min(BQ, L - j0 - half * BQ);
        fa2::store_rows_bf16<HD>(ks + half * BQ * LD, kbase + half * BQ * a.ld, a.ld, valid);
        fa2::store_rows_bf16<HD>(vs + half * BQ * LD, kbase + kw + half * BQ * a.ld, a.ld, valid);
    }
    float dk[ND][4], dv[ND][4];
#pragma unroll
    for (int nd = 0; nd < ND; nd++)
#pragma unroll
        for (int e = 0; e < 4; e++) dk[nd][e] = dv[nd][e] = 0.0f;

    for (int it = 0; it < iters; it++) {
        const int h = h_first + it / tiles, q0 = j0 + (it % tiles) * BQ, valid = min(BQ, L - q0);
        cp_async_wait<0>();
        __syncthreads();  // staging holds tile it; the last tile's Q, dO, dS^T are read
        fa2::store_rows_bf16<HD>(qs, stq, HD, valid);                                                  // 1.
        fa2::store_rows_bf16<HD>(dos, stdo, HD, valid);
        if (threadIdx.x < BQ) {
            const int i = threadIdx.x;
            const int64_t at = ((int64_t)b * a.q_heads + h) * L + q0 + i;
            slse[i] = i < valid ? lse[at] * fb::LOG2E : 0.0f;
            sdelta[i] = i < valid ? delta[at] : 0.0f;
        }
        __syncthreads();
        if (it + 1 < iters) prefetch(it + 1);
        const int kmax = min(BKEY, q0 + BQ - j0);  // keys j0 + kmax.. see none of the tile's queries
        if (kr < kmax) {
            uint32_t pf[BQ / 16][4];
            // S^T or dP^T = X Y^T for the warp's 16 rows of X (K or V tile) and the 64 rows of Y (Q or dO)
            auto rows_by_tile = [&](float (&c)[NB][4], const bf16 *x, const bf16 *y) {
#pragma unroll
                for (int nb = 0; nb < NB; nb++) c[nb][0] = c[nb][1] = c[nb][2] = c[nb][3] = 0.0f;
#pragma unroll 1  // rolled: hd 128 fits 255 registers without spilling
                for (int kk = 0; kk < KD; kk++) {
                    uint32_t xa[4];
                    ldmatrix_x4(xa, x + (kr + (lane & 7) + (lane & 8)) * LD + kk * 16 + (lane >> 4) * 8);
#pragma unroll
                    for (int nb = 0; nb < NB; nb += 2) {
                        uint32_t yb[4];
                        ldmatrix_x4(yb, y + (nb * 8 + (lane & 7) + (lane >> 4) * 8) * LD + kk * 16 + (lane & 8));
                        mma_bf16(c[nb], xa, yb[0], yb[1]);
                        mma_bf16(c[nb + 1], xa, yb[2], yb[3]);
                    }
                }
            };
            {                                                                                          // 2.
                float s[NB][4];
                rows_by_tile(s, ks, qs);
                const bool edge = j0 + kr + 15 > q0 || valid < BQ;  // warp-uniform: some pair masked
#pragma unroll
                for (int nb = 0; nb < NB; nb++)
#pragma unroll
                    for (int r = 0; r < 2; r++) {
                        const int i = nb * 8 + 2 * t, j = j0 + kr + g + 8 * r;  // queries q0 + i, + 1; key j
                        float p0 = exp2f(fmaf(s[nb][2 * r], sl2, -slse[i]));
                        float p1 = exp2f(fmaf(s[nb][2 * r + 1], sl2, -slse[i + 1]));
                        if (edge) {
                            if (j > q0 + i || i >= valid) p0 = 0.0f;
                            if (j > q0 + i + 1 || i + 1 >= valid) p1 = 0.0f;
                        }
                        pf[nb >> 1][(nb & 1) * 2 + r] = bf16x2_pack(p0, p1);
                    }
            }
            {                                                                                          // 3.
                float dp[NB][4];
                rows_by_tile(dp, vs, dos);
#pragma unroll
                for (int nb = 0; nb < NB; nb++)
#pragma unroll
                    for (int r = 0; r < 2; r++) {
                        const int i = nb * 8 + 2 * t;
                        const uint32_t p = pf[nb >> 1][(nb & 1) * 2 + r];
                        const uint32_t u = bf16x2_pack(__uint_as_float(p << 16) * (dp[nb][2 * r] - sdelta[i]),
                                                       __uint_as_float(p & 0xffff0000u) * (dp[nb][2 * r + 1] - sdelta[i + 1]));
                        *reinterpret_cast<uint32_t *>(dst + (kr + g + 8 * r) * LDS + i) = u;
                    }
            }
            __syncwarp();  // the warp's dS^T rows, back as A fragments in step 4
#pragma unroll
            for (int kc = 0; kc < BQ / 16; kc++) {                                                     // 4.
                uint32_t df[4];
                ldmatrix_x4(df, dst + (kr + (lane & 7) + (lane & 8)) * LDS + kc * 16 + (lane >> 4) * 8);
#pragma unroll
                for (int nd = 0; nd < ND; nd += 2) {
                    const int at = (kc * 16 + (lane & 7) + (lane & 8)) * LD + nd * 8 + (lane >> 4) * 8;
                    uint32_t yb[4];
                    ldmatrix_x4_trans(yb, dos + at);
                    mma_bf16(dv[nd], pf[kc], yb[0], yb[1]);
                    mma_bf16(dv[nd + 1], pf[kc], yb[2], yb[3]);
                    ldmatrix_x4_trans(yb, qs + at);
                    mma_bf16(dk[nd], df, yb[0], yb[1]);
                    mma_bf16(dk[nd + 1], df, yb[2], yb[3]);
                }
            }
        }
        __syncthreads();  // dS^T is whole
        if (qr < valid) {                                                                              // 5.
            float dq[NQ][4];
#pragma unroll
            for (int nd = 0; nd < NQ; nd++) dq[nd][0] = dq[nd][1] = dq[nd][2] = dq[nd][3] = 0.0f;
            for (int kc = 0; kc < kmax / 16; kc++) {
                uint32_t sa[4];  // dS [query][key] = dS^T read transposed
                ldmatrix_x4_trans(sa, dst + (kc * 16 + (lane & 7) + (lane >> 4) * 8) * LDS + qr + (lane & 8));
#pragma unroll
                for (int nd = 0; nd < NQ; nd += 2) {
                    uint32_t kb[4];
                    ldmatrix_x4_trans(kb, ks + (kc * 16 + (lane & 7) + (lane & 8)) * LD + c0 + nd * 8 + (lane >> 4) * 8);
                    mma_bf16(dq[nd], sa, kb[0], kb[1]);
                    mma_bf16(dq[nd + 1], sa, kb[2], kb[3]);
                }
            }
#pragma unroll
            for (int r = 0; r < 2; r++) {
                const int i = qr + g + 8 * r;
                if (i >= valid) continue;
                float *out = dqkv + (row0 + q0 + i) * ld_dqkv + h * HD + c0 + 2 * t;
#pragma unroll
                for (int nd = 0; nd < NQ; nd++) fb::add2(out + nd * 8, dq[nd][2 * r] * a.scale, dq[nd][2 * r + 1] * a.scale, vec);
            }
        }
    }
#pragma unroll
    for (int r = 0; r < 2; r++) {                                                                      // 6.
        const int j = j0 + kr + g + 8 * r;
        if (j >= L) continue;
        float *out = dqkv + (row0 + j) * ld_dqkv + qw + kvh * HD + 2 * t;
#pragma unroll
        for (int nd = 0; nd < ND; nd++) {
            fb::add2(out + nd * 8, dk[nd][2 * r] * a.scale, dk[nd][2 * r + 1] * a.scale, vec);
            fb::add2(out + kw + nd * 8, dv[nd][2 * r], dv[nd][2 * r + 1], vec);
        }
    }
}
// emu-end

}  // namespace

int flash_mma_backward(const FlashAttn &a, const float *o, const float *dout, const float *lse, float *delta,
                       float *dqkv, int ld_dqkv, cudaStream_t stream) {
    NMC_TRY(flash_tc_check(a));
    if (reinterpret_cast<uintptr_t>(dout) % 16 != 0) return nmc::fail("mma flash attention backward: dO must be 16-byte aligned");
    NMC_TRY(flash_delta(a, o, dout, true, delta, stream));                                            // 0.
    const size_t bytes = (size_t)(a.q_heads + 2 * a.kv_heads) * a.head_dim * sizeof(float);
    NMC_CUDA(cudaMemset2DAsync(dqkv, (size_t)ld_dqkv * sizeof(float), 0, bytes, (size_t)a.batch * a.seq_len, stream));
    const bool vec = ld_dqkv % 2 == 0 && reinterpret_cast<uintptr_t>(dqkv) % 8 == 0;
    const int hpb = fb::heads_per_block(a.batch, a.seq_len, a.q_heads, a.kv_heads, multiprocessor_count());
    dim3 grid((a.seq_len + fb::BKEY - 1) / fb::BKEY, a.q_heads / hpb, a.batch);
    const char *what = "flash attention backward (mma, registers)";
    const float *dl = delta;
    if (a.head_dim == 64)
        return flash_launch(flash_mma_bwd_kernel<64>, grid, fb::WARPS * 32, fb::Smem<64>::bytes(), stream, what, a, dout,
                            lse, dl, dqkv, ld_dqkv, hpb, vec);
    return flash_launch(flash_mma_bwd_kernel<128>, grid, fb::WARPS * 32, fb::Smem<128>::bytes(), stream, what, a, dout,
                        lse, dl, dqkv, ld_dqkv, hpb, vec);
}

}  // namespace nmc::k::train
