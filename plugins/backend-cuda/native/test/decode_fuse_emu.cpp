// The decode fusions of NMC_DECODE_FUSE=1 run on the host through test/cuda_host_emu.h (the kernel
// text cut out of the .cu between "// emu-begin" and "// emu-end"; `make emu` builds and runs it):
// 1. norm + GEMV: the GEMVs with the RMSNorm inside (NORM: gemv.cu gemv_kernel, fp8.cu gemv_fp8_kernel,
//    both on gemv_fusion.cuh) on G persistent blocks (fewer than the features need: the grid-stride loop) against the unfused path (norm.cu rms_norm_kernel to a BF16 xn, then the
//    same GEMV without NORM on its full grid): y must be EQUAL bit for bit. Also the unfused xn
//    against a double RMSNorm (each element within half a BF16 ulp of the double value plus 1e-6
//    relative), and y against a double GEMV of that xn (1e-5 of max |ref|).
//    Shapes: Nano-9B-v2's hidden 4480 (rms_norm's block 1024: 4 virtual threads a real one), 1040
//    (block 256 = the GEMV's), 208 (block 64: warps idle), 16 rows at 1 and 2 rows; per-channel and
//    128x128 block scales, beta 0 and 1; out not a multiple of the warps or the blocks.
// 2. gated norm rows (norm.cu gated_norm_rows, 1-2 rows, one block per (row, group)) against a double
//    reference (F32 out: 1e-5 of max |ref|; BF16 out: half a BF16 ulp plus 1e-5) and against today's
//    decode kernel (gated_norm_warp, F32: 1e-5). Shapes: Nano-9B-v2's inner 8960 in 8 groups with z
//    inside the wider proj row, groups of 20 (one partial warp), 1284 (321 float4: partial warp),
//    4100 (1025 float4: two a thread on 1024 threads).
// 1b. relu2 epilogue (mlp.up): the same GEMVs with the norm and relu(y + bias)^2 in their store (gemv_fusion.cuh
//    relu2_store) against the unfused GEMV then elementwise.cu's bias_kernel and relu2_kernel to BF16:
//    EQUAL bit for bit (and y untouched); the unfused output within half a BF16 ulp + 2 |y| 2e-5 max |y|
//    of relu(double y + bias)^2. With and without a bias, 1 and 2 rows, per-channel and block scales.
// 3. gated norm + GEMV (out_proj): the GEMVs with x the gated group norm of (y, z) (gemv_fusion.cuh
//    gated_rows_bf16) against norm.cu's gated_norm_warp (today's decode kernel) to a BF16 xn then the
//    GEMV: EQUAL bit for bit; xn within half a BF16 ulp of the double gated norm, y as in 1. Shapes: 9B's
//    8960 in 8 groups (z inside a wider row), groups of 20 (lanes idle), 1536 (GV's 12 float4 a lane),
//    2 rows x 8 groups on 8 warps (two rounds of pairs).
// 4. norm + GEMV + conv step (in_proj): the GEMVs with the norm and a ConvStep (gemv_fusion.cuh conv_store /
//    conv_step_one) against the unfused GEMV then conv1d.cu's conv_step_kernel on y's conv channels: y,
//    the conv outputs and the slots' windows EQUAL bit for bit; the conv outputs within 1e-5 of a double
//    conv + SiLU of the unfused y, the unfused windows equal to the old ones shifted with y's input last. Kernel 4 (Mamba-2's), 2 and 1, with and without a conv bias, rows in
//    slots 2 and 0 of 3.
// Exit status 0 when all pass (`--quick`: the widths up to 2568 only). Deliberate bugs must fail it: sh
// test/emu/decode_fuse_mutants.sh (2026-12-07, session 12: 45 of 45 pass in full; all 20 mutants fail
// --quick and the unmutated text passes; the window-shift mutant after the windows' double check was
// added, which it had slipped past, conv_step_one being shared by both paths). Session 13 removed the
// x-in-registers FP8 GEMV and its 15 cases; two of their shapes stay on gemv_fp8 (gated x of 2 rows in 8
// groups of 20: two rounds of (row, group) pairs in --quick; the conv step of kernel 1): 32 of 32 pass,
// all 20 mutants fail (its two moved to gemv_fp8).
#include "cuda_host_emu.h"
#include "mma_host_emu.h"
#include "nemotron_cuda.h"  // NMC_F32, NMC_BF16

#include <cstdio>
#include <random>
#include <string>

#include "wreg_host_emu.h"

#include "gemv_host_emu.h"
#define __shared__ static
#include "device_math_host.cuh"

namespace emu {
using nmc::k::block_sum;
using nmc::k::silu;
using nmc::k::store_from_float;
using nmc::k::warp_sum;
#include "decode_fuse_structs.inc"
// the dynamic shared memory of a block (cuda_host_emu.h fills it with NaN at each launch)
inline __nv_bfloat16 *dynamic_bf16() { return reinterpret_cast<__nv_bfloat16 *>(g_smem); }
#include "decode_fuse_gemv_fusion.inc"
inline int scale_rows(const Fp8Weight &f) { return f.row_block > 0 ? f.row_block : f.block; }
// __nv_cvt_fp8x2_to_halfraw2 then to float: the low byte first (exact: E4M3 values are FP16 values)
inline float2 e4m3x2_to_float2(uint16_t two) { return {e4m3((uint8_t)(two & 255)), e4m3((uint8_t)(two >> 8))}; }
namespace norm {
#include "decode_fuse_norm.inc"
}
namespace bf16 {
#include "decode_fuse_gemv.inc"
}
namespace f8 {
#include "decode_fuse_fp8.inc"
}
namespace ew {
#include "decode_fuse_elementwise.inc"
}
namespace cv {
#include "decode_fuse_conv.inc"
}
}  // namespace emu
#undef __shared__

static int failures = 0;

static void report(bool ok, const std::string &what) {
    printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
    fflush(stdout);
    failures += !ok;
}


enum Kind { BF16, FP8 };

// 1. norm + GEMV of `rows` rows, `dim` -> `out`, on `blocks` persistent blocks when fused; relu2 (beta 0):
// with the relu2 epilogue (mlp.up, `bias` or none) against elementwise.cu's bias_kernel + relu2_kernel;
// groups > 0 (3.): x the gated norm of (y, z) in `groups` groups (out_proj) instead of the RMSNorm of h,
// unfused by gated_norm_warp (today's decode kernel) to a BF16 xn
// conv_k > 0 (4.): with in_proj's conv1d step in the store (outputs [out / 3, out / 3 + out / 2) the conv
// channels, kernel conv_k, a conv bias where `bias`; rows in slots 2, 0 of 3) against conv1d.cu's
// conv_step_kernel after the unfused GEMV: y, the conv outputs and the windows EQUAL bit for bit, the
// conv outputs within 1e-5 of max |ref| of a double conv of the unfused y
static void norm_gemv(Kind kind, int rows, int dim, int out, int block, float beta, int blocks, bool relu2 = false, bool bias = false,
                      int groups = 0, int conv_k = 0) {
    std::mt19937 g(rows * 7919 + dim * 31 + out + kind * 5 + block);
    std::normal_distribution<float> nd;
    std::vector<float> h((size_t)rows * dim), nw(dim), y0((size_t)rows * out);
    for (size_t i = 0; i < h.size(); i++) h[i] = 3.0f * nd(g) + (i % 7 == 0 ? 20.0f : 0.0f);  // a few large channels
    for (float &v : nw) v = 1.0f + 0.3f * nd(g);
    for (float &v : y0) v = nd(g);
    std::vector<float> bv(bias ? out : 0);
    for (float &v : bv) v = 0.5f * nd(g);
    const float eps = 1e-5f;
    // weights: BF16 [out, dim] or E4M3 codes with scales
    std::vector<__nv_bfloat16> wb;
    std::vector<uint8_t> q;
    std::vector<float> scale;
    int scale_cols = 0;
    if (kind == BF16) {
        wb.resize((size_t)out * dim);
        for (auto &v : wb) v = __float2bfloat16(0.05f * nd(g));
    } else {
        q.resize((size_t)out * dim);
        for (uint8_t &c : q) {
            do c = (uint8_t)(g() & 255); while ((c & 0x7f) == 0x7f);
        }
        scale_cols = block ? (dim + block - 1) / block : 0;
        scale.resize(block ? (size_t)((out + block - 1) / block) * scale_cols : (size_t)out);
        for (float &s : scale) s = 0.01f * (1.0f + (float)(g() % 100) / 50.0f);
    }
    emu::Fp8Weight f;
    f.q = q.data(), f.scale = scale.data(), f.out = out, f.in = dim, f.block = block;
    const emu::RowNorm rn{h.data(), nw.data(), eps, dim, emu::norm::threads_for(dim / 4 > 0 ? dim / 4 : 1)};
    // the gated norm's y [rows, dim] and z (inside a wider row, as in proj), h as y, nw as its weight
    const int gs = groups > 0 ? dim / groups : 0, z_stride = dim + 64;
    std::vector<float> zv(groups > 0 ? (size_t)rows * z_stride : 0);
    for (float &v : zv) v = 2.0f * nd(g);
    const emu::GatedNorm gn{groups > 0 ? h.data() : nullptr, zv.data(), nw.data(), dim, z_stride, eps, dim, groups};
    // unfused: rms_norm_kernel (gated_norm_warp) -> xn (BF16), then the GEMV without NORM on its full grid
    std::vector<__nv_bfloat16> xn((size_t)rows * dim);
    if (groups == 0)
        launch(dim3m{(unsigned)rows, 1, 1}, rn.vthreads, [&] { emu::norm::rms_norm_kernel(h.data(), dim, nw.data(), eps, xn.data(), NMC_BF16); });
    else
        launch(dim3m{(unsigned)((rows * groups + 7) / 8), 1, 1}, 256, [&] {
            emu::norm::gated_norm_warp(h.data(), dim, zv.data(), z_stride, dim, groups, gs, (int64_t)rows * groups, nw.data(), eps, xn.data(),
                                       NMC_BF16);
        });
    const emu::RowNorm rn_in = groups > 0 ? emu::RowNorm{} : rn;
    const emu::GatedNorm none_g{};
    // the conv step: weights, bias, windows of 3 slots (one copy each path), outputs (NaN first)
    const int first = out / 3, channels = conv_k ? out / 2 : 0, km1 = conv_k > 0 ? conv_k - 1 : 0;
    std::vector<float> cw((size_t)channels * conv_k), cb(bias && conv_k ? channels : 0), win_old((size_t)3 * channels * km1 + 1);  // + 1: never empty
    for (float &v : cw) v = 0.5f * nd(g);
    for (float &v : cb) v = 0.5f * nd(g);
    for (float &v : win_old) v = nd(g);
    const std::vector<float> win0 = win_old;
    std::vector<float> win_new = win_old, xbc_old((size_t)rows * channels, NAN), xbc_new = xbc_old;
    const int32_t slots[2] = {2, 0};
    emu::Conv conv{nullptr, out, xbc_new.data(), channels, channels, conv_k, cw.data(), cb.empty() ? nullptr : cb.data(), true};
    const emu::ConvStep cs{conv, conv_k ? win_new.data() : nullptr, slots, first}, none_c{};
    std::vector<float> y_old = y0, y_new = y0;
    // relu2: the epilogue's outputs (NaN first: every one must be written)
    std::vector<__nv_bfloat16> act_old((size_t)rows * out, __nv_bfloat16{0x7fc0}), act_new = act_old;
    const emu::Relu2Out act{relu2 ? act_new.data() : nullptr, NMC_BF16, bias ? bv.data() : nullptr};
    const std::vector<__nv_bfloat16> nan_x(xn.size(), __nv_bfloat16{0x7fc0});
    const int warps_blocks = (out + 7) / 8;
    auto run = [&](bool fused, std::vector<float> &y) {
        const __nv_bfloat16 *x = fused ? nan_x.data() : xn.data();  // fused: x must not be read
        const int grid = fused ? blocks : warps_blocks;
        const emu::Relu2Out none{};
        if (kind == BF16) {
            launch(dim3m{(unsigned)grid, 1, 1}, 256, [&] {
                if (fused) emu::bf16::gemv_kernel<1, true>(x, wb.data(), y.data(), dim, out, beta, rn_in, act, gn, cs);
                else emu::bf16::gemv_kernel<1, false>(x, wb.data(), y.data(), dim, out, beta, emu::RowNorm{}, none, none_g, none_c);
            });
        } else {
            launch(dim3m{(unsigned)grid, 1, 1}, 256, [&] {
                if (rows == 1) fused ? emu::f8::gemv_fp8_kernel<1, true>(x, f, y.data(), beta, rn_in, act, gn, cs) : emu::f8::gemv_fp8_kernel<1, false>(x, f, y.data(), beta, emu::RowNorm{}, none, none_g, none_c);
                else fused ? emu::f8::gemv_fp8_kernel<2, true>(x, f, y.data(), beta, rn_in, act, gn, cs) : emu::f8::gemv_fp8_kernel<2, false>(x, f, y.data(), beta, emu::RowNorm{}, none, none_g, none_c);
            });
        }
    };
    run(false, y_old);
    run(true, y_new);
    int conv_differ = 0;
    double conv_err = 0, conv_mx = 0;
    if (conv_k) {  // the unfused conv step on y_old's conv channels; then the checks
        emu::Conv c2 = conv;
        c2.in = y_old.data() + first, c2.out = xbc_old.data();
        launch(dim3m{(unsigned)((channels + 127) / 128), (unsigned)rows, 1}, 128,
               [&] { emu::cv::conv_step_kernel(c2, win_old.data(), slots); });
        for (size_t i = 0; i < xbc_old.size(); i++) conv_differ += memcmp(&xbc_old[i], &xbc_new[i], 4) != 0;
        for (size_t i = 0; i < win_old.size(); i++) conv_differ += memcmp(&win_old[i], &win_new[i], 4) != 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < channels; c++) {
                const float *w0 = win0.data() + ((size_t)slots[r] * channels + c) * km1;
                double acc = cb.empty() ? 0.0 : cb[c];
                for (int k = 0; k < km1; k++) acc += (double)cw[(size_t)c * conv_k + k] * w0[k];
                acc += (double)cw[(size_t)c * conv_k + km1] * y_old[(size_t)r * out + first + c];
                const double want = acc / (1.0 + std::exp(-acc));
                conv_mx = std::max(conv_mx, std::fabs(want));
                const double e = std::fabs(xbc_old[(size_t)r * channels + c] - want);
                if (!(e <= conv_err)) conv_err = std::isnan(e) ? 1e9 : e;
            }
        conv_err /= std::max(conv_mx, 1e-12);
        std::vector<float> win_want = win0;  // the windows: a row's slot shifted by one, its input last
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < channels && km1 > 0; c++) {
                float *w1 = win_want.data() + ((size_t)slots[r] * channels + c) * km1;
                for (int k = 0; k + 1 < km1; k++) w1[k] = w1[k + 1];
                w1[km1 - 1] = y_old[(size_t)r * out + first + c];
            }
        for (size_t i = 0; i < win_want.size(); i++) conv_differ += memcmp(&win_want[i], &win_old[i], 4) != 0;
    }
    if (relu2) {  // the unfused epilogue: add_bias, then relu2 into BF16 (mlp() today)
        const dim3m grid{(unsigned)((out + 255) / 256), (unsigned)rows, 1};
        if (bias) launch(grid, 256, [&] { emu::ew::bias_kernel(y_old.data(), out, bv.data(), rows, out); });
        launch(grid, 256, [&] { emu::ew::relu2_kernel(y_old.data(), out, out, act_old.data(), NMC_BF16); });
    }
    // checks: xn against the double norm, y_old against the double GEMV of xn, y_new == y_old bit for bit
    int xn_bad = 0;
    for (int r = 0; r < rows && groups > 0; r++)  // the gated norm in double
        for (int gi = 0; gi < groups; gi++) {
            std::vector<double> t(gs);
            double ss = 0;
            for (int c = 0; c < gs; c++) {
                const double zz = zv[(size_t)r * z_stride + gi * gs + c];
                t[c] = h[(size_t)r * dim + gi * gs + c] * (zz / (1.0 + std::exp(-zz)));
                ss += t[c] * t[c];
            }
            const double inv = 1.0 / std::sqrt(ss / gs + eps);
            for (int c = 0; c < gs; c++) {
                const double want = nw[gi * gs + c] * t[c] * inv, got = __bfloat162float(xn[(size_t)r * dim + gi * gs + c]);
                xn_bad += !(std::fabs(got - want) <= std::fabs(want) * (1.0 / 256 + 1e-5) + 1e-30);
            }
        }
    for (int r = 0; r < rows && groups == 0; r++) {
        double ss = 0;
        for (int c = 0; c < dim; c++) ss += (double)h[(size_t)r * dim + c] * h[(size_t)r * dim + c];
        const double inv = 1.0 / std::sqrt(ss / dim + eps);
        for (int c = 0; c < dim; c++) {
            const double want = nw[c] * (h[(size_t)r * dim + c] * inv), got = __bfloat162float(xn[(size_t)r * dim + c]);
            xn_bad += !(std::fabs(got - want) <= std::fabs(want) * (1.0 / 256 + 1e-6) + 1e-30);
        }
    }
    double mx = 0, err = 0;
    std::vector<double> ref((size_t)rows * out);
    for (int r = 0; r < rows; r++)
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int c = 0; c < dim; c++) {
                const double x = __bfloat162float(xn[(size_t)r * dim + c]);
                if (kind == BF16) s += x * __bfloat162float(wb[(size_t)o * dim + c]);
                else s += x * emu::e4m3(q[(size_t)o * dim + c]) * (block ? scale[(size_t)(o / block) * scale_cols + c / block] : 1.0);
            }
            if (kind != BF16 && !block) s *= scale[o];
            s += beta * (double)y0[(size_t)r * out + o];
            if (bias && relu2) s += bv[o];  // (relu2: bias_kernel ran on y_old; conv: `bias` is the conv's)
            ref[(size_t)r * out + o] = s;
            mx = std::max(mx, std::fabs(s));
            const double e = std::fabs(y_old[(size_t)r * out + o] - s);
            if (!(e <= err)) err = std::isnan(e) ? 1e9 : e;
        }
    err /= std::max(mx, 1e-12);
    int differ = 0, act_bad = 0;
    if (!relu2) {
        for (size_t i = 0; i < y_old.size(); i++) differ += memcmp(&y_old[i], &y_new[i], 4) != 0;
    } else {  // fused: act equal to the unfused act bit for bit, y untouched; the unfused act near the double
        for (size_t i = 0; i < act_old.size(); i++) {
            differ += act_old[i].bits != act_new[i].bits || memcmp(&y_new[i], &y0[i], 4) != 0;
            const double p = std::max(ref[i], 0.0), want = p * p, got = __bfloat162float(act_old[i]);
            act_bad += !(std::fabs(got - want) <= want / 256 + 2 * p * 2e-5 * mx + 1e-30);
        }
    }
    const char *names[] = {"gemv_bf16", "gemv_fp8"};
    char what[500], act_note[200] = "";
    if (relu2) snprintf(act_note, sizeof act_note, ", unfused relu2 off the double (half a BF16 ulp + 2 |y| 2e-5 max|y|) %d", act_bad);
    if (conv_k)
        snprintf(act_note, sizeof act_note, ", conv k %d%s on %d channels: unfused err %.2e (tol 1e-5), conv out + windows fused != unfused, windows != shifted %d",
                 conv_k, bias ? " +bias" : "", channels, conv_err, conv_differ);
    char norm_note[60];
    if (groups > 0) snprintf(norm_note, sizeof norm_note, "%d groups of %d", groups, gs);
    else snprintf(norm_note, sizeof norm_note, "rms block %d", rn.vthreads);
    snprintf(what, sizeof what, "%s+%s%s rows %d dim %d (%s) out %d %s beta %g, fused on %d blocks: xn off the double norm %d, "
             "unfused y err %.2e (tol 1e-5)%s, fused != unfused in %d of %zu outputs (must be 0)", groups > 0 ? "gated" : "norm",
             names[kind], relu2 ? bias ? "+bias+relu2" : "+relu2" : conv_k ? "+conv" : "", rows, dim, norm_note, out,
             kind == BF16 ? "" : block ? "128x128 blocks" : "per-channel", beta, blocks, xn_bad, err, act_note, differ, y_old.size());
    report(xn_bad == 0 && err <= 1e-5 && differ == 0 && act_bad == 0 && conv_err <= 1e-5 && conv_differ == 0, what);
}

// 2. gated norm of `rows` rows: gated_norm_rows against a double reference and gated_norm_warp
static void gated(int rows, int dim, int groups, int z_stride, int out_dtype) {
    std::mt19937 g(rows * 131 + dim + groups * 17 + out_dtype);
    std::normal_distribution<float> nd;
    const int gs = dim / groups, vecs = gs / 4;
    std::vector<float> y((size_t)rows * dim), z((size_t)rows * z_stride), w(dim);
    for (float &v : y) v = 2.0f * nd(g);
    for (float &v : z) v = 2.0f * nd(g);
    for (float &v : w) v = 1.0f + 0.2f * nd(g);
    const float eps = 1e-5f;
    std::vector<float> o32((size_t)rows * dim), warp32((size_t)rows * dim);
    std::vector<__nv_bfloat16> o16((size_t)rows * dim);
    void *out = out_dtype == NMC_F32 ? (void *)o32.data() : (void *)o16.data();
    const int threads = emu::norm::gated_rows_threads(vecs);
    launch(dim3m{(unsigned)groups, (unsigned)rows, 1}, threads,
           [&] { emu::norm::gated_norm_rows(y.data(), dim, z.data(), z_stride, dim, gs, w.data(), eps, out, out_dtype); });
    const bool warp_ok = gs <= 128 * emu::GV && out_dtype == NMC_F32;
    if (warp_ok) {
        const int64_t pairs = (int64_t)rows * groups;
        launch(dim3m{(unsigned)((pairs + 7) / 8), 1, 1}, 256, [&] {
            emu::norm::gated_norm_warp(y.data(), dim, z.data(), z_stride, dim, groups, gs, pairs, w.data(), eps, warp32.data(), NMC_F32);
        });
    }
    double mx = 0, err = 0, werr = 0;
    int bad16 = 0;
    for (int r = 0; r < rows; r++)
        for (int gi = 0; gi < groups; gi++) {
            std::vector<double> t(gs);
            double ss = 0;
            for (int c = 0; c < gs; c++) {
                const double zz = z[(size_t)r * z_stride + gi * gs + c];
                t[c] = y[(size_t)r * dim + gi * gs + c] * (zz / (1.0 + std::exp(-zz)));
                ss += t[c] * t[c];
            }
            const double inv = 1.0 / std::sqrt(ss / gs + eps);
            for (int c = 0; c < gs; c++) {
                const size_t at = (size_t)r * dim + gi * gs + c;
                const double want = w[gi * gs + c] * t[c] * inv;
                mx = std::max(mx, std::fabs(want));
                if (out_dtype == NMC_F32) {
                    err = std::max(err, std::isnan(o32[at]) ? 1e9 : std::fabs(o32[at] - want));
                    if (warp_ok) werr = std::max(werr, std::fabs((double)o32[at] - warp32[at]));
                } else {
                    const double got = __bfloat162float(o16[at]);
                    bad16 += !(std::fabs(got - want) <= std::fabs(want) * (1.0 / 256 + 1e-5) + 1e-30);
                }
            }
        }
    char what[300], vs_warp[40] = "n/a (group too wide for it)";
    if (warp_ok) snprintf(vs_warp, sizeof vs_warp, "%.2e", werr / mx);
    if (out_dtype == NMC_F32)
        snprintf(what, sizeof what, "gated_norm_rows rows %d dim %d groups %d (group %d, %d threads) z stride %d F32: err %.2e, against "
                 "gated_norm_warp %s (tol 1e-5 of max |ref|)", rows, dim, groups, gs, threads, z_stride, err / mx,
                 vs_warp);
    else
        snprintf(what, sizeof what, "gated_norm_rows rows %d dim %d groups %d (group %d, %d threads) BF16: %d outputs off the double by more than "
                 "half an ulp", rows, dim, groups, gs, threads, bad16);
    report(out_dtype == NMC_F32 ? err / mx <= 1e-5 && werr / mx <= 1e-5 : bad16 == 0, what);
}

int main(int argc, char **argv) {
    const bool quick = argc > 1 && std::string(argv[1]) == "--quick";  // widths below 4480 only (the mutants)
    // 1. norm + GEMV (G blocks below the features' count so the fused loop runs several rounds)
    struct Case { Kind kind; int rows, dim, out, block; float beta; int blocks; };
    for (Case c : {Case{BF16, 1, 4480, 37, 0, 0.0f, 3}, Case{BF16, 1, 1040, 77, 0, 1.0f, 4}, Case{BF16, 1, 208, 19, 0, 0.0f, 2},
                   Case{BF16, 1, 16, 9, 0, 1.0f, 1},
                   Case{FP8, 1, 4480, 37, 0, 0.0f, 3}, Case{FP8, 2, 4480, 21, 128, 1.0f, 2}, Case{FP8, 2, 1040, 77, 0, 1.0f, 4},
                   Case{FP8, 1, 208, 19, 128, 0.0f, 2}, Case{FP8, 2, 16, 9, 0, 1.0f, 1}})
        if (!quick || c.dim < 4480) norm_gemv(c.kind, c.rows, c.dim, c.out, c.block, c.beta, c.blocks);
    // 1b. the same with mlp.up's relu2 epilogue (beta 0), with and without a bias
    for (Case c : {Case{BF16, 1, 4480, 37, 0, 0.0f, 3}, Case{BF16, 1, 1040, 77, 0, 0.0f, 4}, Case{FP8, 2, 4480, 21, 128, 0.0f, 2},
                   Case{FP8, 1, 1040, 77, 0, 0.0f, 4}, Case{FP8, 2, 208, 19, 128, 0.0f, 2}})
        if (!quick || c.dim < 4480) norm_gemv(c.kind, c.rows, c.dim, c.out, c.block, c.beta, c.blocks, true, c.out % 2 == 1 && c.dim != 208);
    // 3. gated norm + GEMV (out_proj): 9B's 8960 in 8 groups of 1120 (9 of GV's 12 float4 a lane), groups of
    // 20 (lanes idle), 1536 (all 12), 4 groups at 2 rows on 8 warps (pairs 0-7: one each); out / blocks
    // gives several rounds
    struct Gated { Kind kind; int rows, dim, groups, out, block; float beta; int blocks; };
    for (Gated c : {Gated{BF16, 1, 8960, 8, 21, 0, 1.0f, 2}, Gated{FP8, 2, 8960, 8, 13, 128, 1.0f, 2}, Gated{BF16, 1, 80, 4, 19, 0, 0.0f, 2},
                    Gated{FP8, 2, 80, 4, 19, 0, 1.0f, 2}, Gated{FP8, 2, 160, 8, 19, 0, 1.0f, 2}, Gated{FP8, 1, 3072, 2, 9, 128, 0.0f, 1}})
        if (!quick || c.dim < 3072) norm_gemv(c.kind, c.rows, c.dim, c.out, c.block, c.beta, c.blocks, false, false, c.groups);
    // 4. norm + GEMV + conv step (in_proj), kernel 4 (Mamba-2's), 2 and 1 (no window)
    struct ConvCase { Kind kind; int rows, dim, out, block, k; bool bias; int blocks; };
    for (ConvCase c : {ConvCase{BF16, 1, 4480, 61, 0, 4, false, 3}, ConvCase{FP8, 2, 4480, 45, 128, 4, true, 2},
                       ConvCase{BF16, 1, 208, 37, 0, 4, true, 2}, ConvCase{FP8, 2, 1040, 77, 0, 4, false, 3},
                       ConvCase{FP8, 1, 208, 19, 128, 2, true, 1}, ConvCase{FP8, 1, 208, 19, 0, 1, false, 2}})
        if (!quick || c.dim < 4480) norm_gemv(c.kind, c.rows, c.dim, c.out, c.block, 0.0f, c.blocks, false, c.bias, 0, c.k);
    // 2. gated norm rows
    gated(2, 60, 3, 64, NMC_F32);      // groups of 20: 5 float4, one partial warp
    gated(1, 2568, 2, 2568, NMC_F32);  // 1284: 321 float4 on 352 threads
    if (!quick) {
        gated(1, 8960, 8, 2 * 8960 + 8 * 128 * 2 + 128, NMC_F32);  // 9B: z inside the proj row
        gated(2, 8960, 8, 2 * 8960 + 8 * 128 * 2 + 128, NMC_BF16);
        gated(1, 8200, 2, 8200, NMC_F32);  // 4100: 1025 float4, two a thread on 1024 threads
        gated(2, 8200, 2, 8204, NMC_BF16);
    }
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
