// Causal attention prefill on tensor cores (WMMA, BF16 inputs, fp32 accumulation and softmax)
// for a BF16 KV cache and head_dim a multiple of 16 up to 128. attention.cu keeps the plain
// fp32 kernel, which tests and the FP32 path use. The cache is paged (kv_row, kernels.h).
//
// Block: 64 queries of one head, 4 warps of 16 query rows. Per tile of 64 keys:
//   1. K, V tile -> shared memory (bf16)
//   2. S = Q K^T (scaled Q)                         [16 x 64] per warp, tensor cores
//   3. online softmax per row: m' = max(m, max S); P = exp(S - m') (bf16); l = l e^(m-m') + sum P
//   4. O = O e^(m-m') + P V                         [16 x hd] per warp, tensor cores
// out = O / l.
#include <mma.h>

#include "kernels.h"
#include "device_math.cuh"

namespace nmc::k {
namespace {

using namespace nvcuda;

constexpr int BQ = 64, BK = 64, WARPS = 4, ROWS = 16, MAX_HD = 128;
constexpr int SPAD = 4;  // float padding of the score rows

struct Smem {
    __nv_bfloat16 *q, *k, *v, *p;  // q [BQ][hd], k/v [BK][hd], p [BQ][BK]
    float *s;                      // [BQ][BK + SPAD] scores, then per-warp PV scratch [16][hd]
    float *pv;                     // [WARPS][16][hd]
};

__device__ Smem layout(char *base, int hd) {
    Smem m;
    m.q = reinterpret_cast<__nv_bfloat16 *>(base);
    m.k = m.q + BQ * hd;
    m.v = m.k + BK * hd;
    m.p = m.v + BK * hd;
    m.s = reinterpret_cast<float *>(m.p + BQ * BK);
    m.pv = m.s + BQ * (BK + SPAD);
    return m;
}

__global__ void __launch_bounds__(WARPS * 32) prefill_tc_kernel(Attn a, KvCache kv, int rows, const int32_t *lengths, int slot) {
    extern __shared__ __align__(128) char smem_raw[];
    int hd = a.head_dim, h = blockIdx.y, kvh = h / (a.q_heads / a.kv_heads);
    Smem sm = layout(smem_raw, hd);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int len0 = lengths[slot];
    // the last query tiles see the most keys: schedule them first so the grid ends evenly
    int q0 = (gridDim.x - 1 - blockIdx.x) * BQ, q1 = min(rows, q0 + BQ);
    // Q (scaled) into shared memory as bf16
    for (int i = threadIdx.x; i < BQ * hd; i += blockDim.x) {
        int qi = q0 + i / hd;
        float v = qi < q1 ? a.qkv[(int64_t)qi * a.qkv_stride + h * hd + i % hd] * a.scale : 0.0f;
        sm.q[i] = __float2bfloat16(v);
    }
    // per lane: rows r = lane / 2 of the warp's 16, columns half (lane % 2) of hd
    constexpr int OPL = MAX_HD / 2;  // O elements per lane (hd <= 128)
    float o[OPL];
#pragma unroll
    for (int i = 0; i < OPL; i++) o[i] = 0.0f;
    float m_row = -INFINITY, l_row = 0.0f;  // of row lane / 2 (both lanes of a row agree)
    int my_row = lane / 2, half = lane % 2;
    int wq0 = q0 + warp * ROWS;  // first query of the warp
    int keys = len0 + q1;
    const __nv_bfloat16 *kc = static_cast<const __nv_bfloat16 *>(kv.k), *vc = static_cast<const __nv_bfloat16 *>(kv.v);
    for (int k0 = 0; k0 < keys; k0 += BK) {
        __syncthreads();
        // 1. K, V tile (rows beyond the keys zero-filled)
        for (int i = threadIdx.x; i < BK * hd / 8; i += blockDim.x) {
            int j = (i * 8) / hd, d = (i * 8) % hd, key = k0 + j;
            uint4 kk = make_uint4(0, 0, 0, 0), vv = make_uint4(0, 0, 0, 0);
            if (key < keys) {
                int64_t at = (kv_row(kv, slot, key) * a.kv_heads + kvh) * hd + d;
                kk = *reinterpret_cast<const uint4 *>(kc + at);
                vv = *reinterpret_cast<const uint4 *>(vc + at);
            }
            *reinterpret_cast<uint4 *>(sm.k + j * hd + d) = kk;
            *reinterpret_cast<uint4 *>(sm.v + j * hd + d) = vv;
        }
        __syncthreads();
        if (wq0 >= q1 || k0 > len0 + min(wq0 + ROWS, q1) - 1) continue;  // nothing visible to this warp
        // 2. S = Q K^T for the warp's 16 rows
        float *srow = sm.s + warp * ROWS * (BK + SPAD);
        for (int nb = 0; nb < BK / 16; nb++) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
            wmma::fill_fragment(acc, 0.0f);
            for (int kb = 0; kb < hd / 16; kb++) {
                wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> fa;
                wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major> fb;
                wmma::load_matrix_sync(fa, sm.q + (warp * ROWS) * hd + kb * 16, hd);
                wmma::load_matrix_sync(fb, sm.k + (nb * 16) * hd + kb * 16, hd);
                wmma::mma_sync(acc, fa, fb, acc);
            }
            wmma::store_matrix_sync(srow + nb * 16, acc, BK + SPAD, wmma::mem_row_major);
        }
        __syncwarp();
        // 3. online softmax: lanes 2r, 2r+1 share row r, 32 columns each
        int qi = wq0 + my_row, pos = len0 + qi;
        float mx = -INFINITY;
        float *sr = srow + my_row * (BK + SPAD);
        for (int c = half * 32; c < half * 32 + 32; c++) {
            int key = k0 + c;
            float v = (qi < q1 && key <= pos) ? sr[c] : -INFINITY;
            sr[c] = v;
            mx = fmaxf(mx, v);
        }
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
        float m_new = fmaxf(m_row, mx);
        float corr = m_new == -INFINITY ? 1.0f : expf(m_row - m_new);
        float sum = 0.0f;
        __nv_bfloat16 *pr = sm.p + (warp * ROWS + my_row) * BK;
        for (int c = half * 32; c < half * 32 + 32; c++) {
            float e = m_new == -INFINITY ? 0.0f : expf(sr[c] - m_new);
            __nv_bfloat16 eb = __float2bfloat16(e);
            pr[c] = eb;
            sum += __bfloat162float(eb);  // l sums what P V will use
        }
        sum += __shfl_xor_sync(0xffffffffu, sum, 1);
        l_row = l_row * corr + sum;
        m_row = m_new;
        __syncwarp();
        // 4. PV for the warp's rows into scratch, then O = O * corr + PV
        float *pv = sm.pv + warp * ROWS * hd;
        for (int nb = 0; nb < hd / 16; nb++) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
            wmma::fill_fragment(acc, 0.0f);
            for (int kb = 0; kb < BK / 16; kb++) {
                wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> fa;
                wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> fb;
                wmma::load_matrix_sync(fa, sm.p + (warp * ROWS) * BK + kb * 16, BK);
                wmma::load_matrix_sync(fb, sm.v + (kb * 16) * hd + nb * 16, hd);
                wmma::mma_sync(acc, fa, fb, acc);
            }
            wmma::store_matrix_sync(pv + nb * 16, acc, hd, wmma::mem_row_major);
        }
        __syncwarp();
        int cols = hd / 2;
#pragma unroll
        for (int i = 0; i < OPL; i++) {
            if (i < cols) o[i] = o[i] * corr + pv[my_row * hd + half * cols + i];
        }
        __syncwarp();
    }
    int qi = wq0 + my_row;
    if (qi < q1 && wq0 < q1) {
        int cols = hd / 2;
        float inv = 1.0f / l_row;
#pragma unroll
        for (int i = 0; i < OPL; i++) {
            if (i < cols) store_from_float(a.out, a.out_dtype, (int64_t)qi * a.q_heads * hd + h * hd + half * cols + i, o[i] * inv);
        }
    }
}

size_t smem_bytes(int hd) {
    return sizeof(__nv_bfloat16) * ((size_t)BQ * hd + 2 * (size_t)BK * hd + (size_t)BQ * BK) +
           sizeof(float) * ((size_t)BQ * (BK + SPAD) + (size_t)WARPS * ROWS * hd);
}

}  // namespace

bool attention_prefill_tc_supported(const Attn &a, const KvCache &kv) {
    return kv.dtype == NMC_BF16 && a.head_dim % 16 == 0 && a.head_dim <= MAX_HD;
}

int attention_prefill_tc(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, int slot, cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    size_t smem = smem_bytes(a.head_dim);
    NMC_CUDA(cudaFuncSetAttribute(prefill_tc_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem));
    dim3 grid((rows + BQ - 1) / BQ, a.q_heads);
    prefill_tc_kernel<<<grid, WARPS * 32, smem, stream>>>(a, kv, rows, lengths, slot);
    NMC_LAUNCHED("attention prefill (tensor cores)");
    return NMC_OK;
}

}  // namespace nmc::k
