// The FP8 GEMV with x in registers (kernels/gemv_fp8_xreg.cu, NMC_GEMV_FP8=xreg) run on the host
// through test/cuda_host_emu.h against a double reference: y = x (Q * scale)^T + beta y0, x BF16
// [R, in], Q random non-NaN E4M3 codes with per-channel scales, 128x128 block scales, or 16-column
// blocks with a scale row per output (row_block 1: a fused matrix quantised in parts). The kernel
// text is cut out of the .cu between "// emu-begin" and "// emu-end" (with e4m3_exact.cuh's), launched
// with the plan the library uses (xreg_plan: warps a row KS, chunks a lane NC) on G persistent blocks.
// Shapes: the Nano-9B-v2 decode matrices at R 1 on G 132 (in_proj 4480 -> 22656, mlp.up 4480 ->
// 15680, out_proj 10240 -> 4480, mlp.down 15680 -> 4480: KS 1 and 4, NC 5 to 9, several rows a team), and
// ragged ones (in not a multiple of 512 or of 128, out not a multiple of the warps or teams, warps
// with no columns, G not dividing the rows) at R 1 and 2; beta 0 and 1. Error: max |got - ref| /
// max |ref|, bound 1e-5 (the products are exact in fp32; only fp32 summation order differs). Also
// the plans of the 9B shapes (as the kernel's header states them) and the E4M3 pair conversion for
// every pair of codes. Exit status 0 when all pass; `make emu` builds and runs it.
// `--quick`: the ragged shapes only. Deliberate bugs it caught (2026-12-07, --quick, 10 kernel
// cases): the hi/lo halves of x pairs swapped in the FMA (10 of 10 fail), the team's split-K sum
// reading its warps' shared slots of the other row parity (the 4 cases with KS > 1 fail), the next
// row's loads left out for odd rows (10 of 10 fail).
#include "cuda_host_emu.h"
#include "mma_host_emu.h"
#include "nemotron_cuda.h"  // NMC_F32, NMC_BF16 (device_math.cuh)

#include <cstdio>
#include <random>
#include <string>

#include "wreg_host_emu.h"

#include "gemv_host_emu.h"
// device_math.cuh itself (warp_sum over the emulated warp)
#define __shared__ static
#include "device_math_host.cuh"

namespace emu {
using nmc::k::warp_sum;
using nmc::k::store_from_float;
using nmc::k::silu;
// the dynamic shared memory of a block (x of the NORM kernels, not run here: test/decode_fuse_emu.cpp)
inline __nv_bfloat16 *dynamic_bf16() { return reinterpret_cast<__nv_bfloat16 *>(g_smem); }
#include "gemv_fp8_xreg_kernels.inc"
}  // namespace emu
#undef __shared__

static int failures = 0;

enum Fmt { CHANNEL, BLOCK128, BLOCK16_ROWS };

template <int R, int... N>
static void run_nc(const emu::XregArgs &p, int nc, int blocks, std::integer_sequence<int, N...>) {
    ((nc == N + 1 ? (launch(dim3m{(unsigned)blocks, 1, 1}, emu::XR_WARPS * 32, [&] { emu::gemv_fp8_xreg_kernel<R, N + 1, false>(p); }), true)
                  : false) ||
     ...);
}

static void one(int rows, int in, int out, Fmt fmt, float beta, int sms) {
    std::mt19937 g(rows * 1000 + in * 7 + out + fmt * 13);
    std::normal_distribution<float> nd;
    // 1. x (BF16), random non-NaN codes, scales
    std::vector<__nv_bfloat16> x((size_t)rows * in);
    std::vector<float> xf(x.size());
    for (size_t i = 0; i < x.size(); i++) xf[i] = __bfloat162float(x[i] = __float2bfloat16(nd(g)));
    std::vector<uint8_t> q((size_t)out * in);
    for (uint8_t &c : q) {
        do c = (uint8_t)(g() & 255); while ((c & 0x7f) == 0x7f);
    }
    int block = 0, scale_rows = 1, scale_cols = 0;
    if (fmt == BLOCK128) block = 128, scale_rows = 128;
    if (fmt == BLOCK16_ROWS) block = 16, scale_rows = 1;
    if (block) scale_cols = (in + block - 1) / block;
    std::vector<float> scale(fmt == CHANNEL ? out : (size_t)((out + scale_rows - 1) / scale_rows) * scale_cols);
    for (float &s : scale) s = 0.01f * (1.0f + (float)(g() % 100) / 50.0f);
    std::vector<float> y0((size_t)rows * out), y(y0.size());
    for (float &v : y0) v = nd(g);
    y = y0;
    // 2. the kernel, with the library's plan for `sms` blocks
    int ks = 0, nc = 0;
    if (!emu::xreg_plan(rows, in, out, sms, &ks, &nc)) {
        printf("FAIL xreg plan: no plan for rows %d in %d\n", rows, in);
        failures++;
        return;
    }
    const emu::XregArgs p{x.data(), q.data(), scale.data(), in, out, block, scale_rows, scale_cols, y.data(), beta, ks};
    const int teams = emu::XR_WARPS / ks, blocks = std::min(sms, (out + teams - 1) / teams);
    if (rows == 1) run_nc<1>(p, nc, blocks, std::make_integer_sequence<int, emu::xr_max_nc(1)>{});
    else run_nc<2>(p, nc, blocks, std::make_integer_sequence<int, emu::xr_max_nc(2)>{});
    // 3. double reference
    double mx = 0, err = 0;
    for (int r = 0; r < rows; r++)
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int k = 0; k < in; k++) {
                const double w = emu::e4m3(q[(size_t)o * in + k]);
                const double sc = fmt == CHANNEL ? 1.0 : scale[(size_t)(o / scale_rows) * scale_cols + k / block];
                s += (double)xf[(size_t)r * in + k] * w * sc;
            }
            if (fmt == CHANNEL) s *= scale[o];
            s += beta * (double)y0[(size_t)r * out + o];
            mx = std::max(mx, std::fabs(s));
            const double e = std::fabs(y[(size_t)r * out + o] - s);
            if (!(e <= err)) err = std::isnan(e) ? 1e9 : e;
        }
    err /= std::max(mx, 1e-12);
    const char *names[] = {"per-channel", "128x128 blocks", "16-col blocks, scale per row"};
    const bool ok = err <= 1e-5;
    printf("%s emulated gemv fp8 xreg rows %d in %d out %d %s beta %g: KS %d NC %d, %d blocks x %d teams, %d rows a team: err %.2e "
           "(tol 1e-5)\n",
           ok ? "PASS" : "FAIL", rows, in, out, names[fmt], beta, ks, nc, blocks, teams,
           (out + blocks * teams - 1) / (blocks * teams), err);
    fflush(stdout);
    failures += !ok;
}

// e4m3x2_exact_bf16x2 (e4m3_exact.cuh), both byte selections, against the codes' values for every
// pair of non-NaN codes: exact, subnormals and signed zeros included
static void conversion_check() {
    int bad = 0;
    for (uint32_t a = 0; a < 256; a++)
        for (uint32_t b = 0; b < 256; b++) {
            if ((a & 0x7f) == 0x7f || (b & 0x7f) == 0x7f) continue;
            const uint32_t q = a | b << 8 | (b ^ 0x80) << 16 | a << 24;
            const uint32_t lo = emu::e4m3x2_exact_bf16x2(q, 0x1404u), hi = emu::e4m3x2_exact_bf16x2(q, 0x3424u);
            auto same = [](float got, uint8_t code) { return got == emu::e4m3(code) && std::signbit(got) == ((code & 0x80) != 0); };
            bad += !same(emu::lo(lo), a) + !same(emu::hi(lo), b) + !same(emu::lo(hi), b ^ 0x80) + !same(emu::hi(hi), a);
        }
    printf("%s E4M3 pairs -> BF16 by bits (e4m3_exact.cuh), all 254 x 254 non-NaN code pairs exact: %d wrong\n", bad ? "FAIL" : "PASS",
           bad);
    failures += bad != 0;
}

int main(int argc, char **argv) {
    const bool quick = argc > 1 && std::string(argv[1]) == "--quick";  // ragged shapes only
    conversion_check();
    // the plans of the 9B matrices at R 1 on 132 SMs (gemv_fp8_xreg.cu's header; lm_head when FP8)
    struct Plan { const char *name; int in, out, ks, nc; };
    for (Plan c : {Plan{"in_proj", 4480, 22656, 1, 9}, Plan{"mlp.up", 4480, 15680, 1, 9}, Plan{"out_proj", 10240, 4480, 4, 5},
                   Plan{"mlp.down", 15680, 4480, 4, 8}, Plan{"lm_head (NMC_FP8_LM_HEAD=1)", 4480, 131072, 1, 9}}) {
        int ks = 0, nc = 0;
        const bool ok = emu::xreg_plan(1, c.in, c.out, 132, &ks, &nc) && ks == c.ks && nc == c.nc;
        printf("%s xreg plan %s %d -> %d: KS %d NC %d (want %d, %d)\n", ok ? "PASS" : "FAIL", c.name, c.in, c.out, ks, nc, c.ks, c.nc);
        failures += !ok;
    }
    {  // too wide: no plan (the library falls back to gemv_fp8)
        int ks = 0, nc = 0;
        const bool ok = !emu::xreg_plan(1, 36864 + 16, 100, 132, &ks, &nc) && !emu::xreg_plan(2, 20480 + 16, 100, 132, &ks, &nc) &&
                        emu::xreg_plan(1, 36864, 100, 132, &ks, &nc) && emu::xreg_plan(2, 20480, 100, 132, &ks, &nc);
        printf("%s xreg plan: in up to 36864 (1 row) / 20480 (2 rows), wider refused\n", ok ? "PASS" : "FAIL");
        failures += !ok;
    }
    struct Case { int rows, in, out; Fmt fmt; float beta; int sms; };
    // ragged: in 592 (37 chunks: KS 1, lanes 5.. of the 2nd pass idle), 208, 1040 (65 chunks, 2 rows:
    // NC 3 or KS 2), 6000 (375 chunks, 2 rows: KS 4, the last warp short), 20480 at 2 rows (KS 8);
    // out 37, 131, 1001, 100 on 3, 5, 7 blocks (uneven rounds, idle teams in the last one)
    for (Case c : {Case{1, 592, 37, CHANNEL, 0.0f, 3}, Case{1, 592, 131, BLOCK128, 1.0f, 5}, Case{2, 208, 131, CHANNEL, 1.0f, 3},
                   Case{2, 1040, 37, BLOCK128, 0.0f, 2}, Case{1, 1040, 1001, BLOCK16_ROWS, 1.0f, 7},
                   Case{2, 6000, 100, CHANNEL, 0.0f, 5}, Case{1, 6000, 77, BLOCK128, 1.0f, 3}, Case{2, 20480, 19, BLOCK16_ROWS, 1.0f, 2},
                   Case{1, 36864, 9, CHANNEL, 0.0f, 2}, Case{1, 16, 50, CHANNEL, 1.0f, 4}})
        one(c.rows, c.in, c.out, c.fmt, c.beta, c.sms);
    if (!quick)  // the 9B matrices at batch 1 (slow: tens of seconds each)
        for (Case c : {Case{1, 4480, 22656, CHANNEL, 0.0f, 132}, Case{1, 4480, 15680, BLOCK128, 0.0f, 132},
                       Case{1, 10240, 4480, CHANNEL, 1.0f, 132}, Case{1, 15680, 4480, BLOCK128, 1.0f, 132},
                       Case{1, 15680, 4480, CHANNEL, 0.0f, 132}, Case{2, 4480, 1000, CHANNEL, 1.0f, 132}})
            one(c.rows, c.in, c.out, c.fmt, c.beta, c.sms);
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
