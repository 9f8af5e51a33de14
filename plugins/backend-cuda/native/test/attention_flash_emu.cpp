// The inference prefill attention on tensor cores, both kernels: the WMMA flash forward
// (kernels/attention_flash.cu, the tiles of kernels/flash_tc_tile.cuh) and the register-resident
// one (kernels/attention_mma.cu on kernels/flash_mma_tile.cuh, NMC_PREFILL_ATTENTION=mma: mma.sync, ldmatrix, cp.async from
// test/mma_host_emu.h), run on the host through test/cuda_host_emu.h against a double
// reference: causal GQA attention of `rows` chunk queries at positions len0..len0 + rows - 1 over
// a paged BF16 cache (blocks of 16 tokens in shuffled pool order) holding the prefix and the chunk.
// Cases: no prefix and chunked prefill with a prefix (also one not a multiple of the 64-key tile
// or of the page), rows 1, 64 + 1, not a multiple of 64 or 128, several 128-query tiles; GQA 5:1,
// 4:4; head_dim 64, 128; fp32 and BF16 output. `make emu` builds and runs it (the kernels are cut
// out of the .cu files between "// emu-begin" and "// emu-end"). Error: max |got - ref| / max |ref|;
// bound 2e-2 (BF16 operands, as test/train_flash_tc_emu.cpp). Exit status 0 when all pass.
// `attention_flash_emu len0 rows qH kvH hd out_dtype` runs one case.
#include "cuda_host_emu.h"
#include "mma_host_emu.h"

#include <cstdio>
#include <numeric>
#include <random>

#include "nemotron_cuda.h"

namespace emu {
constexpr int KV_BLOCK = 16;  // as kernels/kernels.h
struct KvCache {
    void *k, *v;
    int dtype, max_seq;
    const int32_t *table;
    int max_blocks;
};
inline int64_t kv_row(const KvCache &kv, int slot, int pos) {
    return (int64_t)kv.table[(int64_t)slot * kv.max_blocks + pos / KV_BLOCK] * KV_BLOCK + pos % KV_BLOCK;
}
struct Attn {
    int q_heads, kv_heads, head_dim;
    float scale;
    const float *qkv;
    int qkv_stride;
    void *out;
    int out_dtype;
};
inline void store_from_float(void *p, int dtype, int64_t i, float v) {
    if (dtype == NMC_F32) static_cast<float *>(p)[i] = v;
    else static_cast<__nv_bfloat16 *>(p)[i] = __float2bfloat16(v);
}
#include "../src/kernels/flash_tc_tile.cuh"
using namespace nmc::k::ftc;
#include "attention_flash_kernels.inc"
#include "../src/kernels/flash_mma_tile.cuh"
using namespace nmc::k;
#include "attention_mma_kernels.inc"
}  // namespace emu

static int failures = 0;

static float bf(float x) { return __bfloat162float(__float2bfloat16(x)); }

// len0 cached tokens + rows chunk tokens of slot 1 (slot 0 unused: the table row offset is exercised)
static void one(int len0, int rows, int qH, int kvH, int hd, int out_dtype) {
    const int keys = len0 + rows, qw = qH * hd, kw = kvH * hd, ld = qw + 2 * kw + 4;  // padded row stride
    std::mt19937 g(len0 * 131 + rows * 7 + hd + qH);
    std::normal_distribution<float> nd;
    // 1. q of the chunk rows; K, V of every position (prefix and chunk), rounded to bf16 as the cache holds them
    std::vector<float> qkv((size_t)rows * ld), K((size_t)keys * kw), V((size_t)keys * kw);
    for (float &x : qkv) x = nd(g);
    for (float &x : K) x = bf(nd(g));
    for (float &x : V) x = bf(nd(g));
    // 2. the pages: blocks of slot 1 in shuffled pool order
    const int nblk = (keys + emu::KV_BLOCK - 1) / emu::KV_BLOCK, max_blocks = nblk + 1, pool = 2 * max_blocks;
    std::vector<int32_t> table(2 * max_blocks, -1), perm(pool);
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), g);
    for (int b = 0; b < max_blocks; b++) table[max_blocks + b] = perm[b];
    std::vector<__nv_bfloat16> kc((size_t)pool * emu::KV_BLOCK * kw, __float2bfloat16(NAN)), vc = kc;
    emu::KvCache kv{kc.data(), vc.data(), NMC_BF16, max_blocks * emu::KV_BLOCK, table.data() + 0, max_blocks};
    for (int p = 0; p < keys; p++) {
        const int64_t row = emu::kv_row(kv, 1, p);
        for (int c = 0; c < kw; c++) {
            kc[row * kw + c] = __float2bfloat16(K[(size_t)p * kw + c]);
            vc[row * kw + c] = __float2bfloat16(V[(size_t)p * kw + c]);
        }
    }
    // 3. double reference: out_r = softmax_{j <= len0 + r}(q_r . k_j / sqrt(hd)) V
    std::vector<double> want((size_t)rows * qw), p(keys);
    double mx_ref = 0;
    for (int r = 0; r < rows; r++)
        for (int h = 0; h < qH; h++) {
            const int kvh = h / (qH / kvH), last = len0 + r;
            double m = -1e300, sum = 0;
            for (int j = 0; j <= last; j++) {
                double s = 0;
                for (int d = 0; d < hd; d++) s += (double)qkv[(size_t)r * ld + h * hd + d] * K[(size_t)j * kw + kvh * hd + d];
                p[j] = s / std::sqrt((double)hd);
                m = std::max(m, p[j]);
            }
            for (int j = 0; j <= last; j++) sum += (p[j] = std::exp(p[j] - m));
            for (int d = 0; d < hd; d++) {
                double o = 0;
                for (int j = 0; j <= last; j++) o += p[j] * V[(size_t)j * kw + kvh * hd + d];
                want[(size_t)r * qw + h * hd + d] = o / sum;
                mx_ref = std::max(mx_ref, std::fabs(o / sum));
            }
        }
    // 4. each kernel: flash grid (row tiles of 64, q heads) x 4 warps; mma grid (q heads, row tiles of 128) x 8 warps
    emu::Attn a{qH, kvH, hd, 1.0f / sqrtf((float)hd), qkv.data(), ld, nullptr, out_dtype};
    const int32_t lengths[2] = {0, len0};
    for (const char *kernel : {"flash", "mma"}) {
        std::vector<float> out32((size_t)rows * qw, NAN);
        std::vector<__nv_bfloat16> out16((size_t)rows * qw, __float2bfloat16(NAN));
        a.out = out_dtype == NMC_F32 ? (void *)out32.data() : (void *)out16.data();
        if (kernel[0] == 'f') {
            dim3m grid{(unsigned)((rows + 63) / 64), (unsigned)qH, 1};
            if (hd == 64) launch(grid, 128, [&] { emu::prefill_flash_kernel<64>(a, kv, rows, lengths, 1); });
            else launch(grid, 128, [&] { emu::prefill_flash_kernel<128>(a, kv, rows, lengths, 1); });
        } else {
            dim3m grid{(unsigned)qH, (unsigned)((rows + emu::fa2::BQ - 1) / emu::fa2::BQ), 1};
            if (hd == 64) launch(grid, emu::fa2::WARPS * 32, [&] { emu::prefill_mma_kernel<64>(a, kv, rows, lengths, 1); });
            else launch(grid, emu::fa2::WARPS * 32, [&] { emu::prefill_mma_kernel<128>(a, kv, rows, lengths, 1); });
        }
        double err = 0;
        for (size_t at = 0; at < want.size(); at++) {
            const double got = out_dtype == NMC_F32 ? out32[at] : __bfloat162float(out16[at]);
            const double e = std::fabs(got - want[at]);
            if (!(e <= err)) err = std::isnan(e) ? 1e9 : e;
        }
        err /= std::max(mx_ref, 1e-12);
        const bool ok = err <= 2e-2;
        printf("%s emulated %s prefill attention prefix %d rows %d heads %d:%d hd=%d out %s: err %.2e (tol 2e-2)\n",
               ok ? "PASS" : "FAIL", kernel, len0, rows, qH, kvH, hd, out_dtype == NMC_F32 ? "f32" : "bf16", err);
        fflush(stdout);
        failures += !ok;
    }
}

int main(int argc, char **argv) {
    if (argc == 7) {  // one case: len0 rows qH kvH hd out_dtype
        one(atoi(argv[1]), atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
        return failures ? 1 : 0;
    }
    struct Case { int len0, rows, qH, kvH, hd, dt; };
    for (Case c : {Case{0, 1, 5, 1, 64, NMC_F32}, Case{0, 100, 5, 1, 128, NMC_BF16}, Case{37, 65, 4, 4, 64, NMC_F32},
                   Case{64, 64, 5, 1, 128, NMC_F32}, Case{130, 1, 2, 1, 128, NMC_BF16}, Case{70, 129, 4, 1, 64, NMC_BF16},
                   Case{100, 300, 5, 1, 128, NMC_BF16}, Case{0, 257, 2, 1, 64, NMC_F32}, Case{200, 130, 2, 2, 128, NMC_F32}})
        one(c.len0, c.rows, c.qH, c.kvH, c.hd, c.dt);
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
