// The skinny decode GEMM (kernels/skinny_gemm_kernels.cuh) run on the host through test/cuda_host_emu.h
// against a double reference: y = x W^T + beta y0 with x BF16 [R, in] and W BF16, or E4M3 codes
// times per-channel scales, 128x128 block scales, or 16-column blocks with a scale row per output
// (row_block 1, a fused matrix quantised in parts). Rows 9, 17, 33, 64 (and 1, 8); out not a
// multiple of the 128-output block; one split and split-K (partials in a workspace, summed in
// split order by the reduce kernel); beta 0 and 1. mma.sync m16n8k16 and cp.async are emulated from their PTX
// definitions (test/mma_host_emu.h: fragment layouts; copies land when cp.async.wait_group retires them; test/wreg_host_emu.h). Error: max
// |got - ref| / max |ref|, bound 1e-4 (the operands are exact BF16; only fp32 summation order
// differs). `make emu` builds and runs it; the kernel is cut out of the .cu between
// "// emu-begin" and "// emu-end". Exit status 0 when all pass. Every case runs with 16 and 32
// outputs per warp (NMC_SKINNY_WARP: WM 1, and WM 2 with the k groups' sums met in shared memory). Also the split-K rule of
// NMC_SKINNY_SPLIT=waves (skinny_split_waves, host code in the same region) on the 9B shapes.
// Every case runs again through the register-streamed kernel (NMC_SKINNY_KERNEL=wreg,
// skinny_wreg_kernel), plus wreg cases for every row count and layout over several x slices; its
// reference weights are what it multiplies: per-channel code x scale unrounded (the scale is applied
// to the fp32 sums), blocks BF16(code x BF16(scale)). ld.global.nc.v4 is emulated as a 16-byte copy
// (alignment checked), prmt.b32 and mul.rn.bf16x2 from their PTX definitions, and the bit conversion
// of E4M3 pairs is checked for every pair of codes. Deliberate bugs it caught (2026-12-07): x's k pairs
// swapped against W's (all 42 wreg cases fail), the barrier before an x slice is read left out (40),
// the wrong bytes of W for the first k pair (all 28 E4M3 wreg cases).
#include "cuda_host_emu.h"
#include "mma_host_emu.h"

#include <cstdio>
#include <random>
#include <string>

#include "wreg_host_emu.h"

namespace emu {
inline uint32_t e4m3x2_scaled_bf16x2(uint16_t two, float s) { return bf16x2_pack(e4m3(two & 255) * s, e4m3(two >> 8) * s); }
#include "skinny_gemm_kernels.inc"
}  // namespace emu

static int failures = 0;

enum Fmt { BF16, CHANNEL, BLOCK128, BLOCK16_ROWS };

static int g_wm = 1;      // outputs per warp / 16 (NMC_SKINNY_WARP)
static bool g_wreg = false;  // NMC_SKINNY_KERNEL=wreg (skinny_wreg_kernel)

template <typename W, int NT>
static void run_nt(const emu::SkinnyArgs &p, int splits) {
    if (g_wreg) {
        const int bo = emu::WR_WARPS * 16 * g_wm;
        dim3m grid{(unsigned)((p.out + bo - 1) / bo), (unsigned)splits, 1};
        if (g_wm == 2) launch(grid, emu::WR_WARPS * 32, [&] { emu::skinny_wreg_kernel<W, NT, 2>(p); });
        else launch(grid, emu::WR_WARPS * 32, [&] { emu::skinny_wreg_kernel<W, NT, 1>(p); });
        if (splits > 1) launch(dim3m{3, 1, 1}, 64, [&] { emu::skinny_reduce_kernel(p, splits); });
        return;
    }
    dim3m grid{(unsigned)((p.out + emu::BO - 1) / emu::BO), (unsigned)splits, 1};
    if (g_wm == 2) launch(grid, emu::WARPS * 32, [&] { emu::skinny_gemm_kernel<W, NT, 2>(p); });
    else launch(grid, emu::WARPS * 32, [&] { emu::skinny_gemm_kernel<W, NT, 1>(p); });
    if (splits > 1) launch(dim3m{3, 1, 1}, 64, [&] { emu::skinny_reduce_kernel(p, splits); });
}

template <typename W>
static void run(const emu::SkinnyArgs &p, int splits) {
    switch ((p.rows + 7) / 8) {
        case 1: return run_nt<W, 1>(p, splits);
        case 2: return run_nt<W, 2>(p, splits);
        case 3: return run_nt<W, 3>(p, splits);
        case 5: return run_nt<W, 5>(p, splits);
        default: return run_nt<W, 8>(p, splits);
    }
}

static void one(int rows, int in, int out, Fmt fmt, int splits, float beta) {
    std::mt19937 g(rows * 1000 + in + out + fmt * 7 + splits);
    std::normal_distribution<float> nd;
    // 1. x (BF16), W as BF16 or E4M3 codes + scales, and the BF16 weights the kernel must use
    std::vector<__nv_bfloat16> x((size_t)rows * in), wb((size_t)out * in);
    std::vector<uint8_t> wq((size_t)out * in);
    std::vector<float> xf(x.size()), wf(wb.size());
    for (size_t i = 0; i < x.size(); i++) xf[i] = __bfloat162float(x[i] = __float2bfloat16(nd(g)));
    int block = 0, scale_rows = 1, scale_cols = 0;
    if (fmt == BLOCK128) block = 128, scale_rows = 128;
    if (fmt == BLOCK16_ROWS) block = 16, scale_rows = 1;
    if (block) scale_cols = (in + block - 1) / block;
    std::vector<float> scale(fmt == CHANNEL ? out : block ? (size_t)((out + scale_rows - 1) / scale_rows) * scale_cols : 0);
    for (float &s : scale) s = 0.01f * (1.0f + (float)(g() % 100) / 50.0f);
    for (int o = 0; o < out; o++)
        for (int k = 0; k < in; k++) {
            const size_t i = (size_t)o * in + k;
            if (fmt == BF16) {
                wf[i] = __bfloat162float(wb[i] = __float2bfloat16(nd(g) * 0.05f));
            } else {
                uint8_t c;
                do c = (uint8_t)(g() & 255); while ((c & 0x7f) == 0x7f);  // no NaN codes
                wq[i] = c;
                const float s = fmt == CHANNEL ? scale[o] : scale[(size_t)(o / scale_rows) * scale_cols + k / block];
                // the weight each kernel multiplies: first kernel BF16(code x scale); wreg per-channel the
                // exact code (its fp32 sum times the scale: reference code x scale unrounded), wreg blocks
                // BF16(code x BF16(scale))
                if (!g_wreg) wf[i] = __bfloat162float(__float2bfloat16(emu::e4m3(c) * s));
                else if (fmt == CHANNEL) wf[i] = emu::e4m3(c) * s;
                else wf[i] = __bfloat162float(__float2bfloat16(emu::e4m3(c) * __bfloat162float(__float2bfloat16(s))));
            }
        }
    std::vector<float> y0((size_t)rows * out), y;
    for (float &v : y0) v = nd(g);
    y = y0;
    // 2. the kernel, with the launch's split-K set-up (skinny_gemm.cu launch)
    const int tiles_k = in / emu::BKT, per = (tiles_k + splits - 1) / splits;
    splits = (tiles_k + per - 1) / per;
    std::vector<float> ws((size_t)splits * rows * out, NAN);
    emu::SkinnyArgs p{x.data(), rows, in, out, fmt == BF16 ? (const void *)wb.data() : (const void *)wq.data(),
                      scale.data(), block, scale_rows, scale_cols, y.data(), beta, per * emu::BKT, ws.data()};
    if (fmt == BF16) run<emu::WBf16>(p, splits);
    else run<emu::WE4m3>(p, splits);
    // 3. double reference
    double mx = 0, err = 0;
    for (int r = 0; r < rows; r++)
        for (int o = 0; o < out; o++) {
            double s = beta * (double)y0[(size_t)r * out + o];
            for (int k = 0; k < in; k++) s += (double)xf[(size_t)r * in + k] * wf[(size_t)o * in + k];
            mx = std::max(mx, std::fabs(s));
            const double e = std::fabs(y[(size_t)r * out + o] - s);
            if (!(e <= err)) err = std::isnan(e) ? 1e9 : e;
        }
    err /= std::max(mx, 1e-12);
    const char *names[] = {"bf16", "e4m3 per-channel", "e4m3 128x128 blocks", "e4m3 16-col blocks, scale per row"};
    const bool ok = err <= 1e-4;
    printf("%s emulated skinny GEMM%s rows %d in %d out %d %s splits %d beta %g, %d outputs per warp: err %.2e (tol 1e-4)\n",
           ok ? "PASS" : "FAIL", g_wreg ? " (wreg: W to registers)" : "", rows, in, out, names[fmt], splits, beta, 16 * g_wm, err);
    fflush(stdout);
    failures += !ok;
}

// the wreg kernel's E4M3 -> BF16 by bits (e4m3x2_exact_bf16x2, both byte selections) against the
// codes' values, for every pair of non-NaN codes: exact, subnormals and signed zeros included
static void conversion_check() {
    int bad = 0;
    for (uint32_t a = 0; a < 256; a++)
        for (uint32_t b = 0; b < 256; b++) {
            if ((a & 0x7f) == 0x7f || (b & 0x7f) == 0x7f) continue;
            const uint32_t q = a | b << 8 | (b ^ 0x80) << 16 | a << 24;
            const uint32_t lo = emu::e4m3x2_exact_bf16x2(q, 0x1404u), hi = emu::e4m3x2_exact_bf16x2(q, 0x3424u);
            auto same = [](float got, uint8_t code) {
                const float want = emu::e4m3(code);
                return got == want && std::signbit(got) == ((code & 0x80) != 0);
            };
            bad += !same(emu::lo(lo), a) + !same(emu::hi(lo), b) + !same(emu::lo(hi), b ^ 0x80) + !same(emu::hi(hi), a);
        }
    printf("%s E4M3 pairs -> BF16 by bits (wreg), all 254 x 254 non-NaN code pairs exact: %d wrong\n", bad ? "FAIL" : "PASS", bad);
    failures += bad != 0;
}

int main() {
    conversion_check();
    struct Case { int rows, in, out; Fmt fmt; int splits; float beta; };
    for (bool wreg : {false, true})
        for (Case c : {Case{9, 256, 200, BF16, 1, 0.0f}, Case{17, 384, 130, BF16, 3, 1.0f}, Case{33, 256, 128, BF16, 2, 0.0f},
                       Case{64, 256, 136, BF16, 1, 1.0f}, Case{1, 128, 70, BF16, 1, 0.0f}, Case{8, 256, 128, CHANNEL, 2, 1.0f},
                       Case{9, 256, 200, CHANNEL, 1, 0.0f}, Case{33, 384, 256, BLOCK128, 3, 0.0f}, Case{64, 256, 130, BLOCK128, 1, 1.0f},
                       Case{17, 256, 144, BLOCK16_ROWS, 2, 1.0f}})
            for (int wm : {1, 2}) {
                g_wm = wm, g_wreg = wreg;
                one(c.rows, c.in, c.out, c.fmt, c.splits, c.beta);
            }
    // wreg only: every row count with each layout, several x slices (WR_KX = 256 columns: in 1,024 is 4
    // slices, both buffers reused; 320 ends on a part slice), chunk counts not a multiple of the ring
    // (ring of 3 chunks at WM 2, 2 at WM 1: 5 E4M3 chunks at 320, 1 chunk per split at 64 columns a split), out past 256
    for (Case c : {Case{1, 320, 70, CHANNEL, 1, 0.0f}, Case{64, 1024, 300, CHANNEL, 1, 1.0f}, Case{33, 1024, 136, CHANNEL, 3, 0.0f},
                   Case{17, 320, 200, CHANNEL, 5, 1.0f}, Case{8, 1024, 130, BLOCK128, 2, 1.0f}, Case{1, 256, 140, BLOCK128, 4, 0.0f},
                   Case{64, 1024, 260, BLOCK128, 1, 0.0f}, Case{9, 320, 100, BLOCK16_ROWS, 1, 1.0f},
                   Case{64, 512, 144, BLOCK16_ROWS, 2, 0.0f}, Case{33, 1024, 200, BF16, 1, 1.0f}, Case{8, 320, 129, BF16, 2, 0.0f}})
        for (int wm : {1, 2}) {
            g_wm = wm, g_wreg = true;
            one(c.rows, c.in, c.out, c.fmt, c.splits, c.beta);
        }
    g_wreg = false;
    // the split rule NMC_SKINNY_SPLIT=waves (skinny_split_waves) on the Nano-9B-v2 decode shapes at
    // 64 rows, 132 SMs x 2 resident blocks (BF16, NT 8): every shape in whole waves where the first
    // rule left a few blocks in a second one (out_proj 35 x 8 = 280 blocks on 264 slots); lm_head
    // (1,024 output tiles) without split-K; no workspace -> one split
    struct Rule { const char *name; int out, in, max_splits, want_splits; };
    for (Rule r : {Rule{"out_proj 10240->4480", 4480, 10240, 160, 7}, Rule{"mlp.up 4480->15680", 15680, 4480, 70, 2},
                   Rule{"mlp.down 15680->4480", 4480, 15680, 245, 7}, Rule{"lm_head 4480->131072", 131072, 4480, 70, 1},
                   Rule{"out_proj, no workspace", 4480, 10240, 1, 1}}) {
        const int tiles_o = (r.out + emu::BO - 1) / emu::BO, tiles_k = r.in / emu::BKT, slots = 264;
        int splits = 0;
        const int k_split = emu::skinny_split_waves(tiles_o, tiles_k, 64, r.out, 2, slots, r.max_splits, &splits);
        const long long blocks = (long long)tiles_o * splits;
        const bool whole = blocks <= slots || blocks % slots == 0 || blocks % slots > slots * 3 / 4;
        const bool ok = splits == r.want_splits && k_split % emu::BKT == 0 && (long long)k_split / emu::BKT * splits >= tiles_k &&
                        (long long)k_split / emu::BKT * (splits - 1) < tiles_k && whole;
        printf("%s split rule (waves) %s: %d splits of %d columns, %lld blocks on %d slots (want %d splits)\n", ok ? "PASS" : "FAIL",
               r.name, splits, k_split, blocks, slots, r.want_splits);
        failures += !ok;
    }
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
