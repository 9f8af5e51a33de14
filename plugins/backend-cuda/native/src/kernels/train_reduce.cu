// The trainer's backward kernels that sum over rows (declared in train_kernels.h): RMSNorm (plain
// and gated-grouped), dt, the depthwise conv1d, linear biases. Every row sum is a two-level
// reduction in a fixed order (no atomics: the gradients are bit-reproducible run to run), spread
// over enough threads to stream memory instead of walking 4096 rows in one thread per column.
//
// Blocks of 1024 threads = 32 columns x 32 row lanes (threadIdx.x = lane * 32 + column):
//   1. lane l sums rows l, l + 32, l + 64, ... of its column (fp32, in row order)
//   2. lanes_sum adds the 32 lane partials of each column in lane order (shared memory)
//   3. lane 0 adds the column's total to the gradient (dw[c] += total, as the trainer accumulates)
// conv1d backward: the same block shape over (channel, time chunk): every lane takes chunks of
// CL = ceil(L / 32) time steps of its channel; din[t] recomputes the K - 1 later values of d u it
// needs (so steps and chunks are independent), and the weight/bias gradient partials meet in
// lanes_sum in chunk order.
#include "train_kernels.h"
#include "device_math.cuh"

namespace nmc::k::train {
namespace {

constexpr int COLS = 32, LANES = 32, THREADS = COLS * LANES;
constexpr int MAX_K = 8;

__device__ __forceinline__ float sigmoid_of(float x) { return 1.0f / (1.0f + expf(-x)); }

// 2. the sum of v over the block's 32 lanes of each column, in lane order; valid in lane 0
__device__ __forceinline__ float lanes_sum(float v) {
    __shared__ float part[LANES][COLS + 1];
    int c = threadIdx.x % COLS, l = threadIdx.x / COLS;
    part[l][c] = v;
    __syncthreads();
    float acc = 0.0f;
    if (l == 0) {
        for (int i = 0; i < LANES; i++) acc += part[i][c];
    }
    __syncthreads();  // part is reused by the next call
    return acc;
}

// grid (rows, groups): dx = rstd (w dy) - x rstd^3 / gs * sum(w dy x)
__global__ void rms_backward_kernel(const float *x, const float *w, const float *rstd, const float *dy, int dim,
                                    int gs, float *dx, bool add) {
    int r = blockIdx.x, g = blockIdx.y;
    int64_t base = (int64_t)r * dim + g * gs;
    float inv = rstd[(int64_t)r * gridDim.y + g];
    float dot = 0.0f;
    for (int c = threadIdx.x; c < gs; c += blockDim.x) dot += w[g * gs + c] * dy[base + c] * x[base + c];
    dot = block_sum(dot);
    float k = inv * inv * inv * dot / gs;
    for (int c = threadIdx.x; c < gs; c += blockDim.x) {
        float v = inv * w[g * gs + c] * dy[base + c] - x[base + c] * k;
        dx[base + c] = add ? dx[base + c] + v : v;
    }
}

// dw[c] += sum_r dy[r, c] x[r, c] rstd[r, group of c]
__global__ void rms_dw_kernel(const float *x, const float *rstd, const float *dy, int rows, int dim, int gs,
                              int groups, float *dw) {
    int c = blockIdx.x * COLS + (int)threadIdx.x % COLS, l = (int)threadIdx.x / COLS;
    float acc = 0.0f;
    if (c < dim) {
        int g = c / gs;
        for (int r = l; r < rows; r += LANES) {                                                       // 1.
            int64_t i = (int64_t)r * dim + c;
            acc += dy[i] * x[i] * rstd[(int64_t)r * groups + g];
        }
    }
    acc = lanes_sum(acc);                                                                             // 2.
    if (threadIdx.x < COLS && c < dim) dw[c] += acc;                                                  // 3.
}

// db[c] += sum_r v[r, c] (rows of `stride`)
__global__ void col_sum_kernel(const float *v, int64_t stride, int rows, int dim, float *db) {
    int c = blockIdx.x * COLS + (int)threadIdx.x % COLS, l = (int)threadIdx.x / COLS;
    float acc = 0.0f;
    if (c < dim) {
        for (int r = l; r < rows; r += LANES) acc += v[(int64_t)r * stride + c];
    }
    acc = lanes_sum(acc);
    if (threadIdx.x < COLS && c < dim) db[c] += acc;
}

// one thread per (row, head): draw = ddt * sigmoid(raw + bias) inside the clamp, 0 where it clamps
__global__ void dt_grad_kernel(const float *raw, int raw_stride, const float *bias, const float *ddt, int rows,
                               int heads, float lo, float hi, float *draw) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (int64_t)rows * heads) return;
    int64_t r = i / heads;
    int h = (int)(i % heads);
    float v = raw[r * raw_stride + h] + bias[h];
    float sp = softplus(v);
    draw[r * raw_stride + h] = (sp < lo || sp > hi) ? 0.0f : ddt[i] * sigmoid_of(v);
}

// d u at time t of channel c: u = bias + sum_k w[k] in[t-K+1+k];  du = dout silu'(u)
template <int K>
__device__ __forceinline__ float conv_du(const float *in, int in_stride, const float *dout, int dout_stride,
                                         int64_t row0, int c, int t, const float *wk, float bv) {
    float u = bv;
    for (int k = 0; k < K; k++) {
        int tt = t - K + 1 + k;
        if (tt >= 0) u += wk[k] * in[(row0 + tt) * in_stride + c];
    }
    float s = sigmoid_of(u);
    return dout[(row0 + t) * dout_stride + c] * s * (1.0f + u * (1.0f - s));
}

// grid: ceil(channels / 32) blocks of 32 channels x 32 lanes; lane l takes chunks l, l + 32, ... of
// the batch * nc chunks (sequence-major) of cl time steps
// the taps K a template argument: the loops over them unroll and wk, gw stay in registers
template <int K>
__global__ void __launch_bounds__(THREADS) conv_backward_kernel(const float *in, int in_stride, const float *w,
                                                                const float *bias, const float *dout, int dout_stride,
                                                                int batch, int seq_len, int channels, int cl, int nc,
                                                                float *din, int din_stride, float *dw, float *dbias) {
    int c = blockIdx.x * COLS + (int)threadIdx.x % COLS, l = (int)threadIdx.x / COLS;
    float wk[K], gw[K];
    for (int k = 0; k < K; k++) wk[k] = gw[k] = 0.0f;
    float gb = 0.0f;
    if (c < channels) {
        for (int k = 0; k < K; k++) wk[k] = w[c * K + k];
        float bv = bias ? bias[c] : 0.0f;
        for (int item = l; item < batch * nc; item += LANES) {
            int b = item / nc, t0 = (item % nc) * cl, t1 = min(seq_len, t0 + cl);
            int64_t row0 = (int64_t)b * seq_len;
            for (int t = t0; t < t1; t++) {
                // a. du at t: the parameter partials
                float du = conv_du<K>(in, in_stride, dout, dout_stride, row0, c, t, wk, bv);
                gb += du;
                for (int k = 0; k < K; k++) {
                    int tt = t - K + 1 + k;
                    if (tt >= 0) gw[k] += du * in[(row0 + tt) * in_stride + c];
                }
                // b. din[t] = sum_k w[k] du[t + K-1-k]: the K-1 later values of du recomputed (reads that
                //    hit L1: the warp's 32 channels are contiguous), so every step stands alone
                float acc = wk[K - 1] * du;
                for (int j = 1; j < K; j++) {
                    if (t + j < seq_len) acc += wk[K - 1 - j] * conv_du<K>(in, in_stride, dout, dout_stride, row0, c, t + j, wk, bv);
                }
                din[(row0 + t) * din_stride + c] = acc;
            }
        }
    }
    for (int k = 0; k < K; k++) {  // K is uniform over the block: every thread reaches each barrier
        float s = lanes_sum(gw[k]);
        if (threadIdx.x < COLS && c < channels) dw[c * K + k] += s;
    }
    float s = lanes_sum(gb);
    if (dbias && threadIdx.x < COLS && c < channels) dbias[c] += s;
}

inline unsigned col_blocks(int dim) { return (unsigned)((dim + COLS - 1) / COLS); }

int threads_for(int n) {
    int t = 32;
    while (t < n && t < 512) t <<= 1;
    return t;
}

}  // namespace

int rms_backward(const float *x, const float *w, const float *rstd, const float *dy, int rows, int dim, int groups,
                 float *dx, bool add, float *dw, cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    int gs = dim / groups;
    rms_backward_kernel<<<dim3(rows, groups), threads_for(gs), 0, stream>>>(x, w, rstd, dy, dim, gs, dx, add);
    NMC_LAUNCHED("rms_backward");
    rms_dw_kernel<<<col_blocks(dim), THREADS, 0, stream>>>(x, rstd, dy, rows, dim, gs, groups, dw);
    NMC_LAUNCHED("rms_backward dw");
    return NMC_OK;
}

int dt_backward(const float *raw, int raw_stride, const float *bias, const float *ddt, int rows, int heads, float lo,
                float hi, float *draw, float *dbias, cudaStream_t stream) {
    int64_t n = (int64_t)rows * heads;
    if (n == 0) return NMC_OK;
    dt_grad_kernel<<<(unsigned)((n + 255) / 256), 256, 0, stream>>>(raw, raw_stride, bias, ddt, rows, heads, lo, hi,
                                                                     draw);
    NMC_LAUNCHED("dt_backward");
    col_sum_kernel<<<col_blocks(heads), THREADS, 0, stream>>>(draw, raw_stride, rows, heads, dbias);
    NMC_LAUNCHED("dt_backward bias");
    return NMC_OK;
}

int conv_backward(const float *in, int in_stride, const float *w, const float *bias, const float *dout,
                  int dout_stride, int batch, int seq_len, int channels, int kernel, float *din, int din_stride,
                  float *dw, float *dbias, cudaStream_t stream) {
    if (kernel > MAX_K || kernel <= 0) return nmc::fail("conv_backward: conv kernel must be 1 to 8");
    if (batch <= 0 || seq_len <= 0 || channels <= 0) return NMC_OK;
    int cl = (seq_len + LANES - 1) / LANES, nc = (seq_len + cl - 1) / cl;
    unsigned grid = col_blocks(channels);
#define NMC_CONV_BWD(KT)                                                                                          \
    case KT:                                                                                                      \
        conv_backward_kernel<KT><<<grid, THREADS, 0, stream>>>(in, in_stride, w, bias, dout, dout_stride, batch,  \
                                                               seq_len, channels, cl, nc, din, din_stride, dw, dbias); \
        break;
    switch (kernel) {
        NMC_CONV_BWD(1) NMC_CONV_BWD(2) NMC_CONV_BWD(3) NMC_CONV_BWD(4)
        NMC_CONV_BWD(5) NMC_CONV_BWD(6) NMC_CONV_BWD(7) NMC_CONV_BWD(8)
    }
#undef NMC_CONV_BWD
    NMC_LAUNCHED("conv_backward");
    return NMC_OK;
}

int bias_backward(const float *dy, int stride, int rows, int dim, float *db, cudaStream_t stream) {
    if (rows == 0 || dim == 0) return NMC_OK;
    col_sum_kernel<<<col_blocks(dim), THREADS, 0, stream>>>(dy, stride, rows, dim, db);
    NMC_LAUNCHED("bias_backward");
    return NMC_OK;
}

}  // namespace nmc::k::train
