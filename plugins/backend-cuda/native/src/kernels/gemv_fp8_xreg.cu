// FP8 E4M3 GEMV of decode with x held in registers (NMC_GEMV_FP8=xreg, opt-in; unset or old: fp8.cu's
// gemv_fp8): y[R, out] (fp32) = x[R, in] (BF16) . (Q * scale)^T + beta y for R = 1 or 2 rows, with the
// scales of fp8.cu (per output channel, or blocks of a multiple of 16 columns).
//
// shapes: x [R, in] BF16, Q [out, in] E4M3, in = 16 C (chunk = 16 columns = 16 bytes of a Q row).
//   Block = 8 warps in T = 8 / KS teams of KS warps (KS 1, 2, 4 or 8: split-K inside the block).
//   Warp j of a team owns chunks [j P, j P + P) of every row (P = ceil(C / KS)); its lane l the chunks
//   j P + l + 32 i, i < NC (NC = ceil(P / 32) <= 9 at R 1, 5 at R 2: xr_max_nc).
//   Nano-9B-v2, R 1 (132 SMs): in_proj 4480 -> 22656 and mlp.up 4480 -> 15680 KS 1 NC 9; out_proj
//   10240 -> 4480 KS 4 NC 5; mlp.down 15680 -> 4480 KS 4 NC 8 (xreg_plan's cost model).
// 1. x -> registers, once per warp: lane l keeps its NC chunks of each x row (loaded as 8 packed BF16
//    pairs; the compiler hoists their fp32 halves out of the row loop), zeros past the warp's columns.
// 2. persistent teams: block b's team t takes rows o = (n G + b) T + t, n = 0, 1, ... (G blocks, as
//    many as are resident at once). A row's NC chunks of Q go global -> registers (ld.global.nc, no
//    L1 allocation, 16 bytes each, all NC in flight); the NEXT row's chunks are issued before this
//    row is multiplied (two register buffers, the row loop unrolled by two).
// 3. per chunk: 8 code pairs -> exact BF16 pairs (e4m3_exact.cuh) -> fp32 (shift / mask), 16 fp32
//    FMA with x in column order: the chunk's sum; block scales: times its block's scale (a chunk lies
//    in one block). The lane adds its chunks' sums in chunk order.
// 4. warp sum (shuffle tree); KS > 1: the team's warps meet in shared memory (one barrier a row,
//    two buffers by row parity; every team runs the same number of rows), warp 0 of the team adds
//    the KS sums in warp order. Per-channel: times scale[o]. y = v (+ beta y).
// NORM (NMC_DECODE_FUSE=1): before 1., x [R, in] is made in the block from the residual h and the norm
// weight (row_norm.cuh, bit-equal to rms_norm's BF16 xn) into shared memory, and 1. reads it there;
// with a Relu2Out (mlp.up) 4. stores relu(y + bias)^2 in the model dtype instead of y (relu2_store); with
// a GatedNorm (out_proj) x is the gated group norm of (y, z) instead (gated_rows_bf16); with a ConvStep
// (in_proj) 4. also runs the conv1d step of its conv channels (conv_store).
// Deterministic (fixed order throughout). Against gemv_fp8: the same exact products (code x x in
// fp32), another fp32 summation order. x and Q 16-byte aligned; rows 3-8 stay with gemv_fp8 /
// gemv_fp8_mma (x of 3+ rows does not fit the registers at these widths).
#include "../env_switch.h"
#include "kernels.h"
#include "device_math.cuh"
#include "mma_bf16.cuh"
#include "e4m3_exact.cuh"
#include "row_norm.cuh"
#include "sm_count.h"

#include <algorithm>
#include <utility>

namespace nmc::k {
namespace {

// emu-begin (test/gemv_fp8_xreg_emu.cpp runs this kernel on the host)
constexpr int XR_WARPS = 8;  // warps a block
// the most chunks a lane keeps (NC) at R rows: ptxas (sm_90a, CUDA 12) keeps the lane's x as fp32 (16
// registers a chunk and row, hoisted out of the row loop) and the two Q buffers (8): 255 registers
// without spills at R 1 NC 9 and R 2 NC 5; R 1 NC 10 spills
constexpr int xr_max_nc(int rows) { return rows == 1 ? 9 : 5; }

struct XregArgs {
    const __nv_bfloat16 *x;
    const uint8_t *q;
    const float *scale;     // [out] (block 0) or [ceil(out / scale_rows), scale_cols]
    int in, out, block, scale_rows, scale_cols;
    float *y;
    float beta;
    int ks;                 // warps a row (split-K inside the block)
    RowNorm norm;           // NORM: x made from it (x unused)
    Relu2Out act;           // NORM: the relu2 epilogue where act.out is set
    GatedNorm gated;        // NORM: x made from it instead of norm where gated.y is set
    ConvStep conv;          // NORM: the conv1d step in the store where conv.windows is set
};

__device__ __forceinline__ float lo_f32(uint32_t v) { return __uint_as_float(v << 16); }
__device__ __forceinline__ float hi_f32(uint32_t v) { return __uint_as_float(v & 0xffff0000u); }

template <int R, int NC, bool NORM>
__global__ void __launch_bounds__(XR_WARPS * 32, 1) gemv_fp8_xreg_kernel(XregArgs p) {
    __shared__ float red[2][XR_WARPS][R];
    const __nv_bfloat16 *x = p.x;
    if constexpr (NORM) {
        __nv_bfloat16 *xs = dynamic_bf16();
        fused_x_bf16<R>(p.norm, p.gated, xs);
        x = xs;
    }
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int ks = p.ks, teams = XR_WARPS / ks, team = warp / ks, j = warp % ks;
    const int chunks = p.in / 16, per = (chunks + ks - 1) / ks;
    const int c0 = j * per, cn = min(per, chunks - c0);  // the warp's chunks [c0, c0 + cn) (cn may be <= 0)
    // 1. x -> registers (packed BF16 pairs; zeros where the lane has no chunk)
    uint32_t xr[R][NC][8];
#pragma unroll
    for (int i = 0; i < NC; i++) {
        const bool valid = lane + 32 * i < cn;
#pragma unroll
        for (int r = 0; r < R; r++) {
            uint4 a = make_uint4(0, 0, 0, 0), b = a;
            if (valid) {
                const uint4 *src = reinterpret_cast<const uint4 *>(x + (int64_t)r * p.in + 16 * (c0 + lane + 32 * i));
                a = load_x<NORM>(src), b = load_x<NORM>(src + 1);
            }
            xr[r][i][0] = a.x, xr[r][i][1] = a.y, xr[r][i][2] = a.z, xr[r][i][3] = a.w;
            xr[r][i][4] = b.x, xr[r][i][5] = b.y, xr[r][i][6] = b.z, xr[r][i][7] = b.w;
        }
    }
    const int stride = gridDim.x * teams, iters = (p.out + stride - 1) / stride;
    const bool blocked = p.block > 0;
    int scol[NC];  // block scales: the scale column of each of the lane's chunks
#pragma unroll
    for (int i = 0; i < NC; i++) scol[i] = blocked ? 16 * (c0 + lane + 32 * i) / p.block : 0;
    // the lane's chunks of row o -> w (ld.global.nc, 16 bytes each; none for a row past the end)
    auto load_row = [&](uint4 (&w)[NC], int o) {
        if (o >= p.out) return;
        const uint8_t *row = p.q + (int64_t)o * p.in + 16 * (c0 + lane);
#pragma unroll
        for (int i = 0; i < NC; i++)
            if (lane + 32 * i < cn) w[i] = ldg_stream16(row + 512 * i);
    };
    // 3.-4. row o from w: the lane's sums, the warp's, the team's; y
    auto finish_row = [&](const uint4 (&w)[NC], int o, int n) {
        float acc[R];
#pragma unroll
        for (int r = 0; r < R; r++) acc[r] = 0.0f;
        const float *srow = blocked && o < p.out ? p.scale + (int64_t)(o / p.scale_rows) * p.scale_cols : nullptr;
#pragma unroll
        for (int i = 0; i < NC; i++) {
            if (!(lane + 32 * i < cn) || o >= p.out) continue;
            const uint32_t q4[4] = {w[i].x, w[i].y, w[i].z, w[i].w};
            float wf[16];
#pragma unroll
            for (int k = 0; k < 4; k++) {  // codes 4k .. 4k + 3 of the chunk
                const uint32_t a = e4m3x2_exact_bf16x2(q4[k], 0x1404u), b = e4m3x2_exact_bf16x2(q4[k], 0x3424u);
                wf[4 * k] = lo_f32(a), wf[4 * k + 1] = hi_f32(a), wf[4 * k + 2] = lo_f32(b), wf[4 * k + 3] = hi_f32(b);
            }
            const float sc = blocked ? __ldg(srow + scol[i]) : 1.0f;
#pragma unroll
            for (int r = 0; r < R; r++) {
                float s = 0.0f;
#pragma unroll
                for (int k = 0; k < 8; k++) {
                    s = fmaf(wf[2 * k], lo_f32(xr[r][i][k]), s);
                    s = fmaf(wf[2 * k + 1], hi_f32(xr[r][i][k]), s);
                }
                acc[r] = blocked ? fmaf(s, sc, acc[r]) : acc[r] + s;
            }
        }
#pragma unroll
        for (int r = 0; r < R; r++) acc[r] = warp_sum(acc[r]);
        if (ks > 1) {
            if (lane == 0)
#pragma unroll
                for (int r = 0; r < R; r++) red[n & 1][warp][r] = acc[r];
            __syncthreads();
            if (j != 0) return;
#pragma unroll
            for (int r = 0; r < R; r++) {
                acc[r] = red[n & 1][team * ks][r];
                for (int k = 1; k < ks; k++) acc[r] += red[n & 1][team * ks + k][r];
            }
        }
        if (lane != 0 || o >= p.out) return;
        const float channel = blocked ? 1.0f : p.scale[o];
#pragma unroll
        for (int r = 0; r < R; r++) {
            float *dst = p.y + (int64_t)r * p.out + o;
            const float v = acc[r] * channel;
            if (NORM && p.act.out != nullptr) relu2_store(p.act, (int64_t)r * p.out + o, o, v);
            else *dst = p.beta == 0.0f ? v : v + p.beta * *dst;
            if (NORM) conv_store(p.conv, r, o, v);
        }
    };
    // 2. rows n = 0, 1, ... of the team, the next one's loads in flight while one is multiplied
    auto row_of = [&](int n) { return (n * (int)gridDim.x + (int)blockIdx.x) * teams + team; };
    uint4 wa[NC] = {}, wb[NC] = {};
    load_row(wa, row_of(0));
    for (int n = 0; n < iters; n += 2) {
        if (n + 1 < iters) load_row(wb, row_of(n + 1));
        finish_row(wa, row_of(n), n);
        if (n + 1 >= iters) break;
        if (n + 2 < iters) load_row(wa, row_of(n + 2));
        finish_row(wb, row_of(n + 1), n + 1);
    }
}

// The launch plan of a shape: KS (warps a row) among 1, 2, 4, 8 with NC = ceil(ceil(C / KS) / 32)
// <= xr_max_nc(R), by a cost model: rows are dealt in rounds of G T (G = `blocks` resident blocks,
// T = 8 / KS teams each); a round streams T rows a block, with T rows (T in bytes) in flight a block,
// so time ~ rounds x T x max(1, XR_FLIGHT / (T in)) (a block with less than XR_FLIGHT bytes in flight
// is taken to stream proportionally slower). The least, ties to fewer warps a row. false: no KS fits
// (in too wide).
constexpr double XR_FLIGHT = 32768.0;
inline bool xreg_plan(int rows, int in, int out, int blocks, int *ks_out, int *nc_out) {
    const int chunks = in / 16, max_nc = xr_max_nc(rows);
    double best = -1.0;
    for (int ks = 1; ks <= XR_WARPS; ks *= 2) {
        const int nc = ((chunks + ks - 1) / ks + 31) / 32;
        if (nc > max_nc || nc < 1) continue;
        const long long t = XR_WARPS / ks, rounds = (out + blocks * t - 1) / (blocks * t);
        const double cost = (double)(rounds * t) * std::max(1.0, XR_FLIGHT / ((double)t * in));
        if (best < 0 || cost < best * (1.0 - 1e-9)) best = cost, *ks_out = ks, *nc_out = nc;
    }
    return best >= 0;
}
// emu-end


// blocks of gemv_fp8_xreg_kernel<R, NC> resident on an SM (asked once, outside a graph capture; 1
// until then)
template <int R, int NC>
int resident_blocks(cudaStream_t stream) {
    static int blocks = 0;
    if (blocks == 0) {
        cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
        if (cudaStreamIsCapturing(stream, &capturing) != cudaSuccess || capturing != cudaStreamCaptureStatusNone) return 1;
        int n = 0;
        if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&n, gemv_fp8_xreg_kernel<R, NC, false>, XR_WARPS * 32, 0) != cudaSuccess)
            n = 1;
        blocks = std::max(n, 1);
    }
    return blocks;
}

template <int R, int NC>
int launch(XregArgs p, cudaStream_t stream) {
    const int teams = XR_WARPS / p.ks, blocks = std::min(multiprocessor_count() * resident_blocks<R, NC>(stream), (p.out + teams - 1) / teams);
    if (p.norm.h != nullptr || p.gated.y != nullptr)  // NORM: the launch bound keeps one block an SM, as without (x in shared memory besides)
        gemv_fp8_xreg_kernel<R, NC, true><<<blocks, XR_WARPS * 32, (size_t)R * p.in * 2, stream>>>(p);
    else
        gemv_fp8_xreg_kernel<R, NC, false><<<blocks, XR_WARPS * 32, 0, stream>>>(p);
    NMC_LAUNCHED("gemv fp8 (x in registers)");
    return NMC_OK;
}

template <int R, int... N>
int dispatch_nc(const XregArgs &p, int nc, cudaStream_t stream, std::integer_sequence<int, N...>) {
    int rc = nmc::fail("gemv fp8 xreg: no kernel for this width");
    ((nc == N + 1 ? (rc = launch<R, N + 1>(p, stream), true) : false) || ...);
    return rc;
}

bool aligned16(const void *p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

}  // namespace

int gemv_fp8_xreg_switch(bool *xreg) {
    int choice;
    NMC_TRY(nmc::env_choice("NMC_GEMV_FP8", {"old", "xreg"}, &choice));
    *xreg = choice == 1;
    return NMC_OK;
}

bool gemv_fp8_xreg_supported(const void *x, const Fp8Weight &f, int rows) {
    int ks, nc;
    return rows >= 1 && rows <= 2 && f.in % 16 == 0 && f.in > 0 && f.out > 0 && (f.block == 0 || f.block % 16 == 0) &&
           aligned16(x) && aligned16(f.q) && xreg_plan(rows, f.in, f.out, multiprocessor_count(), &ks, &nc);
}

int gemv_fp8_xreg(const void *x, const Fp8Weight &f, float *y, int rows, float beta, cudaStream_t stream, const RowNorm *norm,
                  const Relu2Out *act, const GatedNorm *gated, const ConvStep *conv) {
    if (conv != nullptr && !conv_fusable(norm, act, beta, *conv)) return nmc::fail("gemv fp8 xreg: the conv step needs the norm, beta 0, no relu2");
    if (act != nullptr && (norm == nullptr || beta != 0.0f)) return nmc::fail("gemv fp8 xreg: the relu2 epilogue needs the norm and beta 0");
    if (gated != nullptr && (norm != nullptr || gated->dim != f.in || !gated_norm_fusable(rows, *gated)))
        return nmc::fail("gemv fp8 xreg: the gated norm does not fit this shape");
    if (norm != nullptr && (norm->dim != f.in || !row_norm_fusable(rows, f.in))) return nmc::fail("gemv fp8 xreg: the norm does not fit this shape");
    if (norm != nullptr || gated != nullptr) {
        x = f.q;  // 16-byte aligned stand-in for the support check: x itself is not read
    }
    if (!gemv_fp8_xreg_supported(x, f, rows))
        return nmc::fail("gemv fp8 xreg: 1 or 2 rows, in a multiple of 16 up to 36864 (1 row) or 20480 (2 rows), 16-byte aligned x and Q");
    const int scale_rows = f.row_block > 0 ? f.row_block : std::max(f.block, 1);
    const int scale_cols = f.block > 0 ? (f.in + f.block - 1) / f.block : 0;
    XregArgs p{static_cast<const __nv_bfloat16 *>(x), f.q, f.scale, f.in, f.out, f.block, scale_rows, scale_cols, y, beta, 1,
               norm != nullptr ? *norm : RowNorm{}, act != nullptr ? *act : Relu2Out{}, gated != nullptr ? *gated : GatedNorm{},
               conv != nullptr ? *conv : ConvStep{}};
    int nc = 0;
    // the plan for one resident block an SM (the kernel's launch bound; more only shortens the rounds)
    xreg_plan(rows, f.in, f.out, multiprocessor_count(), &p.ks, &nc);
    if (rows == 1) return dispatch_nc<1>(p, nc, stream, std::make_integer_sequence<int, xr_max_nc(1)>{});
    return dispatch_nc<2>(p, nc, stream, std::make_integer_sequence<int, xr_max_nc(2)>{});
}

}  // namespace nmc::k
