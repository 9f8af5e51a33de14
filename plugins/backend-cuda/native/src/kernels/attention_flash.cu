// Causal GQA attention prefill on tensor cores with the FlashAttention-2 forward the trainer uses
// (flash_tc_tile.cuh: WMMA BF16 operands, fp32 accumulation, online softmax, Q in registers),
// for a BF16 paged KV cache and head_dim 64 or 128. The rows are the prefill chunk of one slot;
// their K, V are already appended (kv_append), so keys come from the cache: the cached prefix
// (chunked prefill) and the chunk alike.
//
// shapes: qkv [rows, qkv_stride] fp32, q of head h at columns h hd; cache rows [pool, kvH, hd]
//   bf16 (kv_row); out [rows, qH hd] out_dtype. Query r sits at position len0 + r (len0 =
//   lengths[slot], on the device) and sees keys 0..len0 + r.
// block = 64 queries of one head (the last query tiles, which see the most keys, first):
//   0. Q tile -> smem (fp32 rounded to bf16)
//   1-4. per 64-key tile: K, V rows from the cache pages (16-byte copies), then the shared
//        tile steps (S = Q K^T scale, masked; online softmax; O += P V)
//   5. out = O / l in out_dtype
// Which prefill kernel runs: attention_prefill_select (env NMC_PREFILL_ATTENTION; unset: mma, attention_mma.cu,
// where it covers the shape, else this one).
#include "kernels.h"
#include "flash_tc_tile.cuh"
#include "device_math.cuh"
#include "../env_switch.h"

#include <cstdlib>
#include <cstring>
#include <string>

namespace nmc::k {
namespace {

using namespace nmc::k::ftc;

// emu-begin (test/attention_flash_emu.cpp runs this kernel on the host)
template <int HD>
__global__ void __launch_bounds__(FWD_WARPS * 32) prefill_flash_kernel(Attn a, KvCache kv, int rows,
                                                                       const int32_t *lengths, int slot) {
    extern __shared__ __align__(128) char smem[];
    const Fwd<HD> sm(smem);
    const int h = blockIdx.y, kvh = h / (a.q_heads / a.kv_heads);
    const int q0 = (gridDim.x - 1 - blockIdx.x) * BQ, valid = min(BQ, rows - q0);
    const int len0 = lengths[slot], keys = len0 + rows;
    const bf16 *kc = static_cast<const bf16 *>(kv.k), *vc = static_cast<const bf16 *>(kv.v);
    load_bf16<HD>(sm.q, Fwd<HD>::LDB, a.qkv + (int64_t)q0 * a.qkv_stride + h * HD, a.qkv_stride, valid);  // 0.
    auto load_kv = [&](int k0) {                                                                           // 1.
        constexpr int PER = HD / 8;  // 16-byte pieces per row
        for (int e = threadIdx.x; e < BK * PER; e += blockDim.x) {
            const int j = e / PER, d = (e - j * PER) * 8, key = k0 + j;
            uint4 kk = make_uint4(0, 0, 0, 0), vv = make_uint4(0, 0, 0, 0);
            if (key < keys) {
                const int64_t at = (kv_row(kv, slot, key) * a.kv_heads + kvh) * HD + d;
                kk = *reinterpret_cast<const uint4 *>(kc + at);
                vv = *reinterpret_cast<const uint4 *>(vc + at);
            }
            *reinterpret_cast<uint4 *>(sm.k + j * Fwd<HD>::LDB + d) = kk;
            *reinterpret_cast<uint4 *>(sm.v + j * Fwd<HD>::LDB + d) = vv;
        }
    };
    auto finish = [&](int i, int half, const float *orow, float inv, float) {                             // 5.
        const int64_t at = (int64_t)(q0 + i) * a.q_heads * HD + h * HD;
        for (int c = half * (HD / 2); c < (half + 1) * (HD / 2); c++) store_from_float(a.out, a.out_dtype, at + c, orow[c] * inv);
    };
    fwd_block<HD>(sm, valid, len0 + q0, a.scale, load_kv, finish);
}
// emu-end

template <int HD>
int launch(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, int slot, cudaStream_t stream) {
    const size_t smem = Fwd<HD>::bytes();
    NMC_CUDA(cudaFuncSetAttribute(prefill_flash_kernel<HD>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem));
    dim3 grid((rows + BQ - 1) / BQ, a.q_heads);
    prefill_flash_kernel<HD><<<grid, FWD_WARPS * 32, smem, stream>>>(a, kv, rows, lengths, slot);
    NMC_LAUNCHED("attention prefill (flash, tensor cores)");
    return NMC_OK;
}

}  // namespace

bool attention_prefill_flash_supported(const Attn &a, const KvCache &kv) {
    return kv.dtype == NMC_BF16 && (a.head_dim == 64 || a.head_dim == 128) && a.qkv_stride % 4 == 0 &&
           reinterpret_cast<uintptr_t>(a.qkv) % 16 == 0 && a.q_heads > 0 && a.kv_heads > 0 &&
           a.q_heads % a.kv_heads == 0 && a.q_heads <= 65535;
}

int attention_prefill_flash(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, int slot,
                            cudaStream_t stream) {
    if (!attention_prefill_flash_supported(a, kv))
        return nmc::fail("flash prefill attention needs a BF16 KV cache, head_dim 64 or 128 and 16-byte aligned q rows");
    if (rows == 0) return NMC_OK;
    return a.head_dim == 64 ? launch<64>(a, kv, rows, lengths, slot, stream) : launch<128>(a, kv, rows, lengths, slot, stream);
}

int attention_prefill_select(const Attn &a, const KvCache &kv, int rows, const int32_t *lengths, int slot,
                             cudaStream_t stream) {
    // -1 unset (mma where supported, else flash: the 9B layer's 8k prefill 3.0 ms against 16.0, H100,
    // 2026-12-07), 0 flash, 1 wmma, 2 fp32, 3 mma (attention_mma.cu)
    int choice;
    NMC_TRY(nmc::env_choice("NMC_PREFILL_ATTENTION", {"flash", "wmma", "fp32", "mma"}, &choice));
    const bool flash_ok = attention_prefill_flash_supported(a, kv), wmma_ok = attention_prefill_tc_supported(a, kv);
    if ((choice == 3 || choice < 0) && attention_prefill_mma_supported(a, kv))
        return attention_prefill_mma(a, kv, rows, lengths, slot, stream);
    if (choice <= 0 || choice == 3) {
        if (flash_ok) return attention_prefill_flash(a, kv, rows, lengths, slot, stream);
        if (wmma_ok) return attention_prefill_tc(a, kv, rows, lengths, slot, stream);
    } else if (choice == 1) {
        if (wmma_ok) return attention_prefill_tc(a, kv, rows, lengths, slot, stream);
    }
    return attention_prefill(a, kv, rows, lengths, slot, stream);
}

}  // namespace nmc::k
