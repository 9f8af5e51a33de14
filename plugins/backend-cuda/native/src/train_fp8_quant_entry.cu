// nmc_k_fp8_quant_dual_check (test hook, test/train_selftest_fp8_quant.h): the one-read dual FP8
// operand quantiser (kernels/fp8_lt_dual.cu, NMC_FP8_QUANT=fused) against today's two passes
// (kernels/fp8_lt_quant.cu) on the device, bit for bit, and the time of each.
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/fp8_lt.h"

namespace {

struct Buffers {  // one side's codes and scales of both orientations (sentinel-filled)
    uint8_t *codes[2] = {nullptr, nullptr};
    float *scales[2] = {nullptr, nullptr};
};

struct Work {
    cudaStream_t stream = nullptr;
    cudaEvent_t ev[2] = {nullptr, nullptr};
    std::vector<void *> ptrs;
    ~Work() {
        if (stream) cudaStreamSynchronize(stream);
        for (void *p : ptrs) cudaFree(p);
        for (cudaEvent_t e : ev)
            if (e) cudaEventDestroy(e);
        if (stream) cudaStreamDestroy(stream);
    }
    int alloc(void **out, size_t bytes, int fill) {
        NMC_CUDA(cudaMalloc(out, std::max<size_t>(bytes, 4)));
        ptrs.push_back(*out);
        NMC_CUDA(cudaMemsetAsync(*out, fill, bytes, stream));
        return NMC_OK;
    }
};

}  // namespace

// x [rows, cols] (row stride ld, host) as a weight (block 1: 128 x 128 blocks, forward copy +
// transposed copy) or as dY (block 0: 1 x 128 row tiles + 128 x 1 transposed column tiles), each
// operand K-major with its scales (outer, k block) at outer + k block * outer count. Today's passes
// write one buffer set, quantize_dual another; *mismatches = the code bytes and scale slots that
// differ over the whole buffers (padding included). With iters > 0, ms[0] and ms[1]: the mean time
// of today's passes and of the one pass (each after a warm-up run).
extern "C" int nmc_k_fp8_quant_dual_check(int rows, int cols, int ld, int block, const float *x, int iters,
                                          int64_t *mismatches, float *ms) {
    using namespace nmc::k::fp8lt;
    if (x == nullptr || mismatches == nullptr || (iters > 0 && ms == nullptr))
        return nmc::fail("nmc_k_fp8_quant_dual_check: null argument");
    if (rows <= 0 || cols <= 0 || ld < cols || (int64_t)rows * ld > (1LL << 28) || iters < 0 || iters > 1000 ||
        (block != 0 && block != 1))
        return nmc::fail("nmc_k_fp8_quant_dual_check: bad shape");
    const int rp = (rows + 127) / 128 * 128, cp = (cols + 127) / 128 * 128;
    // operand 0: row-major [rows, cp]; operand 1: transposed [cols, rp]; scale counts of each
    const int64_t outer[2] = {block ? rp / 128 : rows, block ? cp / 128 : cols};
    const int64_t kblocks[2] = {cp / 128, rp / 128};
    const size_t code_bytes[2] = {(size_t)rows * cp, (size_t)cols * rp};
    Work w;
    NMC_CUDA(cudaStreamCreateWithFlags(&w.stream, cudaStreamNonBlocking));
    for (cudaEvent_t &e : w.ev) NMC_CUDA(cudaEventCreate(&e));
    float *dx = nullptr;
    NMC_TRY(w.alloc((void **)&dx, (size_t)rows * ld * sizeof(float), 0));
    NMC_CUDA(cudaMemcpyAsync(dx, x, (size_t)rows * ld * sizeof(float), cudaMemcpyHostToDevice, w.stream));
    Buffers side[2];
    for (Buffers &b : side)
        for (int o = 0; o < 2; o++) {
            NMC_TRY(w.alloc((void **)&b.codes[o], code_bytes[o], 0xAB));
            NMC_TRY(w.alloc((void **)&b.scales[o], (size_t)outer[o] * kblocks[o] * sizeof(float), 0xC0));
        }
    // scale of (outer o, k block kb) at o + kb * outer count: so = 1, sk = outer count
    auto today = [&](const Buffers &b) -> int {
        if (block) {
            NMC_TRY(quantize_tiles(dx, ld, rows, cols, 128, 128, false, rows, cp, b.codes[0], cp, b.scales[0], 1, outer[0],
                                   w.stream));
            return quantize_tiles(dx, ld, rows, cols, 128, 128, true, rp, cols, b.codes[1], rp, b.scales[1], outer[1], 1,
                                  w.stream);
        }
        NMC_TRY(quantize_tiles(dx, ld, rows, cols, 1, 128, false, rows, cp, b.codes[0], cp, b.scales[0], 1, outer[0],
                               w.stream));
        return quantize_cols_transposed(dx, ld, rows, cols, b.codes[1], rp, b.scales[1], outer[1], 1, w.stream);
    };
    auto fused = [&](const Buffers &b) -> int {
        return quantize_dual(dx, ld, rows, cols, block != 0, b.codes[0], cp, b.scales[0], 1, outer[0], b.codes[1], rp,
                             b.scales[1], outer[1], 1, w.stream);
    };
    NMC_TRY(today(side[0]));
    NMC_TRY(fused(side[1]));
    int64_t bad = 0;
    for (int o = 0; o < 2; o++) {
        std::vector<uint8_t> a(code_bytes[o]), b(code_bytes[o]);
        std::vector<float> sa(outer[o] * kblocks[o]), sb(sa.size());
        NMC_CUDA(cudaMemcpyAsync(a.data(), side[0].codes[o], a.size(), cudaMemcpyDeviceToHost, w.stream));
        NMC_CUDA(cudaMemcpyAsync(b.data(), side[1].codes[o], b.size(), cudaMemcpyDeviceToHost, w.stream));
        NMC_CUDA(cudaMemcpyAsync(sa.data(), side[0].scales[o], sa.size() * 4, cudaMemcpyDeviceToHost, w.stream));
        NMC_CUDA(cudaMemcpyAsync(sb.data(), side[1].scales[o], sb.size() * 4, cudaMemcpyDeviceToHost, w.stream));
        NMC_CUDA(cudaStreamSynchronize(w.stream));
        for (size_t i = 0; i < a.size(); i++) bad += a[i] != b[i];
        for (size_t i = 0; i < sa.size(); i++) bad += memcmp(&sa[i], &sb[i], 4) != 0;
    }
    *mismatches = bad;
    for (int path = 0; path < 2 && iters > 0; path++) {
        NMC_CUDA(cudaEventRecord(w.ev[0], w.stream));
        for (int i = 0; i < iters; i++) NMC_TRY(path == 0 ? today(side[0]) : fused(side[1]));
        NMC_CUDA(cudaEventRecord(w.ev[1], w.stream));
        NMC_CUDA(cudaEventSynchronize(w.ev[1]));
        float total = 0;
        NMC_CUDA(cudaEventElapsedTime(&total, w.ev[0], w.ev[1]));
        ms[path] = total / iters;
    }
    return NMC_OK;
}
