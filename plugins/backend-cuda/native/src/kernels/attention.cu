// Causal GQA attention over a per-slot KV cache (no positional embedding), softmax in fp32.
//
// cache K, V: paged, [blocks, KV_BLOCK, kvH, hd] (token t of a slot at row kv_row, kernels.h);
// query head h reads KV head h / (qH / kvH).
// Prefill (flash-attention style): block = 64 queries of one head, 8 warps of 8 queries;
//   for each tile of 32 keys: 1. load K, V tile into shared memory (fp32)
//                             2. scores s = q.k * scale, masked beyond the query's position
//                             3. online softmax: m' = max(m, max s); l = l e^(m-m') + sum e^(s-m')
//                             4. acc = acc e^(m-m') + sum_j e^(s_j-m') v_j
//   out = acc / l.
// Decode (flash-decoding): the keys of each row are split into S equal pieces (S chosen at launch
// so that rows x KV heads x S fills the GPU about twice, and pieces hold >= 256 keys of the
// session's longest sequence); a block handles one (piece, KV head, row) for all query heads of
// the group and writes (m, l, acc); a second kernel combines the pieces. A BF16 cache with
// head_dim 16/64/128 goes to the bandwidth-bound kernel of attention_decode.cu instead (8 blocks
// per multiprocessor, pieces of >= 128 keys, at most 128 pieces), combined the same way.
#include "kernels.h"
#include "device_math.cuh"
#include "../env_switch.h"
#include "sm_count.h"

#include <cstdlib>

namespace nmc::k {
namespace {

constexpr int PF_BQ = 64, PF_BK = 32, PF_WARPS = 8, PF_QPW = PF_BQ / PF_WARPS;
constexpr int DEC_SPLIT = 128, DEC_MAX_SPLITS = 128, DEC_WARPS = 4, DEC_MAX_GROUP = 8;

// First element of (slot, pos, kv head) in the paged cache.
__device__ __forceinline__ int64_t cache_index(const KvCache &kv, int slot, int pos, int kvh, int kv_heads, int hd) {
    return (kv_row(kv, slot, pos) * kv_heads + kvh) * hd;
}

__global__ void kv_append_kernel(Attn a, KvCache kv, const int32_t *lengths, const int32_t *slots, int slot) {
    int r = blockIdx.x, kvh = blockIdx.y;
    int s = slots ? slots[r] : slot;
    int pos = lengths[s] + (slots ? 0 : r);
    int hd = a.head_dim;
    const float *row = a.qkv + (int64_t)r * a.qkv_stride;
    const float *k = row + a.q_heads * hd + kvh * hd;
    const float *v = row + (a.q_heads + a.kv_heads) * hd + kvh * hd;
    int64_t at = cache_index(kv, s, pos, kvh, a.kv_heads, hd);
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        store_from_float(kv.k, kv.dtype, at + d, k[d]);
        store_from_float(kv.v, kv.dtype, at + d, v[d]);
    }
}

template <int DPL>
__global__ void prefill_kernel(Attn a, KvCache kv, int rows, const int32_t *lengths, int slot) {
    extern __shared__ float smem[];
    int hd = a.head_dim, h = blockIdx.y, kvh = h / (a.q_heads / a.kv_heads);
    float *qs = smem;                      // [BQ][hd]
    float *ks = qs + PF_BQ * hd;           // [BK][hd + 1]
    float *vs = ks + PF_BK * (hd + 1);     // [BK][hd]
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int len0 = lengths[slot];
    // the last query tiles see the most keys: schedule them first so the grid ends evenly
    int q0 = (gridDim.x - 1 - blockIdx.x) * PF_BQ, q1 = min(rows, q0 + PF_BQ);
    for (int i = threadIdx.x; i < PF_BQ * hd; i += blockDim.x) {
        int qi = q0 + i / hd;
        qs[i] = qi < q1 ? a.qkv[(int64_t)qi * a.qkv_stride + h * hd + i % hd] : 0.0f;
    }
    float m[PF_QPW], l[PF_QPW], acc[PF_QPW][DPL];
#pragma unroll
    for (int q = 0; q < PF_QPW; q++) {
        m[q] = -INFINITY;
        l[q] = 0.0f;
#pragma unroll
        for (int d = 0; d < DPL; d++) acc[q][d] = 0.0f;
    }
    int keys = len0 + q1;  // keys 0 .. len0 + q1 - 1 are visible to some query of the block
    for (int k0 = 0; k0 < keys; k0 += PF_BK) {
        __syncthreads();
        for (int i = threadIdx.x; i < PF_BK * hd; i += blockDim.x) {
            int j = i / hd, d = i % hd, key = k0 + j;
            float kvk = 0.0f, kvv = 0.0f;
            if (key < keys) {
                int64_t at = cache_index(kv, slot, key, kvh, a.kv_heads, hd) + d;
                kvk = load_as_float(kv.k, kv.dtype, at);
                kvv = load_as_float(kv.v, kv.dtype, at);
            }
            ks[j * (hd + 1) + d] = kvk;
            vs[j * hd + d] = kvv;
        }
        __syncthreads();
#pragma unroll
        for (int q = 0; q < PF_QPW; q++) {
            int qi = q0 + warp * PF_QPW + q;
            if (qi >= q1) break;
            int pos = len0 + qi, key = k0 + lane;
            if (k0 > pos) continue;
            const float *qrow = qs + (qi - q0) * hd;
            float s = -INFINITY;
            if (key <= pos) {
                float dot = 0.0f;
                for (int d = 0; d < hd; d++) dot += qrow[d] * ks[lane * (hd + 1) + d];
                s = dot * a.scale;
            }
            float m_new = fmaxf(m[q], warp_max(s));
            float corr = expf(m[q] - m_new);
            float p = key <= pos ? expf(s - m_new) : 0.0f;
            l[q] = l[q] * corr + warp_sum(p);
            m[q] = m_new;
#pragma unroll
            for (int d = 0; d < DPL; d++) acc[q][d] *= corr;
            for (int j = 0; j < PF_BK; j++) {
                float pj = __shfl_sync(0xffffffffu, p, j);
                if (pj != 0.0f) {
#pragma unroll
                    for (int d = 0; d < DPL; d++) {
                        int dd = lane + 32 * d;
                        if (dd < hd) acc[q][d] += pj * vs[j * hd + dd];
                    }
                }
            }
        }
    }
#pragma unroll
    for (int q = 0; q < PF_QPW; q++) {
        int qi = q0 + warp * PF_QPW + q;
        if (qi >= q1) break;
#pragma unroll
        for (int d = 0; d < DPL; d++) {
            int dd = lane + 32 * d;
            if (dd < hd) {
                store_from_float(a.out, a.out_dtype, (int64_t)qi * a.q_heads * hd + h * hd + dd, acc[q][d] / l[q]);
            }
        }
    }
}

// workspace layout: [rows, qH, splits, hd + 2] = (acc[hd], m, l)
template <int DPL>
__global__ void decode_kernel(Attn a, KvCache kv, const int32_t *lengths, const int32_t *slots, float *ws, int splits) {
    __shared__ float red[DEC_WARPS][DEC_MAX_GROUP][2];
    __shared__ float racc[DEC_WARPS][DEC_MAX_GROUP][DPL * 32];
    int split = blockIdx.x, kvh = blockIdx.y, r = blockIdx.z;
    int hd = a.head_dim, group = a.q_heads / a.kv_heads;
    int slot = slots[r], keys = lengths[slot] + 1;
    int piece = (keys + splits - 1) / splits;
    int k_begin = split * piece, k_end = min(keys, k_begin + piece);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const float *qrow = a.qkv + (int64_t)r * a.qkv_stride;
    float q[DEC_MAX_GROUP][DPL], acc[DEC_MAX_GROUP][DPL], m[DEC_MAX_GROUP], l[DEC_MAX_GROUP];
#pragma unroll
    for (int g = 0; g < DEC_MAX_GROUP; g++) {
        m[g] = -INFINITY;
        l[g] = 0.0f;
#pragma unroll
        for (int d = 0; d < DPL; d++) {
            int dd = lane * DPL + d;
            q[g][d] = (g < group && dd < hd) ? qrow[(kvh * group + g) * hd + dd] * a.scale : 0.0f;
            acc[g][d] = 0.0f;
        }
    }
    for (int key = k_begin + warp; key < k_end; key += DEC_WARPS) {
        int64_t at = cache_index(kv, slot, key, kvh, a.kv_heads, hd);
        float kk[DPL], vv[DPL];
#pragma unroll
        for (int d = 0; d < DPL; d++) {
            int dd = lane * DPL + d;
            kk[d] = dd < hd ? load_as_float(kv.k, kv.dtype, at + dd) : 0.0f;
            vv[d] = dd < hd ? load_as_float(kv.v, kv.dtype, at + dd) : 0.0f;
        }
#pragma unroll
        for (int g = 0; g < DEC_MAX_GROUP; g++) {
            if (g >= group) break;
            float s = 0.0f;
#pragma unroll
            for (int d = 0; d < DPL; d++) s += q[g][d] * kk[d];
            s = warp_sum(s);
            float m_new = fmaxf(m[g], s);
            float corr = expf(m[g] - m_new), p = expf(s - m_new);
            l[g] = l[g] * corr + p;
            m[g] = m_new;
#pragma unroll
            for (int d = 0; d < DPL; d++) acc[g][d] = acc[g][d] * corr + p * vv[d];
        }
    }
    // combine the warps of the block
    for (int g = 0; g < group; g++) {
        if (lane == 0) {
            red[warp][g][0] = m[g];
            red[warp][g][1] = l[g];
        }
#pragma unroll
        for (int d = 0; d < DPL; d++) racc[warp][g][lane * DPL + d] = acc[g][d];
    }
    __syncthreads();
    for (int i = threadIdx.x; i < group * DPL * 32; i += blockDim.x) {
        int g = i / (DPL * 32), dd = i % (DPL * 32);
        float mm = -INFINITY;
        for (int w = 0; w < DEC_WARPS; w++) mm = fmaxf(mm, red[w][g][0]);
        float ll = 0.0f, aa = 0.0f;
        if (mm != -INFINITY) {
            for (int w = 0; w < DEC_WARPS; w++) {
                float f = expf(red[w][g][0] - mm);
                ll += red[w][g][1] * f;
                aa += racc[w][g][dd] * f;
            }
        }
        float *out = ws + (((int64_t)r * a.q_heads + kvh * group + g) * splits + split) * (hd + 2);
        if (dd < hd) out[dd] = aa;
        if (dd == 0) {
            out[hd] = mm;
            out[hd + 1] = ll;
        }
    }
}

__global__ void decode_combine_kernel(Attn a, const float *ws, int splits) {
    int r = blockIdx.x, h = blockIdx.y, hd = a.head_dim;
    const float *base = ws + ((int64_t)r * a.q_heads + h) * splits * (hd + 2);
    float mm = -INFINITY;
    for (int s = 0; s < splits; s++) mm = fmaxf(mm, base[s * (hd + 2) + hd]);
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        float ll = 0.0f, aa = 0.0f;
        for (int s = 0; s < splits; s++) {
            const float *piece = base + s * (hd + 2);
            if (piece[hd] == -INFINITY) continue;
            float f = expf(piece[hd] - mm);
            ll += piece[hd + 1] * f;
            aa += piece[d] * f;
        }
        store_from_float(a.out, a.out_dtype, (int64_t)r * a.q_heads * hd + h * hd + d, aa / ll);
    }
}

int dims_per_lane(int hd) {
    if (hd <= 32) return 1;
    if (hd <= 64) return 2;
    if (hd <= 128) return 4;
    if (hd <= 256) return 8;
    return -1;
}

int check(const Attn &a) {
    if (dims_per_lane(a.head_dim) < 0) return nmc::fail("attention: head_dim above 256 is not supported");
    if (a.kv_heads <= 0 || a.q_heads % a.kv_heads != 0) return nmc::fail("attention: q heads not divisible by kv heads");
    return NMC_OK;
}

template <int DPL>
int launch_prefill(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, int slot, cudaStream_t stream) {
    size_t smem = sizeof(float) * ((size_t)PF_BQ * a.head_dim + (size_t)PF_BK * (a.head_dim + 1) + (size_t)PF_BK * a.head_dim);
    NMC_CUDA(cudaFuncSetAttribute(prefill_kernel<DPL>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem));
    dim3 grid((rows + PF_BQ - 1) / PF_BQ, a.q_heads);
    prefill_kernel<DPL><<<grid, PF_WARPS * 32, smem, stream>>>(a, kv, rows, lengths, slot);
    NMC_LAUNCHED("attention prefill");
    return NMC_OK;
}

template <int DPL>
int launch_decode(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, const int32_t *slots,
                  float *ws, int splits, cudaStream_t stream) {
    decode_kernel<DPL><<<dim3(splits, a.kv_heads, rows), DEC_WARPS * 32, 0, stream>>>(a, kv, lengths, slots, ws, splits);
    NMC_LAUNCHED("attention decode");
    return NMC_OK;
}

// Most pieces the workspace holds: one per DEC_SPLIT keys of the longest sequence, at most
// DEC_MAX_SPLITS (the workspace grows with rows x heads x pieces).
int max_decode_splits(const KvCache &kv) { return min((kv.max_seq + DEC_SPLIT - 1) / DEC_SPLIT, DEC_MAX_SPLITS); }

// Pieces for `rows` rows: `waves` blocks per multiprocessor, no more than the workspace holds.
// (The split is fixed when a decode graph is captured; each piece adapts to the actual length.)
int decode_splits(const Attn &a, const KvCache &kv, int rows, int waves) {
    int want = (waves * multiprocessor_count() + rows * a.kv_heads - 1) / (rows * a.kv_heads);
    return max(1, min(want, max_decode_splits(kv)));
}

// NMC_ATTN_DECODE=0 keeps the fp32 kernel for BF16 caches too (for comparisons).
bool bf16_decode_enabled() {
    static const bool on = nmc::env_flag("NMC_ATTN_DECODE", true);
    return on;
}

}  // namespace

int kv_append(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, const int32_t *slots, int slot,
              cudaStream_t stream) {
    NMC_TRY(check(a));
    if (rows == 0) return NMC_OK;
    kv_append_kernel<<<dim3(rows, a.kv_heads), 128, 0, stream>>>(a, kv, lengths, slots, slot);
    NMC_LAUNCHED("kv_append");
    return NMC_OK;
}

int attention_prefill(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, int slot, cudaStream_t stream) {
    NMC_TRY(check(a));
    if (rows == 0) return NMC_OK;
    switch (dims_per_lane(a.head_dim)) {
        case 1: return launch_prefill<1>(a, kv, rows, lengths, slot, stream);
        case 2: return launch_prefill<2>(a, kv, rows, lengths, slot, stream);
        case 4: return launch_prefill<4>(a, kv, rows, lengths, slot, stream);
        default: return launch_prefill<8>(a, kv, rows, lengths, slot, stream);
    }
}

int64_t attention_decode_workspace_floats(const Attn &a, const KvCache &kv, int rows) {
    return (int64_t)rows * a.q_heads * max_decode_splits(kv) * (a.head_dim + 2);
}

int attention_decode(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, const int32_t *slots,
                     float *ws, cudaStream_t stream) {
    NMC_TRY(check(a));
    if (a.q_heads / a.kv_heads > DEC_MAX_GROUP) return nmc::fail("attention decode: more than 8 query heads per KV head");
    if (rows == 0) return NMC_OK;
    int rc;
    int splits;
    if (bf16_decode_enabled() && attention_decode_bf16_supported(a, kv)) {
        splits = decode_splits(a, kv, rows, 8);
        NMC_TRY(attention_decode_bf16(a, kv, rows, lengths, slots, ws, splits, stream));
        decode_combine_kernel<<<dim3(rows, a.q_heads), 128, 0, stream>>>(a, ws, splits);
        NMC_LAUNCHED("attention decode combine");
        return NMC_OK;
    }
    // the fp32 kernel: two waves, pieces of >= 256 keys of the longest sequence (as before the BF16 kernel)
    splits = min(decode_splits(a, kv, rows, 2), (kv.max_seq + 255) / 256);
    switch (dims_per_lane(a.head_dim)) {
        case 1: rc = launch_decode<1>(a, kv, rows, lengths, slots, ws, splits, stream); break;
        case 2: rc = launch_decode<2>(a, kv, rows, lengths, slots, ws, splits, stream); break;
        case 4: rc = launch_decode<4>(a, kv, rows, lengths, slots, ws, splits, stream); break;
        default: rc = launch_decode<8>(a, kv, rows, lengths, slots, ws, splits, stream); break;
    }
    NMC_TRY(rc);
    decode_combine_kernel<<<dim3(rows, a.q_heads), 128, 0, stream>>>(a, ws, splits);
    NMC_LAUNCHED("attention decode combine");
    return NMC_OK;
}

}  // namespace nmc::k
