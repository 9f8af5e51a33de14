// Causal GQA attention prefill, FlashAttention-2 forward with S, P and O in registers
// (NMC_PREFILL_ATTENTION=mma; the block's steps are flash_mma_tile.cuh's, shared with the trainer):
// K and V tiles double-buffered in shared memory by 16-byte cp.async from the cache pages. Same
// contract as prefill_flash_kernel (attention_flash.cu): BF16 paged cache, head_dim 64 or 128,
// chunked prefill (a cached prefix of len0 = lengths[slot] tokens).
//
// shapes: qkv [rows, qkv_stride] fp32, q of head h at columns h hd; cache rows [pool, kvH, hd]
//   bf16 (kv_row); out [rows, qH hd] out_dtype. Query r sits at position len0 + r and sees keys
//   0..len0 + r; head h reads kv head h / (qH / kvH).
// grid (qH, row tiles of 128): blockIdx.x = head, so the heads of the heaviest, last query tiles
// start first and the q heads of one kv head run side by side; keys past the slot's are zeros.
// Which prefill kernel runs: attention_prefill_select (env NMC_PREFILL_ATTENTION, attention_flash.cu).
#include "kernels.h"
#include "device_math.cuh"
#include "flash_mma_tile.cuh"

namespace nmc::k {
namespace {

// emu-begin (test/attention_flash_emu.cpp runs this kernel on the host)
template <int HD>
__global__ void __launch_bounds__(fa2::WARPS * 32, HD == 64 ? 2 : 1) prefill_mma_kernel(Attn a, KvCache kv, int rows,
                                                                                         const int32_t *lengths, int slot) {
    using T = fa2::Tile<HD>;
    extern __shared__ __align__(128) char smem[];
    fa2::bf16 *const st = reinterpret_cast<fa2::bf16 *>(smem);
    const int h = blockIdx.x, kvh = h / (a.q_heads / a.kv_heads);
    const int q0 = (gridDim.y - 1 - blockIdx.y) * fa2::BQ, valid = min(fa2::BQ, rows - q0);
    const int len0 = lengths[slot], keys = len0 + rows;
    const fa2::bf16 *kc = static_cast<const fa2::bf16 *>(kv.k), *vc = static_cast<const fa2::bf16 *>(kv.v);
    auto load_kv = [&](int j, int s) {  // key tile j -> stage s, one cp.async group per thread
        constexpr int PER = HD / 8;     // 16-byte pieces per row
        fa2::bf16 *ks = T::k(st, s), *vs = T::v(st, s);
        for (int e = threadIdx.x; e < fa2::BK * PER; e += fa2::WARPS * 32) {
            const int r = e / PER, d = (e - r * PER) * 8, key = j * fa2::BK + r;
            if (key < keys) {
                const int64_t at = (kv_row(kv, slot, key) * a.kv_heads + kvh) * HD + d;
                cp_async16(ks + r * T::LD + d, kc + at);
                cp_async16(vs + r * T::LD + d, vc + at);
            } else {
                *reinterpret_cast<uint4 *>(ks + r * T::LD + d) = make_uint4(0, 0, 0, 0);
                *reinterpret_cast<uint4 *>(vs + r * T::LD + d) = make_uint4(0, 0, 0, 0);
            }
        }
        cp_async_commit();
    };
    auto store = [&](int i, int c, float v0, float v1) {
        const int64_t at = (int64_t)(q0 + i) * a.q_heads * HD + h * HD + c;
        store_from_float(a.out, a.out_dtype, at, v0);
        store_from_float(a.out, a.out_dtype, at + 1, v1);
    };
    fa2::fwd_block<HD>(st, a.qkv + (int64_t)q0 * a.qkv_stride + h * HD, a.qkv_stride, valid, len0 + q0, a.scale, load_kv,
                       store, [](int, float) {});
}
// emu-end

template <int HD>
int launch(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, int slot, cudaStream_t stream) {
    const size_t smem = fa2::Tile<HD>::bytes();
    NMC_CUDA(cudaFuncSetAttribute(prefill_mma_kernel<HD>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem));
    dim3 grid(a.q_heads, (rows + fa2::BQ - 1) / fa2::BQ);
    prefill_mma_kernel<HD><<<grid, fa2::WARPS * 32, smem, stream>>>(a, kv, rows, lengths, slot);
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
