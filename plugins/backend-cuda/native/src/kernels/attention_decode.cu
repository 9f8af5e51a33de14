// Decode attention over a BF16 KV cache, split along the sequence (flash-decoding), built to
// stream the cache at the memory bandwidth. Used by attention_decode (attention.cu) when the cache
// is BF16 and head_dim is 16, 64 or 128; the fp32 kernel of attention.cu handles the rest.
//
// shapes: cache K, V paged [blocks, KV_BLOCK, kvH, hd] (key t of a slot at pool row kv_row,
// kernels.h; each key's row is looked up in the block table); q [rows, qH*hd]; G = qH / kvH query heads per KV
// head; workspace [rows, qH, splits, hd + 2] = (acc[hd], m, l) per piece, combined by
// decode_combine_kernel exactly as for the fp32 kernel.
//
// block = (piece, KV head, row), 4 warps; a key row (hd BF16 values) is read by LPK = hd / 8 lanes
// with one 16-byte load each, so a warp reads KPW = 32 / LPK keys per load and U = 4 loads of K
// and of V are in flight per lane before any arithmetic (the fp32 kernel had one 2-byte load per
// lane and key in flight, which held it to a third of the bandwidth at 8k context).
// 1. q of the G heads of the group, pre-scaled by scale * log2(e) (softmax in base 2), in registers
// 2. per tile of U x 4 x KPW keys: scores s = q.k (8 products per lane, summed over the LPK lanes
//    of the key by xor shuffles), then per head the online softmax over the lane's U keys:
//    m' = max(m, max s); l = l 2^(m-m') + sum 2^(s-m'); acc = acc 2^(m-m') + sum 2^(s-m') v
// 3. merge the KPW key groups of a warp (shuffles), then the 4 warps (shared memory), and write
//    (acc, m ln 2, l) of the piece: the combine kernel works in base e.
#include "kernels.h"
#include "device_math.cuh"

namespace nmc::k {
namespace {

constexpr int WARPS = 4, U = 4;
constexpr float LOG2E = 1.4426950408889634f, LN2 = 0.6931471805599453f;

__device__ __forceinline__ void bf16x8_to_float(const uint4 &raw, float (&f)[8]) {
    const __nv_bfloat162 *p = reinterpret_cast<const __nv_bfloat162 *>(&raw);
#pragma unroll
    for (int j = 0; j < 4; j++) {
        float2 t = __bfloat1622float2(p[j]);
        f[2 * j] = t.x;
        f[2 * j + 1] = t.y;
    }
}

template <int LPK, int G>
__global__ void __launch_bounds__(WARPS * 32) decode_bf16_kernel(Attn a, KvCache kv, const int32_t *lengths,
                                                                 const int32_t *slots, float *ws, int splits) {
    constexpr int HD = LPK * 8, KPW = 32 / LPK, TILE = U * WARPS * KPW;
    __shared__ float sm_m[WARPS][G], sm_l[WARPS][G];
    __shared__ float sm_acc[WARPS][G][HD];
    int split = blockIdx.x, kvh = blockIdx.y, r = blockIdx.z;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, sub = lane / LPK, li = lane % LPK;
    int slot = slots[r], keys = lengths[slot] + 1;
    int piece = (keys + splits - 1) / splits;
    int k_begin = split * piece, k_end = min(keys, k_begin + piece);
    // 1. the group's queries, this lane's 8 dimensions
    float q[G][8];
    const float *qrow = a.qkv + (int64_t)r * a.qkv_stride + (int64_t)kvh * G * HD + li * 8;
#pragma unroll
    for (int g = 0; g < G; g++) {
#pragma unroll
        for (int d = 0; d < 8; d++) q[g][d] = qrow[g * HD + d] * (a.scale * LOG2E);
    }
    float m[G], l[G], acc[G][8];
#pragma unroll
    for (int g = 0; g < G; g++) {
        m[g] = -INFINITY;
        l[g] = 0.0f;
#pragma unroll
        for (int d = 0; d < 8; d++) acc[g][d] = 0.0f;
    }
    const int64_t key_stride = (int64_t)a.kv_heads * HD / 8;  // in uint4: one pool row
    const int64_t first = (int64_t)kvh * HD / 8 + li;
    const uint4 *kbase = static_cast<const uint4 *>(kv.k) + first;
    const uint4 *vbase = static_cast<const uint4 *>(kv.v) + first;
    // 2. tiles of keys
    for (int base = k_begin; base < k_end; base += TILE) {
        uint4 kr[U], vr[U];
        bool valid[U];
#pragma unroll
        for (int u = 0; u < U; u++) {
            int key = base + (u * WARPS + warp) * KPW + sub;
            valid[u] = key < k_end;
            if (valid[u]) {
                int64_t row = kv_row(kv, slot, key);
                kr[u] = __ldcs(kbase + row * key_stride);
                vr[u] = __ldcs(vbase + row * key_stride);
            } else {
                kr[u] = make_uint4(0, 0, 0, 0);
                vr[u] = make_uint4(0, 0, 0, 0);
            }
        }
        float s[U][G];
#pragma unroll
        for (int u = 0; u < U; u++) {
            float kf[8];
            bf16x8_to_float(kr[u], kf);
#pragma unroll
            for (int g = 0; g < G; g++) {
                float dot = 0.0f;
#pragma unroll
                for (int d = 0; d < 8; d++) dot = fmaf(q[g][d], kf[d], dot);
#pragma unroll
                for (int o = LPK / 2; o > 0; o >>= 1) dot += __shfl_xor_sync(0xffffffffu, dot, o);
                s[u][g] = valid[u] ? dot : -INFINITY;
            }
        }
#pragma unroll
        for (int g = 0; g < G; g++) {
            float mx = s[0][g];
#pragma unroll
            for (int u = 1; u < U; u++) mx = fmaxf(mx, s[u][g]);
            float m_new = fmaxf(m[g], mx);
            if (m_new == -INFINITY) continue;  // no key of this lane yet
            float corr = exp2f(m[g] - m_new);
            l[g] *= corr;
#pragma unroll
            for (int d = 0; d < 8; d++) acc[g][d] *= corr;
            m[g] = m_new;
#pragma unroll
            for (int u = 0; u < U; u++) s[u][g] = exp2f(s[u][g] - m_new);  // p, 0 for invalid keys
        }
#pragma unroll
        for (int u = 0; u < U; u++) {
            float vf[8];
            bf16x8_to_float(vr[u], vf);
#pragma unroll
            for (int g = 0; g < G; g++) {
                if (m[g] == -INFINITY) continue;
                float p = s[u][g];
                l[g] += p;
#pragma unroll
                for (int d = 0; d < 8; d++) acc[g][d] = fmaf(p, vf[d], acc[g][d]);
            }
        }
    }
    // 3. merge the key groups of the warp (lanes li, li + LPK, ...)
#pragma unroll
    for (int o = LPK; o < 32; o <<= 1) {
#pragma unroll
        for (int g = 0; g < G; g++) {
            float m_o = __shfl_xor_sync(0xffffffffu, m[g], o);
            float l_o = __shfl_xor_sync(0xffffffffu, l[g], o);
            float mm = fmaxf(m[g], m_o);
            float f1 = m[g] == -INFINITY ? 0.0f : exp2f(m[g] - mm);
            float f2 = m_o == -INFINITY ? 0.0f : exp2f(m_o - mm);
            l[g] = l[g] * f1 + l_o * f2;
#pragma unroll
            for (int d = 0; d < 8; d++) {
                float a_o = __shfl_xor_sync(0xffffffffu, acc[g][d], o);
                acc[g][d] = acc[g][d] * f1 + a_o * f2;
            }
            m[g] = mm;
        }
    }
    if (sub == 0) {
#pragma unroll
        for (int g = 0; g < G; g++) {
            if (li == 0) {
                sm_m[warp][g] = m[g];
                sm_l[warp][g] = l[g];
            }
#pragma unroll
            for (int d = 0; d < 8; d++) sm_acc[warp][g][li * 8 + d] = acc[g][d];
        }
    }
    __syncthreads();
    for (int i = threadIdx.x; i < G * HD; i += blockDim.x) {
        int g = i / HD, dd = i % HD;
        float mm = -INFINITY;
#pragma unroll
        for (int w = 0; w < WARPS; w++) mm = fmaxf(mm, sm_m[w][g]);
        float ll = 0.0f, aa = 0.0f;
        if (mm != -INFINITY) {
#pragma unroll
            for (int w = 0; w < WARPS; w++) {
                if (sm_m[w][g] == -INFINITY) continue;
                float f = exp2f(sm_m[w][g] - mm);
                ll += sm_l[w][g] * f;
                aa += sm_acc[w][g][dd] * f;
            }
        }
        float *out = ws + (((int64_t)r * a.q_heads + kvh * G + g) * splits + split) * (HD + 2);
        out[dd] = aa;
        if (dd == 0) {
            out[HD] = mm == -INFINITY ? -INFINITY : mm * LN2;
            out[HD + 1] = ll;
        }
    }
}

template <int LPK, int G>
int launch(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, const int32_t *slots, float *ws,
           int splits, cudaStream_t stream) {
    decode_bf16_kernel<LPK, G><<<dim3(splits, a.kv_heads, rows), WARPS * 32, 0, stream>>>(a, kv, lengths, slots, ws, splits);
    NMC_LAUNCHED("attention decode (bf16)");
    return NMC_OK;
}

template <int LPK>
int launch_group(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, const int32_t *slots, float *ws,
                 int splits, cudaStream_t stream) {
    switch (a.q_heads / a.kv_heads) {
        case 1: return launch<LPK, 1>(a, kv, rows, lengths, slots, ws, splits, stream);
        case 2: return launch<LPK, 2>(a, kv, rows, lengths, slots, ws, splits, stream);
        case 3: return launch<LPK, 3>(a, kv, rows, lengths, slots, ws, splits, stream);
        case 4: return launch<LPK, 4>(a, kv, rows, lengths, slots, ws, splits, stream);
        case 5: return launch<LPK, 5>(a, kv, rows, lengths, slots, ws, splits, stream);
        case 6: return launch<LPK, 6>(a, kv, rows, lengths, slots, ws, splits, stream);
        case 7: return launch<LPK, 7>(a, kv, rows, lengths, slots, ws, splits, stream);
        default: return launch<LPK, 8>(a, kv, rows, lengths, slots, ws, splits, stream);
    }
}

}  // namespace

bool attention_decode_bf16_supported(const Attn &a, const KvCache &kv) {
    int group = a.kv_heads > 0 ? a.q_heads / a.kv_heads : 0;
    return kv.dtype == NMC_BF16 && (a.head_dim == 16 || a.head_dim == 64 || a.head_dim == 128) && group >= 1 &&
           group <= 8 && a.q_heads % a.kv_heads == 0;
}

int attention_decode_bf16(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, const int32_t *slots,
                          float *ws, int splits, cudaStream_t stream) {
    switch (a.head_dim) {
        case 16: return launch_group<2>(a, kv, rows, lengths, slots, ws, splits, stream);
        case 64: return launch_group<8>(a, kv, rows, lengths, slots, ws, splits, stream);
        default: return launch_group<16>(a, kv, rows, lengths, slots, ws, splits, stream);
    }
}

}  // namespace nmc::k
