// The tensor-core training attention kernels (kernels/train_flash_tc.cu) run on the host through
// test/cuda_host_emu.h, against the CPU double reference (train_reference.h): out, lse, dQ, dK, dV
// on small shapes (L = 1, L not a multiple of the 64-row tile, GQA 4:1, 5:1, 1:1, head_dim 64 and
// 128, the scalar-atomic path). For working on those kernels without a GPU; the device self-test
// (nmc_train_selftest, "train attention tc" lines) is the real check. `make emu` builds it (the
// kernels are cut out of the .cu between "using namespace nvcuda;" and "int check_tc"; the forward
// tiles are kernels/flash_tc_tile.cuh, shared with the inference prefill). Every case runs twice: the
// WMMA forward, and the register-resident one (flash_mma_fwd_kernel on kernels/flash_mma_tile.cuh,
// NMC_TRAIN_ATTENTION=mma: mma.sync, ldmatrix from test/mma_host_emu.h), each followed by the WMMA
// backward from its o and lse. Then the register-resident backward (kernels/train_flash_mma_bwd.cu,
// NMC_TRAIN_ATTENTION=mma-bwd; cut out between "// emu-begin" and "// emu-end") after the mma
// forward, with a block taking the whole KV group (hpb = rep: the deterministic dk, dv) and one
// query head (hpb = 1), against the same reference and against the WMMA backward of the same forward
// (mma-bwd lines: L not a multiple of the 128-key block or the 64-query tile, batch 2, GQA 4:1,
// 5:1, 1:1, hd 64, 128, the scalar-atomic path). `train_flash_tc_emu --mma-bwd` runs only those
// (test/emu/attn_bwd_mutants.sh: deliberate mutations of the kernel text must fail them).
// Error: max |got - ref| / max |ref| per tensor (dQ, dK floored at 1e-3 of max |dqkv|: 0 at L = 1);
// bound 2e-2 (BF16 operands), lse absolute. Exit status 0 when all pass.
#include "cuda_host_emu.h"
#include "mma_host_emu.h"

#include <cstdio>
#include <random>
#include <string>

#include "train_reference.h"

struct FlashAttn {  // as kernels/train_kernels.h
    int batch, seq_len, q_heads, kv_heads, head_dim;
    float scale;
    const float *qkv;
    int64_t ld;
};
namespace emu {
#include "../src/kernels/flash_tc_tile.cuh"
#include "../src/kernels/flash_mma_tile.cuh"
using namespace nmc::k;
#include "train_flash_tc_kernels.inc"
#include "train_flash_mma_bwd_kernels.inc"
}

static int failures = 0;

static double rel(const std::vector<float> &got, const std::vector<float> &want, double floor_scale) {
    double mx = std::max(floor_scale, 1e-12), e = 0;
    for (float v : want) mx = std::max(mx, (double)std::fabs(v));
    for (size_t i = 0; i < got.size(); i++) {
        double d = std::fabs((double)got[i] - want[i]) / mx;
        if (!(d <= e)) e = std::isnan(d) ? 1e9 : d;
    }
    return e;
}

static std::vector<float> part(const std::vector<float> &qkv, int R, int qH, int kvH, int hd, int which) {
    int ld = (qH + 2 * kvH) * hd, off = which == 0 ? 0 : which == 1 ? qH * hd : (qH + kvH) * hd;
    int w = which == 0 ? qH * hd : kvH * hd;
    std::vector<float> out((size_t)R * w);
    for (int r = 0; r < R; r++) std::copy_n(qkv.begin() + (size_t)r * ld + off, w, out.begin() + (size_t)r * w);
    return out;
}

static void one(int B, int L, int qH, int kvH, int hd, bool vec, bool mma) {
    int R = B * L, ld = (qH + 2 * kvH) * hd, qw = qH * hd;
    std::mt19937 g(L * 7 + hd);
    std::normal_distribution<float> nd;
    std::vector<float> qkv((size_t)R * ld), dout((size_t)R * qw);
    for (float &v : qkv) v = nd(g);
    for (float &v : dout) v = nd(g);
    tref::Attn want = tref::attention(B, L, qH, kvH, hd, qkv, dout);
    FlashAttn a{B, L, qH, kvH, hd, 1.0f / sqrtf((float)hd), qkv.data(), ld};
    std::vector<float> o((size_t)R * qw, NAN), lse((size_t)B * qH * L, NAN), delta((size_t)B * qH * L);
    std::vector<float> dqkv((size_t)R * ld, 0.0f);
    // forward: WMMA grid (L tiles, q heads, batch), 4 warps; mma grid (q heads, L tiles of 128, batch), 8 warps
    dim3m grid{(unsigned)((L + 63) / 64), (unsigned)qH, (unsigned)B};
    if (mma) {
        dim3m gm{(unsigned)qH, (unsigned)((L + emu::fa2::BQ - 1) / emu::fa2::BQ), (unsigned)B};
        if (hd == 64) launch(gm, emu::fa2::WARPS * 32, [&] { emu::flash_mma_fwd_kernel<64>(a, o.data(), lse.data()); });
        else launch(gm, emu::fa2::WARPS * 32, [&] { emu::flash_mma_fwd_kernel<128>(a, o.data(), lse.data()); });
    } else if (hd == 64) {
        launch(grid, 128, [&] { emu::flash_tc_fwd_kernel<64>(a, o.data(), lse.data()); });
    } else {
        launch(grid, 128, [&] { emu::flash_tc_fwd_kernel<128>(a, o.data(), lse.data()); });
    }
    // delta = bf16(dO) . o (flash_delta with bf16_dout)
    for (int r = 0; r < R; r++)
        for (int h = 0; h < qH; h++) {
            float s = 0;
            for (int d = 0; d < hd; d++)
                s = fmaf(o[(size_t)r * qw + h * hd + d], __bfloat162float(__float2bfloat16(dout[(size_t)r * qw + h * hd + d])), s);
            delta[((size_t)(r / L) * qH + h) * L + r % L] = s;
        }
    // backward: grid (L tiles, q heads, batch), 8 warps, dqkv zeroed
    if (hd == 64) launch(grid, 256, [&] { emu::flash_tc_bwd_kernel<64>(a, dout.data(), lse.data(), delta.data(), dqkv.data(), ld, vec); });
    else launch(grid, 256, [&] { emu::flash_tc_bwd_kernel<128>(a, dout.data(), lse.data(), delta.data(), dqkv.data(), ld, vec); });
    double whole = 0, lse_err = 0;
    for (float v : want.dqkv) whole = std::max(whole, (double)std::fabs(v));
    for (size_t i = 0; i < lse.size(); i++) lse_err = std::max(lse_err, std::isnan(lse[i]) ? 1e9 : (double)std::fabs(lse[i] - want.lse[i]));
    double e[5] = {rel(o, want.out, 0), lse_err};
    for (int w = 0; w < 3; w++) e[2 + w] = rel(part(dqkv, R, qH, kvH, hd, w), part(want.dqkv, R, qH, kvH, hd, w), 1e-3 * whole);
    bool ok = true;
    for (double x : e) ok &= x <= 2e-2;
    printf("%s emulated tc attention%s B=%d L=%d heads %d:%d hd=%d%s: out %.2e lse %.2e dQ %.2e dK %.2e dV %.2e (tol 2e-2)\n",
           ok ? "PASS" : "FAIL", mma ? " (mma forward)" : "", B, L, qH, kvH, hd, vec ? "" : " scalar atomics", e[0], e[1], e[2], e[3], e[4]);
    fflush(stdout);
    failures += !ok;
}

// The mma forward, then the WMMA backward and the register-resident one (hpb = rep and 1) from its o, lse.
static void mma_bwd_case(int B, int L, int qH, int kvH, int hd, bool vec) {
    int R = B * L, ld = (qH + 2 * kvH) * hd, qw = qH * hd, rep = qH / kvH;
    std::mt19937 g(L * 11 + hd + qH);
    std::normal_distribution<float> nd;
    std::vector<float> qkv((size_t)R * ld), dout((size_t)R * qw);
    for (float &v : qkv) v = nd(g);
    for (float &v : dout) v = nd(g);
    tref::Attn want = tref::attention(B, L, qH, kvH, hd, qkv, dout);
    FlashAttn a{B, L, qH, kvH, hd, 1.0f / sqrtf((float)hd), qkv.data(), ld};
    std::vector<float> o((size_t)R * qw, NAN), lse((size_t)B * qH * L, NAN), delta((size_t)B * qH * L);
    dim3m gm{(unsigned)qH, (unsigned)((L + emu::fa2::BQ - 1) / emu::fa2::BQ), (unsigned)B};
    if (hd == 64) launch(gm, emu::fa2::WARPS * 32, [&] { emu::flash_mma_fwd_kernel<64>(a, o.data(), lse.data()); });
    else launch(gm, emu::fa2::WARPS * 32, [&] { emu::flash_mma_fwd_kernel<128>(a, o.data(), lse.data()); });
    for (int r = 0; r < R; r++)  // delta = bf16(dO) . o (flash_delta with bf16_dout)
        for (int h = 0; h < qH; h++) {
            float s = 0;
            for (int d = 0; d < hd; d++)
                s = fmaf(o[(size_t)r * qw + h * hd + d], __bfloat162float(__float2bfloat16(dout[(size_t)r * qw + h * hd + d])), s);
            delta[((size_t)(r / L) * qH + h) * L + r % L] = s;
        }
    std::vector<float> tc((size_t)R * ld, 0.0f);
    dim3m gt{(unsigned)((L + 63) / 64), (unsigned)qH, (unsigned)B};
    if (hd == 64) launch(gt, 256, [&] { emu::flash_tc_bwd_kernel<64>(a, dout.data(), lse.data(), delta.data(), tc.data(), ld, true); });
    else launch(gt, 256, [&] { emu::flash_tc_bwd_kernel<128>(a, dout.data(), lse.data(), delta.data(), tc.data(), ld, true); });
    double whole = 0;
    for (float v : want.dqkv) whole = std::max(whole, (double)std::fabs(v));
    for (int n = 0; n < (rep > 1 ? 2 : 1); n++) {
        const int hpb = n == 0 ? rep : 1;
        std::vector<float> dqkv((size_t)R * ld, 0.0f);
        const int bkey = emu::fb::BKEY;
        dim3m grid{(unsigned)((L + bkey - 1) / bkey), (unsigned)(qH / hpb), (unsigned)B};
        if (hd == 64)
            launch(grid, emu::fb::WARPS * 32, [&] { emu::flash_mma_bwd_kernel<64>(a, dout.data(), lse.data(), delta.data(), dqkv.data(), ld, hpb, vec); });
        else
            launch(grid, emu::fb::WARPS * 32, [&] { emu::flash_mma_bwd_kernel<128>(a, dout.data(), lse.data(), delta.data(), dqkv.data(), ld, hpb, vec); });
        double e[6];
        for (int w = 0; w < 3; w++) {
            e[w] = rel(part(dqkv, R, qH, kvH, hd, w), part(want.dqkv, R, qH, kvH, hd, w), 1e-3 * whole);
            e[3 + w] = rel(part(dqkv, R, qH, kvH, hd, w), part(tc, R, qH, kvH, hd, w), 1e-3 * whole);
        }
        bool ok = true;
        for (double x : e) ok &= x <= 2e-2;
        printf("%s emulated mma-bwd attention B=%d L=%d heads %d:%d hd=%d heads/block %d%s: vs CPU dQ %.2e dK %.2e dV %.2e, "
               "vs tc backward dQ %.2e dK %.2e dV %.2e (tol 2e-2)\n",
               ok ? "PASS" : "FAIL", B, L, qH, kvH, hd, hpb, vec ? "" : " scalar atomics", e[0], e[1], e[2], e[3], e[4], e[5]);
        fflush(stdout);
        failures += !ok;
    }
}

static void mma_bwd_cases() {
    struct Case { int B, L, qH, kvH, hd; bool vec; };
    for (Case c : {Case{1, 1, 4, 1, 64, true}, Case{2, 77, 4, 1, 64, true}, Case{1, 200, 5, 1, 128, true},
                   Case{1, 130, 2, 2, 128, true}, Case{1, 100, 2, 1, 64, false}, Case{1, 64, 5, 1, 64, true}})
        mma_bwd_case(c.B, c.L, c.qH, c.kvH, c.hd, c.vec);
}

int main(int argc, char **argv) {
    if (argc == 2 && (std::string(argv[1]) == "--mma-bwd" || std::string(argv[1]) == "--mma-bwd-quick")) {
        if (std::string(argv[1]) == "--mma-bwd") mma_bwd_cases();
        else mma_bwd_case(2, 77, 4, 1, 64, true);  // one case for test/emu/attn_bwd_mutants.sh
        printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
        return failures ? 1 : 0;
    }
    if (argc == 7) {  // one shape: B L qH kvH hd vec
        for (bool mma : {false, true}) one(atoi(argv[1]), atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]) != 0, mma);
        return failures ? 1 : 0;
    }
    struct Case { int B, L, qH, kvH, hd; bool vec; };
    for (Case c : {Case{1, 1, 4, 1, 64, true}, Case{1, 1, 5, 1, 128, true}, Case{2, 37, 4, 1, 64, true},
                   Case{1, 70, 5, 1, 128, true}, Case{1, 64, 2, 1, 128, true}, Case{1, 65, 2, 1, 64, false},
                   Case{3, 100, 5, 1, 64, true}, Case{1, 257, 4, 4, 64, true}, Case{2, 129, 4, 1, 128, true}})
        for (bool mma : {false, true}) one(c.B, c.L, c.qH, c.kvH, c.hd, c.vec, mma);
    mma_bwd_cases();
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
