// The skinny decode GEMM's kernels (dispatch, split-K choice and occupancy: skinny_gemm.cu, which
// includes this file once).
//
// Skinny GEMM for batched decode: y[R, out] (fp32) = x[R, in] (BF16) . W[out, in]^T (+ beta y) for
// R = 1..64 rows, on tensor cores, built to stream W from HBM once at full bandwidth. W is BF16 or
// FP8 E4M3 with the scales of fp8.cu (per output channel, or blocks; weights become
// BF16(Q * scale) as in fp8_mma.cu and the dequantise + cuBLAS path).
//
// shapes: x [R, in] BF16 (in a multiple of 64), NT = ceil(R / 8) tiles of 8 rows; W [out, in].
// Work: block = 8 warps x 16 outputs = 128 outputs o0..o0 + 127 and one k range of `k_split`
//   columns (split-K: blockIdx.y; NMC_SKINNY_SPLIT=fill or unset: splits so the grid reaches 2 blocks
//   per SM, each split >= 4 tiles of 64 columns; =waves: the cost model of skinny_split_waves, whole
//   waves of resident blocks). Per 64-column tile kt, in a 3-stage cp.async pipeline:
//   1. W tile [128, 64] and x tile [8 NT, 64] -> shared memory (cp.async: the next 2 tiles are in
//      flight while one is multiplied; x rows past R are zeros; W rows past `out` repeat the last)
//   2. per 16-column step: the warp's A fragment (16 outputs; E4M3 -> BF16 x scale in registers),
//      then NT mma.sync m16n8k16 with x as the n = 8 side (B fragments from shared memory)
//   3. y: one split stores (y = acc + beta y); several store partials ws [split, R, out] and
//      skinny_reduce adds them in split order (y = beta y + sum): deterministic, unlike atomics
// x is read from L2 once per 128 outputs (fp8_mma.cu read it per 16 or 32), W exactly once.
// Shared rows are padded by 16 bytes: the fragment loads of lanes (g, t) hit 32 different banks.
// NMC_SKINNY_KERNEL=wreg (opt-in): skinny_wreg_kernel below streams W from global memory straight to
// registers (no shared memory for W, no E4M3 scale per element for per-channel weights); x alone is
// staged in shared memory. Same arguments, split-K and reduce.
#pragma once

#include "kernels.h"
#include "device_math.cuh"
#include "mma_bf16.cuh"
#include "e4m3_exact.cuh"

namespace nmc::k {
namespace {

// emu-begin (test/skinny_gemm_emu.cpp runs this kernel on the host)
using bf16 = __nv_bfloat16;
constexpr int BO = 128;     // outputs per block (WARPS x 16)
constexpr int BKT = 64;     // columns per tile
constexpr int WARPS = 8;
constexpr int STAGES = 3;
constexpr int XLD = BKT + 8;  // bf16 per shared x row (16 bytes padding)

struct SkinnyArgs {
    const bf16 *x;
    int rows, in, out;
    const void *w;
    const float *scale;                   // E4M3: [out] (block 0) or [ceil(out/scale_rows), scale_cols]
    int block, scale_rows, scale_cols;
    float *y;
    float beta;
    int k_split;                          // columns per split, a multiple of BKT
    float *ws;                            // [splits, rows, out] partial sums when gridDim.y > 1
};

// Weight formats: bytes per weight and the A fragment of rows w0, w1 (shared rows) at column c
struct WBf16 {
    static constexpr int BYTES = 2;
    __device__ static void frag(uint32_t (&a)[4], const char *w0, const char *w1, int c, float, float) {
        a[0] = *reinterpret_cast<const uint32_t *>(w0 + 2 * c);
        a[1] = *reinterpret_cast<const uint32_t *>(w1 + 2 * c);
        a[2] = *reinterpret_cast<const uint32_t *>(w0 + 2 * (c + 8));
        a[3] = *reinterpret_cast<const uint32_t *>(w1 + 2 * (c + 8));
    }
};
struct WE4m3 {
    static constexpr int BYTES = 1;
    __device__ static void frag(uint32_t (&a)[4], const char *w0, const char *w1, int c, float s0, float s1) {
        a[0] = e4m3x2_scaled_bf16x2(*reinterpret_cast<const uint16_t *>(w0 + c), s0);
        a[1] = e4m3x2_scaled_bf16x2(*reinterpret_cast<const uint16_t *>(w1 + c), s1);
        a[2] = e4m3x2_scaled_bf16x2(*reinterpret_cast<const uint16_t *>(w0 + c + 8), s0);
        a[3] = e4m3x2_scaled_bf16x2(*reinterpret_cast<const uint16_t *>(w1 + c + 8), s1);
    }
};

// one pipeline stage in shared memory: W tile [BO][WLD bytes], x tile [8 NT][XLD] bf16
template <typename W, int NT>
struct Stage {
    static constexpr int WLD = BKT * W::BYTES + 16, WTILE = BO * WLD, BYTES = WTILE + NT * 8 * XLD * 2;
};

template <typename W>
__device__ __forceinline__ float scale_of(const SkinnyArgs &p, int r, int col) {
    return p.block == 0 ? p.scale[r] : p.scale[(int64_t)(r / p.scale_rows) * p.scale_cols + col / p.block];
}

// WM m-tiles of 16 outputs per warp (NMC_SKINNY_WARP: 16 -> WM 1, 32 -> WM 2): WARPS / WM output
// groups of 16 WM outputs, and WM groups of warps that split each tile's BKT / 16 steps (WM 2: warps
// 0-3 steps 0-1, warps 4-7 steps 2-3), so one B fragment of x from shared memory serves WM A
// fragments (half the shared-memory reads of x at WM 2); the warp groups' sums meet in shared memory
// after the last tile. WM 1 is the first kernel exactly (same summation order).
template <typename W, int NT, int WM>
__global__ void __launch_bounds__(WARPS * 32) skinny_gemm_kernel(SkinnyArgs p) {
    extern __shared__ __align__(128) char smem[];
    constexpr int WLD = Stage<W, NT>::WLD, WTILE = Stage<W, NT>::WTILE, STAGE = Stage<W, NT>::BYTES;
    constexpr int GROUP = WARPS / WM, KS = BKT / 16 / WM;  // warps per k group, steps per warp and tile
    static_assert(WARPS % WM == 0 && (BKT / 16) % WM == 0, "warp groups");
    static_assert((WM - 1) * WM * NT * 4 * GROUP * 32 * 4 <= STAGES * STAGE, "the sums fit the stages");
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
    const int og = warp % GROUP, kh = warp / GROUP;  // output group, k group
    const int o0 = blockIdx.x * BO;
    const int k_begin = blockIdx.y * p.k_split, k_end = min(p.in, k_begin + p.k_split);
    const int tiles = (k_end - k_begin) / BKT;
    const char *w = static_cast<const char *>(p.w);
    auto load = [&](int kt) {                                                                     // 1.
        char *st = smem + (kt % STAGES) * STAGE;
        const int k = k_begin + kt * BKT;
        constexpr int WCH = BKT * W::BYTES / 16;  // 16-byte pieces per weight row
        for (int e = threadIdx.x; e < BO * WCH; e += blockDim.x) {
            const int r = e / WCH, c = e - r * WCH, o = min(o0 + r, p.out - 1);
            cp_async16(st + r * WLD + c * 16, w + ((int64_t)o * p.in + k) * W::BYTES + c * 16);
        }
        bf16 *xs = reinterpret_cast<bf16 *>(st + WTILE);
        for (int e = threadIdx.x; e < NT * 8 * (BKT / 8); e += blockDim.x) {
            const int r = e / (BKT / 8), c = (e - r * (BKT / 8)) * 8;
            if (r < p.rows) cp_async16(xs + r * XLD + c, p.x + (int64_t)r * p.in + k + c);
            else *reinterpret_cast<uint4 *>(xs + r * XLD + c) = make_uint4(0, 0, 0, 0);
        }
    };
    float acc[WM][NT][4];
    int ra[WM], rb[WM];  // the A fragment's output rows (clamped: rows past `out` repeat the last)
#pragma unroll
    for (int m = 0; m < WM; m++) {
#pragma unroll
        for (int n = 0; n < NT; n++) acc[m][n][0] = acc[m][n][1] = acc[m][n][2] = acc[m][n][3] = 0.0f;
        ra[m] = min(o0 + og * 16 * WM + m * 16 + g, p.out - 1);
        rb[m] = min(o0 + og * 16 * WM + m * 16 + g + 8, p.out - 1);
    }
    for (int s = 0; s < STAGES - 1; s++) {
        if (s < tiles) load(s);
        cp_async_commit();
    }
    for (int kt = 0; kt < tiles; kt++) {
        cp_async_wait<STAGES - 2>();  // tile kt has landed (this thread's copies) ...
        __syncthreads();              // ... everyone's; and tile kt - 1's buffer is free
        if (kt + STAGES - 1 < tiles) load(kt + STAGES - 1);
        cp_async_commit();
        const char *st = smem + (kt % STAGES) * STAGE;
        const bf16 *xs = reinterpret_cast<const bf16 *>(st + WTILE);
        const int k = k_begin + kt * BKT;
#pragma unroll
        for (int kk = 0; kk < KS; kk++) {                                                          // 2.
            const int ks = kh * KS + kk;
            uint32_t a[WM][4];
#pragma unroll
            for (int m = 0; m < WM; m++) {
                float s0 = 1.0f, s1 = 1.0f;
                if constexpr (W::BYTES == 1) {
                    s0 = scale_of<W>(p, ra[m], k + ks * 16);
                    s1 = scale_of<W>(p, rb[m], k + ks * 16);
                }
                const char *w0 = st + (og * 16 * WM + m * 16 + g) * WLD;
                W::frag(a[m], w0, w0 + 8 * WLD, ks * 16 + 2 * t, s0, s1);
            }
#pragma unroll
            for (int n = 0; n < NT; n++) {
                const bf16 *xr = xs + (n * 8 + g) * XLD + ks * 16 + 2 * t;
                const uint32_t b0 = *reinterpret_cast<const uint32_t *>(xr), b1 = *reinterpret_cast<const uint32_t *>(xr + 8);
#pragma unroll
                for (int m = 0; m < WM; m++) mma_bf16(acc[m][n], a[m], b0, b1);
            }
        }
    }
    if constexpr (WM > 1) {  // 3. k groups 1.. hand their sums to group 0 through the (now idle) stages
        cp_async_wait<0>();
        __syncthreads();  // every warp is done with the last tile's stage
        float *red = reinterpret_cast<float *>(smem);
        auto at = [&](int j, int m, int n, int e) { return ((((j - 1) * WM + m) * NT + n) * 4 + e) * (GROUP * 32) + og * 32 + lane; };
        if (kh > 0)
#pragma unroll
            for (int m = 0; m < WM; m++)
#pragma unroll
                for (int n = 0; n < NT; n++)
#pragma unroll
                    for (int e = 0; e < 4; e++) red[at(kh, m, n, e)] = acc[m][n][e];
        __syncthreads();
        if (kh > 0) return;  // no barrier follows
        for (int j = 1; j < WM; j++)
#pragma unroll
            for (int m = 0; m < WM; m++)
#pragma unroll
                for (int n = 0; n < NT; n++)
#pragma unroll
                    for (int e = 0; e < 4; e++) acc[m][n][e] += red[at(j, m, n, e)];
    }
    const bool split = gridDim.y > 1;                                                              // 4.
#pragma unroll
    for (int m = 0; m < WM; m++)
#pragma unroll
        for (int n = 0; n < NT; n++)
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const int o = o0 + og * 16 * WM + m * 16 + g + (e >= 2 ? 8 : 0), r = n * 8 + 2 * t + (e & 1);
                if (o >= p.out || r >= p.rows) continue;
                if (split) {
                    p.ws[((int64_t)blockIdx.y * p.rows + r) * p.out + o] = acc[m][n][e];
                } else {
                    float *dst = p.y + (int64_t)r * p.out + o;
                    *dst = p.beta == 0.0f ? acc[m][n][e] : acc[m][n][e] + p.beta * *dst;
                }
            }
}

// Split-K by a cost model (NMC_SKINNY_SPLIT=waves): the splits in [1, max_splits] that minimise the
// GEMM's time counted in bytes,
//   waves x slots x (W bytes of one block)  +  (splits > 1: 2 x splits x rows x out x 4, the partials
//   written and read back)
// slots = the blocks resident at once (SMs x this kernel's occupancy), waves = ceil(blocks / slots).
// Each block keeps a fixed number of W bytes in flight (2 stages), so a last wave of few blocks runs
// at a fraction of the bandwidth: 280 blocks on 264 slots cost about two full waves. Ties go to
// fewer splits. Returns the columns per split (a multiple of BKT); *splits_out = the splits. bo: the
// outputs per block (BO; the wreg kernel's 128 WM).
inline int skinny_split_waves(int tiles_o, int tiles_k, int rows, int out, int wbytes, int slots, int max_splits,
                              int *splits_out, int bo = BO) {
    double best = 1e300;
    int best_per = tiles_k;
    for (int want = 1; want <= std::max(1, max_splits); want++) {
        const int per = (tiles_k + want - 1) / want, splits = (tiles_k + per - 1) / per;
        if (splits > max_splits && splits > 1) continue;
        const long long blocks = (long long)tiles_o * splits, waves = (blocks + slots - 1) / slots;
        const double cost = (double)waves * slots * ((double)bo * per * BKT * wbytes) +
                            (splits > 1 ? 2.0 * splits * rows * out * 4.0 : 0.0);
        if (cost < best * (1.0 - 1e-9)) best = cost, best_per = per;
    }
    *splits_out = (tiles_k + best_per - 1) / best_per;
    return best_per * BKT;
}

// y = beta y + the splits' partial sums, added in split order
__global__ void skinny_reduce_kernel(SkinnyArgs p, int splits) {
    const int64_t n = (int64_t)p.rows * p.out;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
        float v = p.beta == 0.0f ? 0.0f : p.beta * p.y[i];
        for (int s = 0; s < splits; s++) v += p.ws[s * n + i];
        p.y[i] = v;
    }
}

// ---- NMC_SKINNY_KERNEL=wreg: W streamed from global memory straight to registers ----
// shapes: as above; block = 8 warps x WM m-tiles of 16 outputs (BOW = 128 WM outputs), one k range of
//   k_split columns (split-K as above, blockIdx.y). A warp owns its 16 WM outputs over the whole range.
// Chunk = the k columns whose 16 bytes a lane loads per weight row: CK = 64 (E4M3) or 32 (BF16).
//   Lane (g, t) loads bytes [16 t, 16 t + 16) of the chunk of rows g and g + 8 of each m-tile
//   (ldg_stream16: global -> registers, never shared memory): SEG = 16 (E4M3) or 8 (BF16) columns
//   c0 + SEG t ... c0 + SEG t + SEG - 1. Its 4 columns 4j .. 4j + 3 of that run feed mma step j (of
//   STEPS = SEG / 4): the A fragment's k pairs (2t, 2t + 1) <- columns (4j, 4j + 1) and (2t + 8,
//   2t + 9) <- (4j + 2, 4j + 3). So the mma's logical k is a permutation of the chunk's columns, and
//   x's B fragment takes the SAME columns: b0 = x[row][4j, 4j + 1], b1 = x[row][4j + 2, 4j + 3] of
//   the lane's run, i.e. the lane's SEG contiguous x values hold all STEPS B fragments (one or two
//   16-byte shared loads per 8-row tile of x, each serving STEPS x WM mma).
// Pipeline: WR_DEPTH_OF<WM> chunks of W in flight per thread (a register ring, loads for chunk c + DEPTH
//   issued before chunk c is multiplied); x in shared memory in slices of WR_KX columns, two buffers
//   (cp.async; slice s + 1 lands while slice s is used; rows past R are zeros).
// E4M3 -> BF16 exactly by bits: a code s eeee mmm as BF16 bits s 0000eeee mmm0000 is the code's value
//   x 2^-120 (normal and subnormal alike, zero stays zero), then one bf16x2 product by 2^120 (exact).
//   Per-channel scales multiply the fp32 sums at the end (the weights enter the mma unrounded);
//   block scales (any block a multiple of 16: a lane's 16 columns share one) multiply the BF16 pairs:
//   weight = BF16(code x BF16(scale)).
//   Why not cvt (e4m3x2 -> f16x2 -> 2 x f32 -> bf16x2, as WE4m3::frag): four conversions a pair on the
//   slow conversion pipe; here prmt, two logic ops and a shift (integer pipe) and one bf16x2 product.
//   Why not block scales on partial sums per 128 columns: a second set of accumulators (WM NT 4 more
//   registers: 64 at NT 8, WM 2, past the 255 limit) and an FMA per sum per group.
constexpr int WR_WARPS = 8;
// chunks of W in flight per thread beyond the one multiplied: 3 at WM 2 (8 warps an SM, 48 KB in
// flight), 2 at WM 1 (16 warps an SM: 32 KB; 3 would spill at NT 8 under 128 registers)
template <int WM> constexpr int WR_DEPTH_OF = WM == 1 ? 2 : 3;
constexpr int WR_KX = 256;    // x columns per shared slice (a multiple of both chunk widths)

template <typename W>
struct WregShape {
    static constexpr int SEG = 16 / W::BYTES, STEPS = SEG / 4, CK = 4 * SEG, CPS = WR_KX / CK;
    // bytes per shared x row: a lane reads 2 SEG bytes at 2 SEG t; the 8 lanes of one 16-byte load
    // phase (rows g, g + 1) cover all 32 banks when a row is 16 (E4M3) or 64 (BF16) bytes past 128 k
    static constexpr int XROW = WR_KX * 2 + (W::BYTES == 1 ? 16 : 64);
    template <int NT>
    static constexpr int smem_bytes() { return 2 * NT * 8 * XROW; }
};

// e4m3x2_exact_bf16x2: two E4M3 codes -> exact BF16 x2 (e4m3_exact.cuh)

// the lane's A fragments of one chunk: rows g (raw0) and g + 8 (raw1), STEPS steps; sc0/sc1: BF16 x2
// block scales of the two rows (scaled E4M3 only)
template <typename W, bool SCALED>
__device__ __forceinline__ void wreg_frags(uint32_t (&a)[16 / W::BYTES / 4][4], const uint4 &raw0, const uint4 &raw1,
                                           uint32_t sc0, uint32_t sc1) {
    const uint32_t q0[4] = {raw0.x, raw0.y, raw0.z, raw0.w}, q1[4] = {raw1.x, raw1.y, raw1.z, raw1.w};
    if constexpr (W::BYTES == 2) {
#pragma unroll
        for (int j = 0; j < 2; j++) a[j][0] = q0[2 * j], a[j][1] = q1[2 * j], a[j][2] = q0[2 * j + 1], a[j][3] = q1[2 * j + 1];
    } else {
#pragma unroll
        for (int j = 0; j < 4; j++) {
            a[j][0] = e4m3x2_exact_bf16x2(q0[j], 0x1404u);  // codes 4j, 4j + 1 of row g
            a[j][1] = e4m3x2_exact_bf16x2(q1[j], 0x1404u);  // ... of row g + 8
            a[j][2] = e4m3x2_exact_bf16x2(q0[j], 0x3424u);  // codes 4j + 2, 4j + 3
            a[j][3] = e4m3x2_exact_bf16x2(q1[j], 0x3424u);
            if constexpr (SCALED) {
                a[j][0] = bf16x2_mul(a[j][0], sc0), a[j][2] = bf16x2_mul(a[j][2], sc0);
                a[j][1] = bf16x2_mul(a[j][1], sc1), a[j][3] = bf16x2_mul(a[j][3], sc1);
            }
        }
    }
}

__device__ __forceinline__ uint32_t bf16x2_of(float s) {
    const __nv_bfloat162 b = __floats2bfloat162_rn(s, s);
    uint32_t u;
    memcpy(&u, &b, 4);
    return u;
}

template <typename W, int NT, int WM, bool SCALED>
__device__ __forceinline__ void skinny_wreg_body(const SkinnyArgs &p) {
    using S = WregShape<W>;
    constexpr int SEG = S::SEG, STEPS = S::STEPS, CK = S::CK, CPS = S::CPS, XROW = S::XROW, XBUF = NT * 8 * XROW;
    constexpr int DEPTH = WR_DEPTH_OF<WM>;
    extern __shared__ __align__(128) char smem[];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
    const int o0 = blockIdx.x * (WR_WARPS * 16 * WM) + warp * 16 * WM;
    const int k_begin = blockIdx.y * p.k_split, k_end = min(p.in, k_begin + p.k_split);
    const int chunks = (k_end - k_begin) / CK, slices = (k_end - k_begin + WR_KX - 1) / WR_KX;
    const char *w = static_cast<const char *>(p.w);
    int rows[WM][2];            // the A fragment's output rows (clamped: rows past `out` repeat the last)
    const char *wp[WM][2];      // their lane's run at the first chunk
#pragma unroll
    for (int m = 0; m < WM; m++)
#pragma unroll
        for (int h = 0; h < 2; h++) {
            rows[m][h] = min(o0 + m * 16 + g + 8 * h, p.out - 1);
            wp[m][h] = w + ((int64_t)rows[m][h] * p.in + k_begin + t * SEG) * W::BYTES;
        }
    auto load_x = [&](int s) {  // slice s -> buffer s % 2
        char *xb = smem + (s & 1) * XBUF;
        const int k = k_begin + s * WR_KX, pieces = min(WR_KX, k_end - k) / 8;  // 16-byte pieces per row
        for (int e = threadIdx.x; e < NT * 8 * pieces; e += blockDim.x) {
            const int r = e / pieces, c = (e - r * pieces) * 8;
            char *dst = xb + r * XROW + c * 2;
            if (r < p.rows) cp_async16(dst, p.x + (int64_t)r * p.in + k + c);
            else *reinterpret_cast<uint4 *>(dst) = make_uint4(0, 0, 0, 0);
        }
    };
    uint4 ring[DEPTH][WM][2];
    float sring[DEPTH][WM][2];  // block scales (SCALED), loaded with the chunk, used (as BF16) with it
    // SCALED: the rows' scale rows, and the scale column of the lane's run in the next chunk to load
    // (chunks load in order: the column advances by CK, no division in the loop)
    int srow[WM][2];  // offsets into p.scale (the scales are few: fit an int)
    int scol = 0, srem = 0;
    if constexpr (SCALED) {
#pragma unroll
        for (int m = 0; m < WM; m++)
#pragma unroll
            for (int h = 0; h < 2; h++) srow[m][h] = rows[m][h] / p.scale_rows * p.scale_cols;
        scol = (k_begin + t * SEG) / p.block, srem = (k_begin + t * SEG) - scol * p.block;
    }
    auto load_w = [&](uint4 (&raw)[WM][2], float (&sc)[WM][2], int c) {
#pragma unroll
        for (int m = 0; m < WM; m++)
#pragma unroll
            for (int h = 0; h < 2; h++) {
                raw[m][h] = ldg_stream16(wp[m][h] + (int64_t)c * CK * W::BYTES);
                if constexpr (SCALED) sc[m][h] = p.scale[srow[m][h] + scol];
            }
        if constexpr (SCALED)
            for (srem += CK; srem >= p.block; srem -= p.block) scol++;
    };
    float acc[WM][NT][4];
#pragma unroll
    for (int m = 0; m < WM; m++)
#pragma unroll
        for (int n = 0; n < NT; n++) acc[m][n][0] = acc[m][n][1] = acc[m][n][2] = acc[m][n][3] = 0.0f;
    // 1. x slice 0 and the first DEPTH chunks of W in flight
    load_x(0);
    cp_async_commit();
#pragma unroll
    for (int d = 0; d < DEPTH; d++)
        if (d < chunks) load_w(ring[d], sring[d], d);
    for (int c0 = 0; c0 < chunks; c0 += DEPTH) {
#pragma unroll
        for (int d = 0; d < DEPTH; d++) {
            const int c = c0 + d;
            if (c >= chunks) break;
            // 2. take chunk c out of the ring, refill it with chunk c + DEPTH
            uint4 raw[WM][2];
            float sc[WM][2];
#pragma unroll
            for (int m = 0; m < WM; m++)
#pragma unroll
                for (int h = 0; h < 2; h++) raw[m][h] = ring[d][m][h], sc[m][h] = sring[d][m][h];
            if (c + DEPTH < chunks) load_w(ring[d], sring[d], c + DEPTH);
            // 3. a new x slice: wait for it (everyone's copies), then start the next one into the
            //    other buffer (free: every warp is past the previous slice)
            if (c % CPS == 0) {
                cp_async_wait<0>();
                __syncthreads();
                if (c / CPS + 1 < slices) load_x(c / CPS + 1);
                cp_async_commit();
            }
            // 4. A fragments (E4M3 -> BF16), then per 8-row tile of x: its SEG values, STEPS x WM mma
            uint32_t a[WM][STEPS][4];
#pragma unroll
            for (int m = 0; m < WM; m++)
                wreg_frags<W, SCALED>(a[m], raw[m][0], raw[m][1], SCALED ? bf16x2_of(sc[m][0]) : 0u, SCALED ? bf16x2_of(sc[m][1]) : 0u);
            const char *xb = smem + ((c / CPS) & 1) * XBUF + ((c % CPS) * CK + t * SEG) * 2 + g * XROW;
#pragma unroll
            for (int n = 0; n < NT; n++) {
                uint32_t xr[SEG / 2];
#pragma unroll
                for (int i = 0; i < SEG / 8; i++) {
                    const uint4 v = *reinterpret_cast<const uint4 *>(xb + n * 8 * XROW + 16 * i);
                    xr[4 * i] = v.x, xr[4 * i + 1] = v.y, xr[4 * i + 2] = v.z, xr[4 * i + 3] = v.w;
                }
#pragma unroll
                for (int j = 0; j < STEPS; j++)
#pragma unroll
                    for (int m = 0; m < WM; m++) mma_bf16(acc[m][n], a[m][j], xr[2 * j], xr[2 * j + 1]);
            }
        }
    }
    // 5. y (per-channel E4M3: times the row's scale), as the first kernel's step 4
    const bool split = gridDim.y > 1;
#pragma unroll
    for (int m = 0; m < WM; m++) {
        float s[2] = {1.0f, 1.0f};
        if constexpr (W::BYTES == 1 && !SCALED) s[0] = p.scale[rows[m][0]], s[1] = p.scale[rows[m][1]];
#pragma unroll
        for (int n = 0; n < NT; n++)
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const int o = o0 + m * 16 + g + (e >= 2 ? 8 : 0), r = n * 8 + 2 * t + (e & 1);
                if (o >= p.out || r >= p.rows) continue;
                const float v = __fmul_rn(acc[m][n][e], s[e >> 1]);  // not contracted with the beta add
                if (split) {
                    p.ws[((int64_t)blockIdx.y * p.rows + r) * p.out + o] = v;
                } else {
                    float *dst = p.y + (int64_t)r * p.out + o;
                    *dst = p.beta == 0.0f ? v : v + p.beta * *dst;
                }
            }
    }
}

// WM 2: one block per SM (about 220 registers at NT 8); WM 1: two (at most 128 registers), 16 warps
template <typename W, int NT, int WM>
__global__ void __launch_bounds__(WR_WARPS * 32, 3 - WM) skinny_wreg_kernel(SkinnyArgs p) {
    if constexpr (W::BYTES == 1) {
        if (p.block > 0) skinny_wreg_body<W, NT, WM, true>(p);
        else skinny_wreg_body<W, NT, WM, false>(p);
    } else {
        skinny_wreg_body<W, NT, WM, false>(p);
    }
}
// emu-end

}  // namespace
}  // namespace nmc::k
