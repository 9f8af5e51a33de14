// The Mamba-2 selective scan for training: the recurrence, sequential over time, forward keeping
// a state checkpoint every TC tokens, and its backward recomputing each chunk's states from the
// checkpoint (memory O(L/TC * P * N) per head instead of O(L P N)).
//
// One warp per (sequence b, head h, channel p); lane l holds state entries n = l + 32 j, j < NJ.
// g = h / (H / G);  x_t = x[t, h, p];  B_t, C_t = B[t, g, :], C[t, g, :];  A = -exp(A_log[h])
// forward:  a_t = exp(dt_t A);  S_t = a_t S_{t-1} + dt_t x_t B_t  (S_{-1} = 0)
//           y_t = C_t . S_t + D x_t
// backward, t = L-1 .. 0, G = dL/dS_t (G_L = 0, a_L = 0):
//   1. G   = a_{t+1} G + dy_t C_t
//   2. dC_t += dy_t S_t;   dB_t += dt_t x_t G            (sum over the group's h and p: shared
//                                                         memory over a block's p, then atomics)
//   3. dx_t = dt_t (G . B_t) + D dy_t
//   4. ddt_t += G . (x_t B_t + A a_t S_{t-1})           (sum over p: atomics)
//   5. dA += dt_t a_t G . S_{t-1};  dA_log = dA * A;  dD += dy_t x_t
#include "train_kernels.h"
#include "device_math.cuh"

namespace nmc::k::train {
namespace {

constexpr int TC = 16;      // tokens per checkpoint chunk
constexpr int WARPS = 4;    // channels p per block (forward)
constexpr int BWARPS = 16;  // channels p per block (backward: they share the dB, dC, ddt sums)

struct Lane {
    int b, h, p, g;
    bool active;
};

__device__ __forceinline__ Lane lane_of(const ScanArgs &s, int warps) {
    Lane l;
    l.b = blockIdx.x / s.heads;
    l.h = blockIdx.x % s.heads;
    l.p = blockIdx.y * warps + (threadIdx.x >> 5);
    l.g = l.h / (s.heads / s.groups);
    l.active = l.p < s.head_dim;
    return l;
}

__device__ __forceinline__ int64_t ckpt_index(const ScanArgs &s, const Lane &l, int chunk, int n) {
    int nch = (s.seq_len + TC - 1) / TC;
    return ((((int64_t)l.b * s.heads + l.h) * nch + chunk) * s.head_dim + l.p) * s.state + n;
}

template <int NJ>
__global__ void scan_forward_kernel(ScanArgs s, float *y, float *ckpt) {
    Lane l = lane_of(s, WARPS);
    if (!l.active) return;
    int lane = threadIdx.x & 31;
    int N = s.state, inner = s.heads * s.head_dim;
    float A = -expf(s.a_log[l.h]), Dh = s.d[l.h];
    float st[NJ];
    for (int j = 0; j < NJ; j++) st[j] = 0.0f;
    for (int t = 0; t < s.seq_len; t++) {
        if (t % TC == 0) {
            for (int j = 0; j < NJ; j++) {
                int n = lane + 32 * j;
                if (n < N) ckpt[ckpt_index(s, l, t / TC, n)] = st[j];
            }
        }
        int64_t row = (int64_t)l.b * s.seq_len + t;
        const float *r = s.xbc + row * s.conv_dim;
        float x = r[l.h * s.head_dim + l.p];
        float dt = s.dt[row * s.heads + l.h];
        float a = expf(dt * A);
        float acc = 0.0f;
        for (int j = 0; j < NJ; j++) {
            int n = lane + 32 * j;
            if (n < N) {
                st[j] = a * st[j] + dt * x * r[inner + l.g * N + n];
                acc += r[inner + s.groups * N + l.g * N + n] * st[j];
            }
        }
        acc = warp_sum(acc);
        if (lane == 0) y[row * inner + l.h * s.head_dim + l.p] = acc + Dh * x;
    }
}

// The block's WARPS warps share (b, h) and walk the same tokens in lockstep, so their dB, dC and
// ddt contributions are summed in shared memory first: one atomic per block instead of per warp.
// Warps past the head's last channel contribute zeros (they still take part in the barriers).
template <int NJ>
__global__ void scan_backward_kernel(ScanArgs s, const float *ckpt, const float *dy, float *dxbc, float *ddt,
                                     float *da_log, float *dd) {
    __shared__ float sB[BWARPS][32 * NJ], sC[BWARPS][32 * NJ], sdt[BWARPS];
    Lane l = lane_of(s, BWARPS);
    int lane = threadIdx.x & 31, w = threadIdx.x >> 5;
    int N = s.state, inner = s.heads * s.head_dim;
    int boff = inner + l.g * N, coff = inner + s.groups * N + l.g * N;
    float A = -expf(s.a_log[l.h]), Dh = s.d[l.h];
    float G[NJ], prev0[NJ], hs[TC][NJ];
    for (int j = 0; j < NJ; j++) G[j] = 0.0f;
    float a_next = 0.0f, dA = 0.0f, dD = 0.0f;
    int nch = (s.seq_len + TC - 1) / TC;
    for (int c = nch - 1; c >= 0; c--) {
        int t0 = c * TC, t1 = min(s.seq_len, t0 + TC);
        // 1. recompute the chunk's states from its checkpoint
        for (int j = 0; j < NJ; j++) {
            int n = lane + 32 * j;
            prev0[j] = l.active && n < N ? ckpt[ckpt_index(s, l, c, n)] : 0.0f;
        }
        for (int t = t0; t < t1; t++) {
            int64_t row = (int64_t)l.b * s.seq_len + t;
            const float *r = s.xbc + row * s.conv_dim;
            float x = l.active ? r[l.h * s.head_dim + l.p] : 0.0f;
            float dt = s.dt[row * s.heads + l.h];
            float a = expf(dt * A);
            for (int j = 0; j < NJ; j++) {
                int n = lane + 32 * j;
                float before = t == t0 ? prev0[j] : hs[t - t0 - 1][j];
                hs[t - t0][j] = n < N ? a * before + dt * x * r[boff + n] : 0.0f;
            }
        }
        // 2. the chunk's tokens in reverse
        for (int t = t1 - 1; t >= t0; t--) {
            int64_t row = (int64_t)l.b * s.seq_len + t;
            const float *r = s.xbc + row * s.conv_dim;
            float *dr = dxbc + row * s.conv_dim;
            float x = l.active ? r[l.h * s.head_dim + l.p] : 0.0f;
            float dt = s.dt[row * s.heads + l.h];
            float a = expf(dt * A);
            float g_out = l.active ? dy[row * inner + l.h * s.head_dim + l.p] : 0.0f;
            float gb = 0.0f, gdt = 0.0f, gda = 0.0f;
            for (int j = 0; j < NJ; j++) {
                int n = lane + 32 * j;
                float cb = 0.0f, cc = 0.0f;
                if (n < N) {
                    float Bn = r[boff + n], Cn = r[coff + n];
                    float before = t == t0 ? prev0[j] : hs[t - t0 - 1][j];
                    G[j] = a_next * G[j] + g_out * Cn;                    // 1.
                    cc = g_out * hs[t - t0][j];                           // 2.
                    cb = dt * x * G[j];
                    gb += G[j] * Bn;                                      // 3.
                    gdt += G[j] * (x * Bn + A * a * before);              // 4.
                    gda += G[j] * before;                                 // 5.
                }
                sB[w][lane + 32 * j] = cb;
                sC[w][lane + 32 * j] = cc;
            }
            gb = warp_sum(gb);
            gdt = warp_sum(gdt);
            gda = warp_sum(gda);
            if (lane == 0) {
                sdt[w] = gdt;
                if (l.active) {
                    dr[l.h * s.head_dim + l.p] = dt * gb + Dh * g_out;
                    dA += dt * a * gda;
                    dD += g_out * x;
                }
            }
            __syncthreads();
            for (int n = threadIdx.x; n < N; n += blockDim.x) {
                float b_sum = 0.0f, c_sum = 0.0f;
                for (int v = 0; v < BWARPS; v++) {
                    b_sum += sB[v][n];
                    c_sum += sC[v][n];
                }
                atomicAdd(&dr[boff + n], b_sum);
                atomicAdd(&dr[coff + n], c_sum);
            }
            if (threadIdx.x == 0) {
                float sum = 0.0f;
                for (int v = 0; v < BWARPS; v++) sum += sdt[v];
                atomicAdd(&ddt[row * s.heads + l.h], sum);
            }
            __syncthreads();
            a_next = a;
        }
    }
    if (lane == 0 && l.active) {
        atomicAdd(&da_log[l.h], dA * A);
        atomicAdd(&dd[l.h], dD);
    }
}

int nj_of(int state) { return state <= 32 ? 1 : state <= 64 ? 2 : state <= 128 ? 4 : state <= 256 ? 8 : -1; }

}  // namespace

int64_t scan_checkpoint_floats(const ScanArgs &s) {
    int64_t nch = (s.seq_len + TC - 1) / TC;
    return (int64_t)s.batch * s.heads * nch * s.head_dim * s.state;
}

int scan_forward(const ScanArgs &s, float *y, float *ckpt, cudaStream_t stream) {
    dim3 grid(s.batch * s.heads, (s.head_dim + WARPS - 1) / WARPS);
    switch (nj_of(s.state)) {
        case 1: scan_forward_kernel<1><<<grid, 32 * WARPS, 0, stream>>>(s, y, ckpt); break;
        case 2: scan_forward_kernel<2><<<grid, 32 * WARPS, 0, stream>>>(s, y, ckpt); break;
        case 4: scan_forward_kernel<4><<<grid, 32 * WARPS, 0, stream>>>(s, y, ckpt); break;
        case 8: scan_forward_kernel<8><<<grid, 32 * WARPS, 0, stream>>>(s, y, ckpt); break;
        default: return nmc::fail("training scan: ssm_state_size above 256");
    }
    NMC_LAUNCHED("scan_forward");
    return NMC_OK;
}

int scan_backward(const ScanArgs &s, const float *ckpt, const float *dy, float *dxbc, float *ddt, float *da_log,
                  float *dd, cudaStream_t stream) {
    int64_t rows = (int64_t)s.batch * s.seq_len;
    NMC_CUDA(cudaMemsetAsync(dxbc, 0, rows * s.conv_dim * sizeof(float), stream));
    NMC_CUDA(cudaMemsetAsync(ddt, 0, rows * s.heads * sizeof(float), stream));
    dim3 grid(s.batch * s.heads, (s.head_dim + BWARPS - 1) / BWARPS);
    int threads = 32 * BWARPS;
    switch (nj_of(s.state)) {
        case 1: scan_backward_kernel<1><<<grid, threads, 0, stream>>>(s, ckpt, dy, dxbc, ddt, da_log, dd); break;
        case 2: scan_backward_kernel<2><<<grid, threads, 0, stream>>>(s, ckpt, dy, dxbc, ddt, da_log, dd); break;
        case 4: scan_backward_kernel<4><<<grid, threads, 0, stream>>>(s, ckpt, dy, dxbc, ddt, da_log, dd); break;
        case 8: scan_backward_kernel<8><<<grid, threads, 0, stream>>>(s, ckpt, dy, dxbc, ddt, da_log, dd); break;
        default: return nmc::fail("training scan: ssm_state_size above 256");
    }
    NMC_LAUNCHED("scan_backward");
    return NMC_OK;
}

}  // namespace nmc::k::train
