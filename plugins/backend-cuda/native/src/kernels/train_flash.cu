// Causal GQA attention for training, FlashAttention-2 style on fp32 CUDA cores: memory O(L) (the
// output and one logsumexp per query row are kept; scores are recomputed per tile in backward).
// The F32 trainer's path and the reference of the tensor-core kernels (train_flash_tc.cu, BF16).
//
// shapes (rows r = b L + t): qkv [B L, ld] fused rows q [Hq hd] | k [Hkv hd] | v [Hkv hd];
//   o, dO [B L, Hq hd] (dense); lse, delta [B, Hq, L]; query head h reads KV head h / (Hq / Hkv);
//   s_ij = q_i . k_j * scale, j <= i.
// Tiles of 32 rows in shared memory (rows padded to hd + 1 floats); 4 warps of 8 rows per block;
// lane l owns the dimensions d = l + 32 c (c < DPL = ceil(hd / 32)) of the accumulators.
// forward, block = 32 queries of one (b, h); for each tile of 32 keys j0 <= the last query:
//   1. K, V tile into shared memory
//   2. lane l: s = s_{i, j0+l} (masked -inf beyond i)
//   3. m' = max(m, max s); l = l e^(m - m') + sum e^(s - m')
//   4. acc = acc e^(m - m') + sum_j e^(s_j - m') v_j
//   5. o_i = acc / l;  lse_i = m + log l
// backward, P recomputed as p_ij = exp(s_ij - lse_i):
//   0. delta_i = dO_i . o_i
//   1. dQ, block = 32 queries of (b, h), each key tile <= the queries:
//        dp_ij = dO_i . v_j;  ds_ij = p_ij (dp_ij - delta_i);  dq_i += ds_ij k_j scale
//   2. dK dV, block = 32 keys of (b, KV head), each query head of the group and query tile >= keys:
//        dv_j += p_ij dO_i;  dk_j += ds_ij q_i scale   (the group's heads summed in registers)
// dQ, dK, dV are written (not accumulated) into their columns of dqkv.
#include "train_kernels.h"
#include "device_math.cuh"

#include <cmath>

namespace nmc::k::train {
namespace {

constexpr int TILE = 32, WARPS = 4, RPW = TILE / WARPS, THREADS = WARPS * 32;
constexpr unsigned FULL = 0xffffffffu;

__device__ __forceinline__ float warp_max_f(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(FULL, v, o));
    return v;
}

__device__ __forceinline__ float warp_sum_f(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL, v, o);
    return v;
}

// sm [TILE, hd + 1] = rows [0, valid) of src (row stride ld), zeros below
__device__ void load_tile(float *sm, const float *src, int64_t ld, int valid, int hd) {
    int ldsm = hd + 1;
    for (int e = threadIdx.x; e < TILE * hd; e += blockDim.x) {
        int r = e / hd, c = e - r * hd;
        sm[r * ldsm + c] = r < valid ? src[r * ld + c] : 0.0f;
    }
}

__device__ __forceinline__ float dot(const float *a, const float *b, int hd) {
    float s = 0.0f;
    for (int c = 0; c < hd; c++) s = fmaf(a[c], b[c], s);
    return s;
}

template <int DPL>
__global__ void __launch_bounds__(THREADS) flash_fwd_kernel(FlashAttn a, float *o, float *lse) {
    extern __shared__ float sm[];
    const int hd = a.head_dim, ldsm = hd + 1, L = a.seq_len;
    float *sq = sm, *sk = sq + TILE * ldsm, *sv = sk + TILE * ldsm;
    const int q0 = blockIdx.x * TILE, h = blockIdx.y, b = blockIdx.z;
    const int kvh = h / (a.q_heads / a.kv_heads);
    const int64_t row0 = (int64_t)b * L;
    const int qw = a.q_heads * hd, kw = a.kv_heads * hd;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    load_tile(sq, a.qkv + (row0 + q0) * a.ld + h * hd, a.ld, min(TILE, L - q0), hd);
    float m[RPW], l[RPW], acc[RPW][DPL];
#pragma unroll
    for (int r = 0; r < RPW; r++) {
        m[r] = -INFINITY;
        l[r] = 0.0f;
#pragma unroll
        for (int c = 0; c < DPL; c++) acc[r][c] = 0.0f;
    }
    const int q_last = min(L, q0 + TILE) - 1;
    for (int k0 = 0; k0 <= q_last; k0 += TILE) {
        __syncthreads();                                                                          // 1.
        const float *kbase = a.qkv + (row0 + k0) * a.ld + qw + kvh * hd;
        load_tile(sk, kbase, a.ld, min(TILE, L - k0), hd);
        load_tile(sv, kbase + kw, a.ld, min(TILE, L - k0), hd);
        __syncthreads();
        const int j = k0 + lane;
#pragma unroll
        for (int r = 0; r < RPW; r++) {
            const int qi = warp * RPW + r, i = q0 + qi;
            if (i >= L || k0 > i) continue;  // warp-uniform
            float s = j <= i ? dot(sq + qi * ldsm, sk + lane * ldsm, hd) * a.scale : -INFINITY;  // 2.
            float mn = fmaxf(m[r], warp_max_f(s));                                               // 3. (key k0 <= i: finite)
            float p = j <= i ? expf(s - mn) : 0.0f;
            float corr = expf(m[r] - mn);
            l[r] = l[r] * corr + warp_sum_f(p);
            m[r] = mn;
#pragma unroll
            for (int c = 0; c < DPL; c++) acc[r][c] *= corr;                                      // 4.
#pragma unroll 4
            for (int jj = 0; jj < TILE; jj++) {
                float pj = __shfl_sync(FULL, p, jj);
#pragma unroll
                for (int c = 0; c < DPL; c++) {
                    int d = lane + 32 * c;
                    if (d < hd) acc[r][c] = fmaf(pj, sv[jj * ldsm + d], acc[r][c]);
                }
            }
        }
    }
#pragma unroll
    for (int r = 0; r < RPW; r++) {                                                               // 5.
        const int i = q0 + warp * RPW + r;
        if (i >= L) continue;
        float inv = 1.0f / l[r];
        float *orow = o + (row0 + i) * qw + h * hd;
#pragma unroll
        for (int c = 0; c < DPL; c++) {
            int d = lane + 32 * c;
            if (d < hd) orow[d] = acc[r][c] * inv;
        }
        if (lane == 0) lse[((int64_t)b * a.q_heads + h) * L + i] = m[r] + logf(l[r]);
    }
}

// 0. one warp per (row, head): delta = dO . o (dO rounded to BF16 first when bf16_dout)
__global__ void flash_delta_kernel(FlashAttn a, const float *o, const float *dout, bool bf16_dout, float *delta) {
    int64_t w = ((int64_t)blockIdx.x * blockDim.x + threadIdx.x) / 32;
    int lane = threadIdx.x % 32, hd = a.head_dim, qw = a.q_heads * hd;
    if (w >= (int64_t)a.batch * a.seq_len * a.q_heads) return;
    int h = (int)(w % a.q_heads);
    int64_t r = w / a.q_heads;
    int t = (int)(r % a.seq_len), b = (int)(r / a.seq_len);
    const float *orow = o + r * qw + h * hd, *drow = dout + r * qw + h * hd;
    float s = 0.0f;
    for (int d = lane; d < hd; d += 32) {
        float g = bf16_dout ? __bfloat162float(__float2bfloat16(drow[d])) : drow[d];
        s = fmaf(orow[d], g, s);
    }
    s = warp_sum_f(s);
    if (lane == 0) delta[((int64_t)b * a.q_heads + h) * a.seq_len + t] = s;
}

template <int DPL>
__global__ void __launch_bounds__(THREADS) flash_dq_kernel(FlashAttn a, const float *dout, const float *lse,
                                                           const float *delta, float *dqkv, int ld_dqkv) {
    extern __shared__ float sm[];
    const int hd = a.head_dim, ldsm = hd + 1, L = a.seq_len;
    float *sq = sm, *sdo = sq + TILE * ldsm, *sk = sdo + TILE * ldsm, *sv = sk + TILE * ldsm;
    const int q0 = blockIdx.x * TILE, h = blockIdx.y, b = blockIdx.z;
    const int kvh = h / (a.q_heads / a.kv_heads);
    const int64_t row0 = (int64_t)b * L, stat0 = ((int64_t)b * a.q_heads + h) * L;
    const int qw = a.q_heads * hd, kw = a.kv_heads * hd;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    load_tile(sq, a.qkv + (row0 + q0) * a.ld + h * hd, a.ld, min(TILE, L - q0), hd);
    load_tile(sdo, dout + (row0 + q0) * qw + h * hd, qw, min(TILE, L - q0), hd);
    float lse_r[RPW], delta_r[RPW], dq[RPW][DPL];
#pragma unroll
    for (int r = 0; r < RPW; r++) {
        int i = q0 + warp * RPW + r;
        lse_r[r] = i < L ? lse[stat0 + i] : 0.0f;
        delta_r[r] = i < L ? delta[stat0 + i] : 0.0f;
#pragma unroll
        for (int c = 0; c < DPL; c++) dq[r][c] = 0.0f;
    }
    const int q_last = min(L, q0 + TILE) - 1;
    for (int k0 = 0; k0 <= q_last; k0 += TILE) {
        __syncthreads();
        const float *kbase = a.qkv + (row0 + k0) * a.ld + qw + kvh * hd;
        load_tile(sk, kbase, a.ld, min(TILE, L - k0), hd);
        load_tile(sv, kbase + kw, a.ld, min(TILE, L - k0), hd);
        __syncthreads();
        const int j = k0 + lane;
#pragma unroll
        for (int r = 0; r < RPW; r++) {
            const int qi = warp * RPW + r, i = q0 + qi;
            if (i >= L || k0 > i) continue;  // warp-uniform
            float ds = 0.0f;
            if (j <= i) {
                float p = expf(dot(sq + qi * ldsm, sk + lane * ldsm, hd) * a.scale - lse_r[r]);
                float dp = dot(sdo + qi * ldsm, sv + lane * ldsm, hd);
                ds = p * (dp - delta_r[r]);
            }
#pragma unroll 4
            for (int jj = 0; jj < TILE; jj++) {
                float dsj = __shfl_sync(FULL, ds, jj);
#pragma unroll
                for (int c = 0; c < DPL; c++) {
                    int d = lane + 32 * c;
                    if (d < hd) dq[r][c] = fmaf(dsj, sk[jj * ldsm + d], dq[r][c]);
                }
            }
        }
    }
#pragma unroll
    for (int r = 0; r < RPW; r++) {
        const int i = q0 + warp * RPW + r;
        if (i >= L) continue;
        float *out = dqkv + (row0 + i) * ld_dqkv + h * hd;
#pragma unroll
        for (int c = 0; c < DPL; c++) {
            int d = lane + 32 * c;
            if (d < hd) out[d] = dq[r][c] * a.scale;
        }
    }
}

template <int DPL>
__global__ void __launch_bounds__(THREADS) flash_dkv_kernel(FlashAttn a, const float *dout, const float *lse,
                                                            const float *delta, float *dqkv, int ld_dqkv) {
    extern __shared__ float sm[];
    const int hd = a.head_dim, ldsm = hd + 1, L = a.seq_len;
    float *sk = sm, *sv = sk + TILE * ldsm, *sq = sv + TILE * ldsm, *sdo = sq + TILE * ldsm;
    float *slse = sdo + TILE * ldsm, *sdelta = slse + TILE;
    const int j0 = blockIdx.x * TILE, kvh = blockIdx.y, b = blockIdx.z;
    const int rep = a.q_heads / a.kv_heads;
    const int64_t row0 = (int64_t)b * L;
    const int qw = a.q_heads * hd, kw = a.kv_heads * hd;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const float *kbase = a.qkv + (row0 + j0) * a.ld + qw + kvh * hd;
    load_tile(sk, kbase, a.ld, min(TILE, L - j0), hd);
    load_tile(sv, kbase + kw, a.ld, min(TILE, L - j0), hd);
    float dk[RPW][DPL], dv[RPW][DPL];
#pragma unroll
    for (int r = 0; r < RPW; r++) {
#pragma unroll
        for (int c = 0; c < DPL; c++) dk[r][c] = dv[r][c] = 0.0f;
    }
    for (int g = 0; g < rep; g++) {
        const int h = kvh * rep + g;
        const int64_t stat0 = ((int64_t)b * a.q_heads + h) * L;
        for (int q0 = j0; q0 < L; q0 += TILE) {
            const int valid = min(TILE, L - q0);
            __syncthreads();
            load_tile(sq, a.qkv + (row0 + q0) * a.ld + h * hd, a.ld, valid, hd);
            load_tile(sdo, dout + (row0 + q0) * qw + h * hd, qw, valid, hd);
            if (threadIdx.x < TILE) {
                slse[threadIdx.x] = threadIdx.x < valid ? lse[stat0 + q0 + threadIdx.x] : 0.0f;
                sdelta[threadIdx.x] = threadIdx.x < valid ? delta[stat0 + q0 + threadIdx.x] : 0.0f;
            }
            __syncthreads();
            const int i = q0 + lane;  // this lane's query
#pragma unroll
            for (int r = 0; r < RPW; r++) {
                const int kj = warp * RPW + r, j = j0 + kj;
                if (j >= L || j > q0 + TILE - 1) continue;  // warp-uniform
                float p = 0.0f, ds = 0.0f;
                if (i < L && i >= j) {
                    p = expf(dot(sq + lane * ldsm, sk + kj * ldsm, hd) * a.scale - slse[lane]);
                    float dp = dot(sdo + lane * ldsm, sv + kj * ldsm, hd);
                    ds = p * (dp - sdelta[lane]);
                }
#pragma unroll 4
                for (int ii = 0; ii < TILE; ii++) {
                    float pi = __shfl_sync(FULL, p, ii), dsi = __shfl_sync(FULL, ds, ii);
#pragma unroll
                    for (int c = 0; c < DPL; c++) {
                        int d = lane + 32 * c;
                        if (d < hd) {
                            dv[r][c] = fmaf(pi, sdo[ii * ldsm + d], dv[r][c]);
                            dk[r][c] = fmaf(dsi, sq[ii * ldsm + d], dk[r][c]);
                        }
                    }
                }
            }
        }
    }
#pragma unroll
    for (int r = 0; r < RPW; r++) {
        const int j = j0 + warp * RPW + r;
        if (j >= L) continue;
        float *out = dqkv + (row0 + j) * ld_dqkv + qw + kvh * hd;
#pragma unroll
        for (int c = 0; c < DPL; c++) {
            int d = lane + 32 * c;
            if (d < hd) {
                out[d] = dk[r][c] * a.scale;
                out[kw + d] = dv[r][c];
            }
        }
    }
}

int check(const FlashAttn &a) {
    if (a.batch <= 0 || a.seq_len <= 0 || a.q_heads <= 0 || a.kv_heads <= 0 || a.q_heads % a.kv_heads)
        return nmc::fail("flash attention: bad shape");
    if (a.head_dim <= 0 || a.head_dim > FLASH_MAX_HEAD_DIM)
        return nmc::fail("flash attention supports head_dim 1.." + std::to_string(FLASH_MAX_HEAD_DIM) + ", got " +
                         std::to_string(a.head_dim));
    if (a.batch > 65535 || a.q_heads > 65535) return nmc::fail("flash attention: batch or heads above 65535");
    return NMC_OK;
}

// Launches kernel K<DPL> for the head dim with `tiles` tiles of shared memory (+ extra floats).
template <template <int> class K, typename... Args>
int launch(const FlashAttn &a, dim3 grid, int tiles, int extra, cudaStream_t stream, const char *what, Args... args) {
    size_t smem = ((size_t)tiles * TILE * (a.head_dim + 1) + extra) * sizeof(float);
    int dpl = (a.head_dim + 31) / 32;
    cudaError_t err = cudaSuccess;
    auto go = [&](auto kernel) {
        err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem);
        if (err == cudaSuccess) {
            kernel<<<grid, THREADS, smem, stream>>>(a, args...);
            err = cudaGetLastError();
        }
    };
    if (dpl <= 1) go(K<1>::fn);
    else if (dpl <= 2) go(K<2>::fn);
    else if (dpl <= 4) go(K<4>::fn);
    else go(K<8>::fn);
    if (err != cudaSuccess) return nmc::cuda_fail(err, what);
    return NMC_OK;
}

template <int D> struct Fwd { static constexpr auto fn = flash_fwd_kernel<D>; };
template <int D> struct Dq { static constexpr auto fn = flash_dq_kernel<D>; };
template <int D> struct Dkv { static constexpr auto fn = flash_dkv_kernel<D>; };

}  // namespace

int flash_forward(const FlashAttn &a, float *o, float *lse, cudaStream_t stream) {
    NMC_TRY(check(a));
    dim3 grid((a.seq_len + TILE - 1) / TILE, a.q_heads, a.batch);
    return launch<Fwd>(a, grid, 3, 0, stream, "flash attention forward", o, lse);
}

int flash_delta(const FlashAttn &a, const float *o, const float *dout, bool bf16_dout, float *delta,
                cudaStream_t stream) {
    int64_t warps = (int64_t)a.batch * a.seq_len * a.q_heads;
    int64_t blocks = (warps * 32 + 255) / 256;
    if (blocks > 0x7fffffff) return nmc::fail("flash attention: too many rows");
    flash_delta_kernel<<<(unsigned)blocks, 256, 0, stream>>>(a, o, dout, bf16_dout, delta);
    NMC_CUDA(cudaGetLastError());
    return NMC_OK;
}

int flash_backward(const FlashAttn &a, const float *o, const float *dout, const float *lse, float *delta,
                   float *dqkv, int ld_dqkv, cudaStream_t stream) {
    NMC_TRY(check(a));
    NMC_TRY(flash_delta(a, o, dout, false, delta, stream));
    int tiles = (a.seq_len + TILE - 1) / TILE;
    NMC_TRY(launch<Dq>(a, dim3(tiles, a.q_heads, a.batch), 4, 0, stream, "flash attention dQ", dout, lse,
                       (const float *)delta, dqkv, ld_dqkv));
    return launch<Dkv>(a, dim3(tiles, a.kv_heads, a.batch), 4, 2 * TILE, stream, "flash attention dK dV", dout, lse,
                       (const float *)delta, dqkv, ld_dqkv);
}

}  // namespace nmc::k::train
