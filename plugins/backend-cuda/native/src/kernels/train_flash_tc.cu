// Causal GQA attention for training on tensor cores, FlashAttention-2 style: the semantics of
// train_flash.cu (same FlashAttn arguments, o, lse, delta, dq | dk | dv written into dqkv with dk,
// dv summed over each KV group's query heads) with BF16 operands and fp32 accumulation (WMMA
// 16x16x16). head_dim 64 or 128 (flash_tc_supported); other shapes use the fp32 kernels.
// The trainer picks this path for BF16 (train_layers.cu, env NMC_TRAIN_ATTENTION).
//
// shapes (rows r = b L + t): qkv [B L, ld] fused rows q [Hq hd] | k [Hkv hd] | v [Hkv hd];
//   o, dO [B L, Hq hd]; lse, delta [B, Hq, L] fp32; s_ij = q_i . k_j * scale, j <= i.
// Tiles of 64 rows; fp32 inputs are rounded to BF16 as they are loaded into shared memory.
// forward (flash_tc_tile.cuh, shared with inference prefill), block = 64 queries of one (b, h),
// 4 warps of 16 query rows; per 64-key tile k0 <= the last query (the last query tiles, which see
// the most keys, are scheduled first): K, V tile -> smem (bf16); S = Q K^T; online softmax;
// O += P V (tensor cores, fp32);  o_i = O / l;  lse_i = m + log l
// backward, P recomputed as p_ij = exp(s_ij - lse_i):
//   0. delta_i = bf16(dO_i) . o_i (fp32, train_flash.cu: dO rounded as dP sees it);  dq | dk | dv
//      columns of dqkv zeroed
//   block = 64 keys j0 of (b, query head h) (one block per query head, not per KV head: rep times
//   the blocks, so long sequences fill the GPU); 8 warps: key rows 16 (w % 4), column half w / 4;
//   for each 64-query tile q0 >= j0:
//   1. S^T = K Q^T, dP^T = V dO^T               [64 x 64], tensor cores -> fp32 smem
//   2. P^T = exp(S^T scale - lse) (0 where j > i);  dS^T = P^T (dP^T - delta)  -> bf16 smem
//   3. dV += P^T dO;  dK += dS^T Q              register fragments
//   4. dQ_tile = dS K -> fp32 smem; dq += dQ_tile scale  (fp32 atomics, float4 where aligned)
//   5. dk += dK scale, dv += dV into their columns of dqkv (fp32 atomics: the GQA group's heads
//      add up; the summation order of dq, dk, dv is not deterministic)
// forward with S, P, O in registers (NMC_TRAIN_ATTENTION=mma; flash_mma_tile.cuh, shared with the
// inference prefill's attention_mma.cu): block = 128 queries of one (b, h), 8 warps; K, V fp32 rows
// rounded to BF16 as they are stored into the free stage (no cp.async: the conversion needs the
// registers); the same o and lse (backward: the WMMA one above, or with NMC_TRAIN_ATTENTION=mma-bwd
// the register-resident one of train_flash_mma_bwd.cu)
#include "train_kernels.h"
#include "train_flash_launch.cuh"
#include "flash_tc_tile.cuh"
#include "flash_mma_tile.cuh"
#include "device_math.cuh"

#include <cmath>

namespace nmc::k::train {
namespace {

using namespace nvcuda;
using namespace nmc::k::ftc;  // tiles, fragments, load_bf16 and the forward (flash_tc_tile.cuh)

constexpr int BWD_WARPS = 8;           // 16 key rows (w % 4), half (w / 4) of the columns

template <int HD>
__global__ void __launch_bounds__(FWD_WARPS * 32) flash_tc_fwd_kernel(FlashAttn a, float *o, float *lse) {
    extern __shared__ __align__(128) char smem[];
    const Fwd<HD> sm(smem);
    const int L = a.seq_len, h = blockIdx.y, b = blockIdx.z;
    const int kvh = h / (a.q_heads / a.kv_heads);
    const int q0 = (gridDim.x - 1 - blockIdx.x) * BQ;  // the longest tiles first
    const int64_t row0 = (int64_t)b * L;
    const int qw = a.q_heads * HD, kw = a.kv_heads * HD;
    load_bf16<HD>(sm.q, Fwd<HD>::LDB, a.qkv + (row0 + q0) * a.ld + h * HD, a.ld, min(BQ, L - q0));
    auto load_kv = [&](int k0) {
        const float *kbase = a.qkv + (row0 + k0) * a.ld + qw + kvh * HD;
        load_bf16<HD>(sm.k, Fwd<HD>::LDB, kbase, a.ld, min(BK, L - k0));
        load_bf16<HD>(sm.v, Fwd<HD>::LDB, kbase + kw, a.ld, min(BK, L - k0));
    };
    auto finish = [&](int i, int half, const float *orow, float inv, float lse_i) {
        float *out = o + (row0 + q0 + i) * qw + h * HD;
        for (int c = half * (HD / 2); c < (half + 1) * (HD / 2); c++) out[c] = orow[c] * inv;
        if (half == 0) lse[((int64_t)b * a.q_heads + h) * L + q0 + i] = lse_i;
    };
    fwd_block<HD>(sm, min(BQ, L - q0), q0, a.scale, load_kv, finish);
}

template <int HD>
__global__ void __launch_bounds__(fa2::WARPS * 32, HD == 64 ? 2 : 1) flash_mma_fwd_kernel(FlashAttn a, float *o, float *lse) {
    using T = fa2::Tile<HD>;
    extern __shared__ __align__(128) char smem[];
    fa2::bf16 *const st = reinterpret_cast<fa2::bf16 *>(smem);
    const int L = a.seq_len, h = blockIdx.x, b = blockIdx.z;  // grid (q heads, L tiles, batch): longest tiles first
    const int kvh = h / (a.q_heads / a.kv_heads);
    const int q0 = (gridDim.y - 1 - blockIdx.y) * fa2::BQ, valid = min(fa2::BQ, L - q0);
    const int64_t row0 = (int64_t)b * L;
    const int qw = a.q_heads * HD, kw = a.kv_heads * HD;
    auto load_kv = [&](int j, int s) {
        const int k0 = j * fa2::BK;
        const float *kbase = a.qkv + (row0 + k0) * a.ld + qw + kvh * HD;
        fa2::store_rows_bf16<HD>(T::k(st, s), kbase, a.ld, min(fa2::BK, L - k0));
        fa2::store_rows_bf16<HD>(T::v(st, s), kbase + kw, a.ld, min(fa2::BK, L - k0));
    };
    auto store = [&](int i, int c, float v0, float v1) {
        float *out = o + (row0 + q0 + i) * qw + h * HD + c;
        out[0] = v0;
        out[1] = v1;
    };
    auto put_lse = [&](int i, float v) { lse[((int64_t)b * a.q_heads + h) * L + q0 + i] = v; };
    fa2::fwd_block<HD>(st, a.qkv + (row0 + q0) * a.ld + h * HD, a.ld, valid, q0, a.scale, load_kv, store, put_lse);
}

template <int HD>
constexpr size_t bwd_smem() {
    return sizeof(bf16) * ((size_t)(2 * BK + 2 * BQ) * (HD + BPAD) + 2 * (size_t)BK * (BQ + BPAD)) +
           sizeof(float) * (2 * (size_t)BK * (BQ + FPAD) + 2 * BQ);
}

template <int HD>
__global__ void __launch_bounds__(BWD_WARPS * 32) flash_tc_bwd_kernel(FlashAttn a, const float *dout, const float *lse,
                                                                      const float *delta, float *dqkv, int ld_dqkv,
                                                                      bool vec) {
    constexpr int LDB = HD + BPAD, LDP = BQ + BPAD, LDS = BQ + FPAD, LDQ = HD + FPAD, HALF = HD / 2;
    static_assert(BQ * LDQ <= 2 * BK * LDS, "dQ scratch fits the score buffers");
    extern __shared__ __align__(128) char smem[];
    bf16 *sk = reinterpret_cast<bf16 *>(smem), *sv = sk + BK * LDB, *sq = sv + BK * LDB, *sdo = sq + BQ * LDB;
    bf16 *spt = sdo + BQ * LDB, *sdst = spt + BK * LDP;               // P^T, dS^T [64 keys][64 queries]
    float *sst = reinterpret_cast<float *>(sdst + BK * LDP), *sdpt = sst + BK * LDS;  // S^T, dP^T
    float *slse = sdpt + BK * LDS, *sdelta = slse + BQ;
    float *sdq = sst;  // [64][LDQ]: reuses S^T and dP^T once dS^T is made
    const int L = a.seq_len, j0 = blockIdx.x * BK, h = blockIdx.y, b = blockIdx.z;
    const int kvh = h / (a.q_heads / a.kv_heads);
    const int64_t stat0 = ((int64_t)b * a.q_heads + h) * L;
    const int64_t row0 = (int64_t)b * L;
    const int qw = a.q_heads * HD, kw = a.kv_heads * HD;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int wr = (warp & 3) * 16, wc = warp >> 2;     // rows wr..wr+15; column half wc
    const int r = lane >> 1, cq = wc * 32 + (lane & 1) * 16;  // step 2: row wr + r, queries cq..cq+15
    const int j = j0 + wr + r;                           // step 2's key
    const float *kbase = a.qkv + (row0 + j0) * a.ld + qw + kvh * HD;
    load_bf16<HD>(sk, LDB, kbase, a.ld, min(BK, L - j0));
    load_bf16<HD>(sv, LDB, kbase + kw, a.ld, min(BK, L - j0));
    FragC dk[HD / 32], dv[HD / 32];
#pragma unroll
    for (int n = 0; n < HD / 32; n++) {
        wmma::fill_fragment(dk[n], 0.0f);
        wmma::fill_fragment(dv[n], 0.0f);
    }
    for (int q0 = j0; q0 < L; q0 += BQ) {
        const int valid = min(BQ, L - q0);
        __syncthreads();
        load_bf16<HD>(sq, LDB, a.qkv + (row0 + q0) * a.ld + h * HD, a.ld, valid);
        load_bf16<HD>(sdo, LDB, dout + (row0 + q0) * qw + h * HD, qw, valid);
        const int t = threadIdx.x;
        if (t < BQ) {
            slse[t] = t < valid ? lse[stat0 + q0 + t] : 0.0f;
            sdelta[t] = t < valid ? delta[stat0 + q0 + t] : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int nb = 0; nb < 2; nb++) {                                                      // 1.
            const int qc = wc * 32 + nb * 16;
            FragC s, dp;
            wmma::fill_fragment(s, 0.0f);
            wmma::fill_fragment(dp, 0.0f);
#pragma unroll
            for (int kk = 0; kk < HD / 16; kk++) {
                FragA fa;
                FragBc fb;
                wmma::load_matrix_sync(fa, sk + wr * LDB + kk * 16, LDB);
                wmma::load_matrix_sync(fb, sq + qc * LDB + kk * 16, LDB);
                wmma::mma_sync(s, fa, fb, s);
                wmma::load_matrix_sync(fa, sv + wr * LDB + kk * 16, LDB);
                wmma::load_matrix_sync(fb, sdo + qc * LDB + kk * 16, LDB);
                wmma::mma_sync(dp, fa, fb, dp);
            }
            wmma::store_matrix_sync(sst + wr * LDS + qc, s, LDS, wmma::mem_row_major);
            wmma::store_matrix_sync(sdpt + wr * LDS + qc, dp, LDS, wmma::mem_row_major);
        }
        __syncwarp();
        for (int c = cq; c < cq + 16; c++) {                                                  // 2.
            const int i = q0 + c, at = (wr + r) * LDS + c;
            const float p = (i < L && j <= i) ? expf(sst[at] * a.scale - slse[c]) : 0.0f;
            spt[(wr + r) * LDP + c] = __float2bfloat16(p);
            sdst[(wr + r) * LDP + c] = __float2bfloat16(p * (sdpt[at] - sdelta[c]));
        }
        __syncthreads();
#pragma unroll
        for (int nb = 0; nb < HD / 32; nb++) {                                                // 3.
            const int dc = wc * HALF + nb * 16;
#pragma unroll
            for (int kk = 0; kk < BQ / 16; kk++) {
                FragA fa;
                FragB fb;
                wmma::load_matrix_sync(fa, spt + wr * LDP + kk * 16, LDP);
                wmma::load_matrix_sync(fb, sdo + kk * 16 * LDB + dc, LDB);
                wmma::mma_sync(dv[nb], fa, fb, dv[nb]);
                wmma::load_matrix_sync(fa, sdst + wr * LDP + kk * 16, LDP);
                wmma::load_matrix_sync(fb, sq + kk * 16 * LDB + dc, LDB);
                wmma::mma_sync(dk[nb], fa, fb, dk[nb]);
            }
        }
#pragma unroll
        for (int nb = 0; nb < HD / 32; nb++) {                                                // 4.
            const int dc = wc * HALF + nb * 16;
            FragC acc;
            wmma::fill_fragment(acc, 0.0f);
#pragma unroll
            for (int kk = 0; kk < BK / 16; kk++) {
                FragAc fa;  // dS [query, key] = dS^T read column-major
                FragB fb;
                wmma::load_matrix_sync(fa, sdst + kk * 16 * LDP + wr, LDP);
                wmma::load_matrix_sync(fb, sk + kk * 16 * LDB + dc, LDB);
                wmma::mma_sync(acc, fa, fb, acc);
            }
            wmma::store_matrix_sync(sdq + wr * LDQ + dc, acc, LDQ, wmma::mem_row_major);
        }
        __syncwarp();
        for (int e = lane; e < 16 * HALF / 4; e += 32) {  // the warp's 16 query rows x HALF columns
            const int rr = e / (HALF / 4), cc = wc * HALF + (e - rr * (HALF / 4)) * 4, i = q0 + wr + rr;
            if (i >= L) continue;
            const float *src = sdq + (wr + rr) * LDQ + cc;
            float *dst = dqkv + (row0 + i) * ld_dqkv + h * HD + cc;
            if (vec) {
                atomicAdd(reinterpret_cast<float4 *>(dst),
                          make_float4(src[0] * a.scale, src[1] * a.scale, src[2] * a.scale, src[3] * a.scale));
            } else {
                for (int x = 0; x < 4; x++) atomicAdd(dst + x, src[x] * a.scale);
            }
        }
    }
    __syncthreads();                                                                              // 5.
    // frags through the warp's scratch rows, then added into the columns at `off` (dk: qw, dv: qw + kw)
    auto flush = [&](FragC (&frags)[HD / 32], int off, float mul) {
#pragma unroll
        for (int nb = 0; nb < HD / 32; nb++)
            wmma::store_matrix_sync(sdq + wr * LDQ + wc * HALF + nb * 16, frags[nb], LDQ, wmma::mem_row_major);
        __syncwarp();
        for (int e = lane; e < 16 * HALF / 4; e += 32) {  // the group's query heads add up
            const int rr = e / (HALF / 4), cc = wc * HALF + (e - rr * (HALF / 4)) * 4, jj = j0 + wr + rr;
            if (jj >= L) continue;
            const float *src = sdq + (wr + rr) * LDQ + cc;
            float *dst = dqkv + (row0 + jj) * ld_dqkv + off + kvh * HD + cc;
            if (vec) {
                atomicAdd(reinterpret_cast<float4 *>(dst), make_float4(src[0] * mul, src[1] * mul, src[2] * mul, src[3] * mul));
            } else {
                for (int x = 0; x < 4; x++) atomicAdd(dst + x, src[x] * mul);
            }
        }
        __syncwarp();
    };
    flush(dk, qw, a.scale);
    flush(dv, qw + kw, 1.0f);
}

}  // namespace

int flash_tc_check(const FlashAttn &a) {
    if (!flash_tc_supported(a))
        return nmc::fail("tensor-core flash attention needs head_dim 64 or 128 and 16-byte aligned rows, got head_dim " +
                         std::to_string(a.head_dim));
    if (a.batch <= 0 || a.seq_len <= 0 || a.q_heads <= 0 || a.kv_heads <= 0 || a.q_heads % a.kv_heads)
        return nmc::fail("flash attention: bad shape");
    if (a.batch > 65535 || a.q_heads > 65535) return nmc::fail("flash attention: batch or heads above 65535");
    return NMC_OK;
}

bool flash_tc_supported(const FlashAttn &a) {
    return (a.head_dim == 64 || a.head_dim == 128) && a.ld % 4 == 0 &&
           reinterpret_cast<uintptr_t>(a.qkv) % 16 == 0;
}

int flash_tc_forward(const FlashAttn &a, float *o, float *lse, cudaStream_t stream) {
    NMC_TRY(flash_tc_check(a));
    dim3 grid((a.seq_len + BQ - 1) / BQ, a.q_heads, a.batch);
    const char *what = "flash attention forward (tensor cores)";
    if (a.head_dim == 64)
        return flash_launch(flash_tc_fwd_kernel<64>, grid, FWD_WARPS * 32, Fwd<64>::bytes(), stream, what, a, o, lse);
    return flash_launch(flash_tc_fwd_kernel<128>, grid, FWD_WARPS * 32, Fwd<128>::bytes(), stream, what, a, o, lse);
}

int flash_mma_forward(const FlashAttn &a, float *o, float *lse, cudaStream_t stream) {
    NMC_TRY(flash_tc_check(a));
    dim3 grid(a.q_heads, (a.seq_len + fa2::BQ - 1) / fa2::BQ, a.batch);
    if (grid.y > 65535) return nmc::fail("mma flash attention forward: at most 65535 x 128 rows a sequence");
    const char *what = "flash attention forward (mma, registers)";
    if (a.head_dim == 64)
        return flash_launch(flash_mma_fwd_kernel<64>, grid, fa2::WARPS * 32, fa2::Tile<64>::bytes(), stream, what, a, o, lse);
    return flash_launch(flash_mma_fwd_kernel<128>, grid, fa2::WARPS * 32, fa2::Tile<128>::bytes(), stream, what, a, o, lse);
}

int flash_tc_backward(const FlashAttn &a, const float *o, const float *dout, const float *lse, float *delta,
                      float *dqkv, int ld_dqkv, cudaStream_t stream) {
    NMC_TRY(flash_tc_check(a));
    if (reinterpret_cast<uintptr_t>(dout) % 16 != 0)
        return nmc::fail("tensor-core flash attention: dO must be 16-byte aligned");
    NMC_TRY(flash_delta(a, o, dout, true, delta, stream));                                        // 0.
    const size_t bytes = (size_t)(a.q_heads + 2 * a.kv_heads) * a.head_dim * sizeof(float);
    NMC_CUDA(cudaMemset2DAsync(dqkv, (size_t)ld_dqkv * sizeof(float), 0, bytes, (size_t)a.batch * a.seq_len, stream));
    const bool vec = ld_dqkv % 4 == 0 && reinterpret_cast<uintptr_t>(dqkv) % 16 == 0;
    dim3 grid((a.seq_len + BK - 1) / BK, a.q_heads, a.batch);
    const char *what = "flash attention backward (tensor cores)";
    const float *dl = delta;
    if (a.head_dim == 64)
        return flash_launch(flash_tc_bwd_kernel<64>, grid, BWD_WARPS * 32, bwd_smem<64>(), stream, what, a, dout, lse, dl, dqkv,
                  ld_dqkv, vec);
    return flash_launch(flash_tc_bwd_kernel<128>, grid, BWD_WARPS * 32, bwd_smem<128>(), stream, what, a, dout, lse, dl, dqkv,
              ld_dqkv, vec);
}

}  // namespace nmc::k::train
