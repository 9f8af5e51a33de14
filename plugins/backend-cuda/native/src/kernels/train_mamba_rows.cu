// The Mamba layer's element-wise training work as row and tile kernels: NMC_MAMBA_ELEM unset or rows
// (the default since session 12; "old": the flat kernels of train_kernels.cu and the column sums of
// train_reduce.cu). Declared
// in train_kernels.h; the trainer's steps (train_layers.cu header) 2, 3 and 5, forward and backward.
// Shapes: rows r = b L + t (R = B L), inner D = H P in G groups of gs = D / G, conv_dim C, K taps.
//
//   F5  gated_norm_forward_rows   block (RB rows, group g), threads_for(gs) threads, a thread's
//       columns c = tid + k blockDim (k < MAXC) in registers: tg = y silu(z) is never written (the
//       backward recomputes it), ss = block_sum(tg^2), mid = w (tg rstd) (fp32 or BF16 mid16),
//       rstd[r, g]. Same operations in the same order as gate_forward + rms_forward: bit-equal.
//   B5  gated_norm_backward_rows  the same blocks; per row y, z, dmid read once into registers
//       (both kernels load row r + 1 while row r sums and stores: load_row),
//       tg recomputed, dot = block_sum(w dmid tg), dtg = rstd w dmid - tg rstd^3 dot / gs, then
//       dy = dtg silu(z) in place of dmid and dz = dtg y silu'(z) into proj's z columns; dgnorm's
//       partial (sum over the block's RB rows of dmid tg rstd, per column) kept in registers and
//       written once a block to work [R / RB, D]; B_sum adds the tiles in tile order (no atomics:
//       deterministic). dy, dz bit-equal to rms_backward + gate_backward; dgnorm a different sum
//       order (the old kernel: 32 lanes of strided rows, then the lanes) -> tolerance.
//   B3+B2 conv_dt_backward_rows  block (128 channels, TT = 64 time steps of one sequence), a thread
//       a channel walking its steps once with the K inputs and K values of d u in registers
//       (sliding windows): u, du = dout silu'(u), dxBC[s] = sum_j w[K-1-j] du[s + j] (K - 1 steps
//       of halo past the tile: du recomputed there, 3/64 more reads), dw, db partials in registers.
//       Extra blocks (beyond the channel tiles) do the dt heads of the same steps: draw =
//       ddt sigmoid(raw + bias) inside the clamp, ddt_bias partial. Partials to work [B L/TT,
//       C (K+1) + H], B_sum adds them in tile order into dconv_w, dconv_b, ddt_bias. dxBC and draw
//       bit-equal to conv_backward and dt_backward (same du formula and tap order); the three
//       parameter gradients a different sum order -> tolerance.
//
// Why: the flat kernels spend their time on 64-bit i / dim, i % dim per element, passes that
// re-read what the previous one wrote (tg, dtg), and the conv backward recomputes every du K times
// (K expf and K (K+1) loads a step) in 1.45 waves of 1024-thread blocks; dt's bias sum runs on
// H / 32 = 2 blocks.
//
// Bytes a call at hybrid1b's shape (B 1, L 4096, D 4096, G 8, C 6144, H 64, K 4; [R, D] fp32 = 67
// MB, [R, C] = 101 MB):
//   F5 old: gate reads y, z, writes tg; norm reads tg, writes mid16 (BF16 33) = 302 MB;  rows: 168 MB
//   B5 old: norm reads tg, dmid, writes dtg; dw reads tg, dmid; gate reads y, z, dtg, writes dy, dz
//           = 671 MB;  rows: reads y, z, dmid, writes dy, dz = 335 MB + partials 2 x 4 MB (RB 16)
//   B3+B2 old: reads in, dout, writes din = 302 MB (+ L1 re-reads: du K times);  rows: 302 MB x
//           (1 + 3/64) + partials 2 x 8 MB = 332 MB; one launch instead of three, plus B_sum.
#include "train_kernels.h"
#include "device_math.cuh"

namespace nmc::k::train {
namespace {

constexpr int RB = 16;        // rows a gated-norm block (dgnorm partials: R / RB tiles)
constexpr int CT = 128;       // channels (or dt heads) a conv block
constexpr int TT = 64;        // time steps a conv block
constexpr int MAX_TAPS = 8;

int threads_for(int n) {  // as rms_forward's / rms_backward's launch: the same block_sum order
    int t = 32;
    while (t < n && t < 512) t <<= 1;
    return t;
}

// Row r's columns of the thread (c = tid + k blockDim < gs) of a (rows of stride ld) into v: the
// kernels load row r + 1 before row r's block sum and stores, so its loads are in flight meanwhile
template <int MAXC>
__device__ __forceinline__ void load_row(const float *a, int64_t ld, int r, int col0, int gs,
                                         float (&v)[MAXC]) {
#pragma unroll
    for (int k = 0; k < MAXC; k++) {
        const int c = threadIdx.x + k * blockDim.x;
        v[k] = c < gs ? a[(int64_t)r * ld + col0 + c] : 0.0f;
    }
}

// F5. grid (ceil(R / RB), G); MAXC >= ceil(gs / blockDim)
template <int MAXC>
__global__ void __launch_bounds__(512)
    gated_norm_forward_rows(const float *y, const float *z, int z_stride, int rows, int dim, int gs, const float *w,
                            float eps, float *out, __nv_bfloat16 *out16, float *rstd) {
    const int g = blockIdx.y, groups = gridDim.y, r0 = blockIdx.x * RB, r1 = min(rows, r0 + RB);
    float wv[MAXC], tv[MAXC], yv[MAXC], zv[MAXC], ny[MAXC], nz[MAXC];
    load_row<MAXC>(w, 0, 0, g * gs, gs, wv);
    load_row<MAXC>(y, dim, r0, g * gs, gs, ny);
    load_row<MAXC>(z, z_stride, r0, g * gs, gs, nz);
    for (int r = r0; r < r1; r++) {
        const int64_t base = (int64_t)r * dim + g * gs;
#pragma unroll
        for (int k = 0; k < MAXC; k++) yv[k] = ny[k], zv[k] = nz[k];
        if (r + 1 < r1) {
            load_row<MAXC>(y, dim, r + 1, g * gs, gs, ny);
            load_row<MAXC>(z, z_stride, r + 1, g * gs, gs, nz);
        }
        float ss = 0.0f;
#pragma unroll
        for (int k = 0; k < MAXC; k++) {
            const int c = threadIdx.x + k * blockDim.x;
            tv[k] = 0.0f;
            if (c < gs) {
                tv[k] = yv[k] * silu(zv[k]);
                ss += tv[k] * tv[k];
            }
        }
        const float inv = rsqrtf(block_sum(ss) / gs + eps);
#pragma unroll
        for (int k = 0; k < MAXC; k++) {
            const int c = threadIdx.x + k * blockDim.x;
            if (c < gs) {
                const float v = wv[k] * (tv[k] * inv);
                if (out16) out16[base + c] = __float2bfloat16(v);
                else out[base + c] = v;
            }
        }
        if (threadIdx.x == 0) rstd[(int64_t)r * groups + g] = inv;
    }
}

// B5. grid (ceil(R / RB), G); dmid in, dy out (same array); part [gridDim.x, dim]
template <int MAXC>
__global__ void __launch_bounds__(512)
    gated_norm_backward_rows(const float *y, const float *z, float *dz, int z_stride, const float *w, const float *rstd,
                             float *dmid, int rows, int dim, int gs, float *part) {
    const int g = blockIdx.y, groups = gridDim.y, r0 = blockIdx.x * RB, r1 = min(rows, r0 + RB);
    float wv[MAXC], acc[MAXC], yv[MAXC], zv[MAXC], gv[MAXC], tv[MAXC], ny[MAXC], nz[MAXC], ng[MAXC];
    load_row<MAXC>(w, 0, 0, g * gs, gs, wv);
#pragma unroll
    for (int k = 0; k < MAXC; k++) acc[k] = 0.0f;
    load_row<MAXC>(y, dim, r0, g * gs, gs, ny);
    load_row<MAXC>(z, z_stride, r0, g * gs, gs, nz);
    load_row<MAXC>(dmid, dim, r0, g * gs, gs, ng);
    float ninv = rstd[(int64_t)r0 * groups + g];
    for (int r = r0; r < r1; r++) {
        const int64_t base = (int64_t)r * dim + g * gs, zb = (int64_t)r * z_stride + g * gs;
        const float inv = ninv;
#pragma unroll
        for (int k = 0; k < MAXC; k++) yv[k] = ny[k], zv[k] = nz[k], gv[k] = ng[k];
        if (r + 1 < r1) {  // row r + 1's loads (its dmid before row r's stores: other addresses)
            load_row<MAXC>(y, dim, r + 1, g * gs, gs, ny);
            load_row<MAXC>(z, z_stride, r + 1, g * gs, gs, nz);
            load_row<MAXC>(dmid, dim, r + 1, g * gs, gs, ng);
            ninv = rstd[(int64_t)(r + 1) * groups + g];
        }
        float dot = 0.0f;
#pragma unroll
        for (int k = 0; k < MAXC; k++) {
            const int c = threadIdx.x + k * blockDim.x;
            tv[k] = 0.0f;
            if (c < gs) {
                tv[k] = yv[k] * silu(zv[k]);  // the forward's tg, bit for bit
                dot += wv[k] * gv[k] * tv[k];
            }
        }
        dot = block_sum(dot);
        const float kk = inv * inv * inv * dot / gs;
#pragma unroll
        for (int k = 0; k < MAXC; k++) {
            const int c = threadIdx.x + k * blockDim.x;
            if (c < gs) {
                const float dtg = inv * wv[k] * gv[k] - tv[k] * kk;
                const float sg = sigmoid(zv[k]);
                acc[k] += gv[k] * tv[k] * inv;
                dmid[base + c] = dtg * zv[k] * sg;
                dz[zb + c] = dtg * yv[k] * sg * (1.0f + zv[k] * (1.0f - sg));  // silu'(z) = s (1 + z (1 - s))
            }
        }
    }
#pragma unroll
    for (int k = 0; k < MAXC; k++) {
        const int c = threadIdx.x + k * blockDim.x;
        if (c < gs) part[(int64_t)blockIdx.x * dim + g * gs + c] = acc[k];
    }
}

// B3+B2. grid (ceil(C / CT) + ceil(H / CT), B ntt); part [B ntt, C (K+1) + H]:
// dw partials at c K + k, db at C K + c, ddt_bias at C (K+1) + h (restrict, unroll 8: the loads of
// later steps may pass the stores of earlier ones)
template <int K>
__global__ void __launch_bounds__(CT)
    conv_dt_backward_rows(const float *__restrict__ in, int in_stride, const float *__restrict__ w,
                          const float *__restrict__ bias, const float *__restrict__ dout, int dout_stride, int L, int C,
                          int ntt, float *__restrict__ din, int din_stride, const float *__restrict__ raw,
                          int raw_stride, const float *__restrict__ dt_bias, const float *__restrict__ ddt, int H,
                          float lo, float hi, float *__restrict__ draw, float *__restrict__ part) {
    const int nct = (C + CT - 1) / CT, b = blockIdx.y / ntt, t0 = (blockIdx.y % ntt) * TT, t1 = min(L, t0 + TT);
    const int64_t row0 = (int64_t)b * L, width = (int64_t)C * (K + 1) + H;
    float *prow = part + (int64_t)blockIdx.y * width;
    if ((int)blockIdx.x >= nct) {  // dt heads
        const int h = ((int)blockIdx.x - nct) * CT + threadIdx.x;
        if (h >= H) return;
        const float bh = dt_bias[h];
        float gb = 0.0f;
        for (int t = t0; t < t1; t++) {
            const int64_t i = row0 + t;
            const float v = raw[i * raw_stride + h] + bh, sp = softplus(v);
            const float d = (sp < lo || sp > hi) ? 0.0f : ddt[i * H + h] * sigmoid(v);
            draw[i * raw_stride + h] = d;
            gb += d;
        }
        prow[(int64_t)C * (K + 1) + h] = gb;
        return;
    }
    const int c = blockIdx.x * CT + threadIdx.x;
    if (c >= C) return;
    float wk[K], gw[K], hist[K], duq[K];  // hist[i]: input at t - K + 1 + i; duq[i]: du at t - K + 1 + i
    const float bv = bias ? bias[c] : 0.0f;
#pragma unroll
    for (int k = 0; k < K; k++) {
        wk[k] = w[c * K + k];
        gw[k] = duq[k] = hist[k] = 0.0f;
    }
#pragma unroll
    for (int i = 1; i < K; i++) {
        const int tt = t0 - K + i;
        if (tt >= 0) hist[i] = in[(row0 + tt) * in_stride + c];
    }
    float gb = 0.0f;
#pragma unroll 8
    for (int t = t0; t < t1 + K - 1; t++) {
        float du = 0.0f;
#pragma unroll
        for (int k = 0; k + 1 < K; k++) hist[k] = hist[k + 1];
        if (t < L) {
            hist[K - 1] = in[(row0 + t) * in_stride + c];
            float u = bv;
#pragma unroll
            for (int k = 0; k < K; k++) {
                if (t - K + 1 + k >= 0) u += wk[k] * hist[k];
            }
            const float s = sigmoid(u);
            du = dout[(row0 + t) * dout_stride + c] * s * (1.0f + u * (1.0f - s));
            if (t < t1) {
                gb += du;
#pragma unroll
                for (int k = 0; k < K; k++) {
                    if (t - K + 1 + k >= 0) gw[k] += du * hist[k];
                }
            }
        }
#pragma unroll
        for (int k = 0; k + 1 < K; k++) duq[k] = duq[k + 1];
        duq[K - 1] = du;
        const int s = t - (K - 1);  // din[s] = sum_j w[K-1-j] du[s + j], j < K, s + j < L
        if (s >= t0) {
            float acc = wk[K - 1] * duq[0];
#pragma unroll
            for (int j = 1; j < K; j++) {
                if (s + j < L) acc += wk[K - 1 - j] * duq[j];
            }
            din[(row0 + s) * din_stride + c] = acc;
        }
    }
#pragma unroll
    for (int k = 0; k < K; k++) prow[(int64_t)c * K + k] = gw[k];
    prow[(int64_t)C * K + c] = gb;
}

// B_sum. out j of n (segments: d0 [0, n0), d1 [n0, n0 + n1), d2 the rest; a null segment is
// skipped): d += sum over the tiles of part[tile, j], in tile order
__global__ void sum_tiles(const float *part, int tiles, int n, float *d0, int n0, float *d1, int n1, float *d2) {
    const int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= n) return;
    float *d = j < n0 ? d0 + j : j < n0 + n1 ? (d1 ? d1 + (j - n0) : nullptr) : (d2 ? d2 + (j - n0 - n1) : nullptr);
    if (d == nullptr) return;
    float s = 0.0f;
    for (int i = 0; i < tiles; i++) s += part[(int64_t)i * n + j];
    *d += s;
}

int sum_tiles_launch(const float *part, int tiles, int n, float *d0, int n0, float *d1, int n1, float *d2,
                     cudaStream_t stream) {
    sum_tiles<<<(unsigned)((n + 255) / 256), 256, 0, stream>>>(part, tiles, n, d0, n0, d1, n1, d2);
    NMC_LAUNCHED("mamba rows: sum_tiles");
    return NMC_OK;
}

// MAXC for gs columns over threads_for(gs) threads; 0 where gs is too wide (> 8 x 512)
int maxc_for(int gs) {
    const int per = (gs + threads_for(gs) - 1) / threads_for(gs);
    return per <= 1 ? 1 : per <= 2 ? 2 : per <= 4 ? 4 : per <= 8 ? 8 : 0;
}

}  // namespace

bool gated_norm_rows_supported(int dim, int groups) {
    return groups > 0 && dim % groups == 0 && maxc_for(dim / groups) > 0;
}

int gated_norm_forward_rows(const float *y, const float *z, int z_stride, int rows, int dim, int groups, const float *w,
                            float eps, float *out, float *rstd, cudaStream_t stream, void *out16) {
    if (rows == 0) return NMC_OK;
    if (!gated_norm_rows_supported(dim, groups)) return nmc::fail("gated_norm_forward_rows: group wider than 4096 columns");
    const int gs = dim / groups, th = threads_for(gs);
    const dim3 grid((unsigned)((rows + RB - 1) / RB), (unsigned)groups);
    __nv_bfloat16 *o16 = static_cast<__nv_bfloat16 *>(out16);
    switch (maxc_for(gs)) {
        case 1: gated_norm_forward_rows<1><<<grid, th, 0, stream>>>(y, z, z_stride, rows, dim, gs, w, eps, out, o16, rstd); break;
        case 2: gated_norm_forward_rows<2><<<grid, th, 0, stream>>>(y, z, z_stride, rows, dim, gs, w, eps, out, o16, rstd); break;
        case 4: gated_norm_forward_rows<4><<<grid, th, 0, stream>>>(y, z, z_stride, rows, dim, gs, w, eps, out, o16, rstd); break;
        default: gated_norm_forward_rows<8><<<grid, th, 0, stream>>>(y, z, z_stride, rows, dim, gs, w, eps, out, o16, rstd); break;
    }
    NMC_LAUNCHED("gated_norm_forward_rows");
    return NMC_OK;
}

int64_t gated_norm_rows_work_floats(int rows, int dim) { return (int64_t)((rows + RB - 1) / RB) * dim; }

int gated_norm_backward_rows(const float *y, const float *z, float *dz, int z_stride, const float *w, const float *rstd,
                             float *dmid, int rows, int dim, int groups, float *dw, float *work, int64_t work_floats,
                             cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    if (!gated_norm_rows_supported(dim, groups)) return nmc::fail("gated_norm_backward_rows: group wider than 4096 columns");
    if (work_floats < gated_norm_rows_work_floats(rows, dim)) return nmc::fail("gated_norm_backward_rows: work too small");
    const int gs = dim / groups, th = threads_for(gs), tiles = (rows + RB - 1) / RB;
    const dim3 grid((unsigned)tiles, (unsigned)groups);
    switch (maxc_for(gs)) {
        case 1: gated_norm_backward_rows<1><<<grid, th, 0, stream>>>(y, z, dz, z_stride, w, rstd, dmid, rows, dim, gs, work); break;
        case 2: gated_norm_backward_rows<2><<<grid, th, 0, stream>>>(y, z, dz, z_stride, w, rstd, dmid, rows, dim, gs, work); break;
        case 4: gated_norm_backward_rows<4><<<grid, th, 0, stream>>>(y, z, dz, z_stride, w, rstd, dmid, rows, dim, gs, work); break;
        default: gated_norm_backward_rows<8><<<grid, th, 0, stream>>>(y, z, dz, z_stride, w, rstd, dmid, rows, dim, gs, work); break;
    }
    NMC_LAUNCHED("gated_norm_backward_rows");
    return sum_tiles_launch(work, tiles, dim, dw, dim, nullptr, 0, nullptr, stream);
}

int64_t conv_dt_rows_work_floats(int batch, int seq_len, int channels, int kernel, int heads) {
    return (int64_t)batch * ((seq_len + TT - 1) / TT) * ((int64_t)channels * (kernel + 1) + heads);
}

int conv_dt_backward_rows(const ConvDtBwd &a, float *work, int64_t work_floats, cudaStream_t stream) {
    if (a.kernel <= 0 || a.kernel > MAX_TAPS) return nmc::fail("conv_dt_backward_rows: conv kernel must be 1 to 8");
    if (a.batch <= 0 || a.seq_len <= 0 || a.channels <= 0) return NMC_OK;
    const int64_t need = conv_dt_rows_work_floats(a.batch, a.seq_len, a.channels, a.kernel, a.heads);
    if (work_floats < need) return nmc::fail("conv_dt_backward_rows: work too small");
    const int ntt = (a.seq_len + TT - 1) / TT, tiles = a.batch * ntt;
    const dim3 grid((unsigned)((a.channels + CT - 1) / CT + (a.heads + CT - 1) / CT), (unsigned)tiles);
#define NMC_CONV_DT_ROWS(KT)                                                                                           \
    case KT:                                                                                                           \
        conv_dt_backward_rows<KT><<<grid, CT, 0, stream>>>(a.in, a.in_stride, a.w, a.bias, a.dout, a.dout_stride,     \
                                                           a.seq_len, a.channels, ntt, a.din, a.din_stride, a.raw,    \
                                                           a.raw_stride, a.dt_bias, a.ddt, a.heads, a.lo, a.hi,       \
                                                           a.draw, work);                                              \
        break;
    switch (a.kernel) {
        NMC_CONV_DT_ROWS(1) NMC_CONV_DT_ROWS(2) NMC_CONV_DT_ROWS(3) NMC_CONV_DT_ROWS(4)
        NMC_CONV_DT_ROWS(5) NMC_CONV_DT_ROWS(6) NMC_CONV_DT_ROWS(7) NMC_CONV_DT_ROWS(8)
    }
#undef NMC_CONV_DT_ROWS
    NMC_LAUNCHED("conv_dt_backward_rows");
    const int nw = a.channels * a.kernel;
    return sum_tiles_launch(work, tiles, (int)(need / tiles), a.dw, nw, a.dbias, a.channels, a.ddt_bias, stream);
}

}  // namespace nmc::k::train
