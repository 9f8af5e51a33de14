// Mamba-2 selective scan: chunk-parallel prefill and the single-step decode update.
//
// Per head h (group g = h / (H/G)), state S [P, N] in fp32:
//   dt_t = clamp(softplus(dt_raw + dt_bias[h]))        (or dt as given)
//   S_t  = exp(dt_t * A[h]) * S_{t-1} + dt_t * (x_t[h] outer B_t[g])
//   y_t  = S_t . C_t[g] + D[h] * x_t[h]
//
// Thread layout: one block per (head, chunk) or (head, row); (P / PPT) * 4 threads; thread
// (q, lane) owns state entries S[p, lane + 4j] of the PPT rows p = q * PPT + i, j < NPT =
// ceil(N / 4), in registers, so each B_t[n], C_t[n] it loads serves PPT rows (PPT = 2 in prefill
// where it fits, 1 in decode); y_t[p] is the sum of the 4 lanes (warp shuffles).
//
// Prefill in chunks of T tokens (the state-passing structure of SSD):
//   1. every chunk from a zero state: its final state S_c and decay a_c = exp(A * sum dt)
//   2. sequentially over chunks: S_in[c+1] = a_c * S_in[c] + S_c   (S_in[0] = initial state)
//   3. every chunk again from S_in[c], writing y
// Work is twice the recurrence's; the sequential depth is T + L/T instead of L. Inside a chunk
// the block stages TS tokens of x, B, C, dt and exp(dt A) in shared memory with coalesced loads,
// so the sequential loop reads only shared memory.
#include "kernels.h"
#include "ssm_step.h"
#include "device_math.cuh"

namespace nmc::k {
namespace {

constexpr int LANES = 4;

__device__ __forceinline__ float dt_at(const Scan &s, int t, int h) {
    float v = s.dt[(int64_t)t * s.dt_stride + h];
    if (s.dt_bias != nullptr) {
        v = softplus(v + s.dt_bias[h]);
        v = fminf(fmaxf(v, s.dt_min), s.dt_max);
    }
    return v;
}

// One step of the recurrence on this thread's entries of PPT rows: S = decay S + dx B; adds the
// partial y = S . C over them to y when WANT_Y (the 4 lanes of a row are summed by the caller).
template <int NPT, int PPT, bool WANT_Y>
__device__ __forceinline__ void advance(float (&S)[PPT][NPT], float decay, const float (&dx)[PPT], const float *b,
                                        const float *c, int state_size, int lane, float (&y)[PPT]) {
#pragma unroll
    for (int j = 0; j < NPT; j++) {
        int n = lane + LANES * j;
        if (n < state_size) {
            float bn = b[n];
#pragma unroll
            for (int i = 0; i < PPT; i++) S[i][j] = decay * S[i][j] + dx[i] * bn;
            if (WANT_Y) {
                float cn = c[n];  // loaded after the update: fewer live registers (decode occupancy)
#pragma unroll
                for (int i = 0; i < PPT; i++) y[i] += S[i][j] * cn;
            }
        }
    }
}

// Advances S (one row p) by token t read from global memory (decode); returns the partial y.
template <int NPT>
__device__ __forceinline__ float step(const Scan &s, float (&S)[1][NPT], int t, int h, int g, int p, int lane, float dt,
                                      float *x_out) {
    float x = s.x[(int64_t)t * s.x_stride + h * s.head_dim + p];
    *x_out = x;
    const float *b = s.b + (int64_t)t * s.bc_stride + g * s.state_size;
    const float *c = s.c + (int64_t)t * s.bc_stride + g * s.state_size;
    float dx[1] = {dt * x}, y[1] = {0.0f};
    advance<NPT, 1, true>(S, expf(dt * s.a[h]), dx, b, c, s.state_size, lane, y);
    return y[0];
}

// Sum over the 4 lanes of a state row. A block of (P / PPT) * 4 threads may end in a partial
// warp; then the mask is the threads that exist (every one of them gets here).
__device__ __forceinline__ float lane_sum(float v) {
    unsigned mask = blockDim.x % 32 == 0 ? 0xffffffffu : __activemask();
    v += __shfl_xor_sync(mask, v, 1);
    v += __shfl_xor_sync(mask, v, 2);
    return v;
}

// State rows p = q * PPT + i of a head's [P, N] state, this thread's entries (zeros when src is null).
template <int NPT, int PPT>
__device__ __forceinline__ void load_state(float (&S)[PPT][NPT], const float *src, int N, int q, int lane) {
#pragma unroll
    for (int i = 0; i < PPT; i++)
#pragma unroll
        for (int j = 0; j < NPT; j++) {
            int n = lane + LANES * j;
            S[i][j] = (src != nullptr && n < N) ? src[(int64_t)(q * PPT + i) * N + n] : 0.0f;
        }
}

template <int NPT, int PPT>
__device__ __forceinline__ void store_state(const float (&S)[PPT][NPT], float *dst, int N, int q, int lane) {
#pragma unroll
    for (int i = 0; i < PPT; i++)
#pragma unroll
        for (int j = 0; j < NPT; j++) {
            int n = lane + LANES * j;
            if (n < N) dst[(int64_t)(q * PPT + i) * N + n] = S[i][j];
        }
}

// Shared-memory stage of TS tokens: x [TS][P], B [TS][N], C [TS][N], dt [TS], decay [TS].
struct Stage {
    float *x, *b, *c, *dt, *decay;
    int steps;  // TS
};

__device__ __forceinline__ Stage stage_layout(float *smem, const Scan &s, int steps) {
    Stage st;
    st.steps = steps;
    st.x = smem;
    st.b = st.x + steps * s.head_dim;
    st.c = st.b + steps * s.state_size;
    st.dt = st.c + steps * s.state_size;
    st.decay = st.dt + steps;
    return st;
}

// Loads tokens [t0, t0 + n) of head h (group g) into the stage; C only when want_c.
__device__ __forceinline__ void stage_load(const Scan &s, const Stage &st, int t0, int n, int h, int g, bool want_c) {
    for (int i = threadIdx.x; i < n * s.head_dim; i += blockDim.x) {
        int t = i / s.head_dim, p = i % s.head_dim;
        st.x[i] = s.x[(int64_t)(t0 + t) * s.x_stride + h * s.head_dim + p];
    }
    for (int i = threadIdx.x; i < n * s.state_size; i += blockDim.x) {
        int t = i / s.state_size, nn = i % s.state_size;
        int64_t at = (int64_t)(t0 + t) * s.bc_stride + g * s.state_size + nn;
        st.b[i] = s.b[at];
        if (want_c) st.c[i] = s.c[at];
    }
    for (int t = threadIdx.x; t < n; t += blockDim.x) {
        float dt = dt_at(s, t0 + t, h);
        st.dt[t] = dt;
        st.decay[t] = expf(dt * s.a[h]);
    }
}

// Advances S (rows q * PPT + i) by staged token t; y gets the partial outputs when WANT_Y.
template <int NPT, int PPT, bool WANT_Y>
__device__ __forceinline__ void staged_step(const Scan &s, const Stage &st, float (&S)[PPT][NPT], int t, int q, int lane,
                                            float (&x)[PPT], float (&y)[PPT]) {
    float dx[PPT];
#pragma unroll
    for (int i = 0; i < PPT; i++) {
        x[i] = st.x[t * s.head_dim + q * PPT + i];
        dx[i] = st.dt[t] * x[i];
        y[i] = 0.0f;
    }
    advance<NPT, PPT, WANT_Y>(S, st.decay[t], dx, st.b + t * s.state_size, st.c + t * s.state_size, s.state_size, lane, y);
}

// Pass 1: chunk c from zero; writes S_c to states[c, h] and a_c to decay[c, h].
template <int NPT, int PPT>
__global__ void chunk_local_kernel(Scan s, int seq_len, int chunk, int ts, float *states, float *decay) {
    extern __shared__ float smem[];
    int h = blockIdx.x, c = blockIdx.y, q = threadIdx.x / LANES, lane = threadIdx.x % LANES;
    int g = h / (s.heads / s.groups);
    int64_t hpn = (int64_t)s.head_dim * s.state_size;
    Stage st = stage_layout(smem, s, ts);
    float S[PPT][NPT], x[PPT], y[PPT];
    load_state<NPT, PPT>(S, nullptr, s.state_size, q, lane);
    float dta = 0.0f;
    int t1 = min(seq_len, (c + 1) * chunk);
    for (int t0 = c * chunk; t0 < t1; t0 += ts) {
        int n = min(ts, t1 - t0);
        __syncthreads();
        stage_load(s, st, t0, n, h, g, false);
        __syncthreads();
        for (int t = 0; t < n; t++) {
            dta += st.dt[t] * s.a[h];
            staged_step<NPT, PPT, false>(s, st, S, t, q, lane, x, y);
        }
    }
    store_state<NPT, PPT>(S, states + ((int64_t)c * s.heads + h) * hpn, s.state_size, q, lane);
    if (threadIdx.x == 0) decay[(int64_t)c * s.heads + h] = expf(dta);
}

// Pass 2: states[c] <- S_in[c]; the final state goes to `state` when not null.
__global__ void chunk_pass_kernel(Scan s, int chunks, float *states, const float *decay, float *state) {
    int64_t hpn = (int64_t)s.head_dim * s.state_size, total = hpn * s.heads;
    int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (i >= total) return;
    int h = (int)(i / hpn);
    float run = state != nullptr ? state[i] : 0.0f;
    for (int c = 0; c < chunks; c++) {
        float local = states[c * total + i];
        states[c * total + i] = run;
        run = decay[(int64_t)c * s.heads + h] * run + local;
    }
    if (state != nullptr) state[i] = run;
}

// Pass 3 (or the only pass when there is one chunk): chunk c from init + c * H*P*N, writing y;
// the final state goes to final_state when not null.
template <int NPT, int PPT>
__global__ void chunk_output_kernel(Scan s, int seq_len, int chunk, int ts, const float *init, float *final_state) {
    extern __shared__ float smem[];
    int h = blockIdx.x, c = blockIdx.y, q = threadIdx.x / LANES, lane = threadIdx.x % LANES;
    int g = h / (s.heads / s.groups);
    int64_t hpn = (int64_t)s.head_dim * s.state_size;
    Stage st = stage_layout(smem, s, ts);
    float S[PPT][NPT], x[PPT], y[PPT];
    load_state<NPT, PPT>(S, init ? init + ((int64_t)c * s.heads + h) * hpn : nullptr, s.state_size, q, lane);
    float dskip = s.d ? s.d[h] : 0.0f;
    int t1 = min(seq_len, (c + 1) * chunk);
    for (int t0 = c * chunk; t0 < t1; t0 += ts) {
        int n = min(ts, t1 - t0);
        __syncthreads();
        stage_load(s, st, t0, n, h, g, true);
        __syncthreads();
        for (int t = 0; t < n; t++) {
            staged_step<NPT, PPT, true>(s, st, S, t, q, lane, x, y);
#pragma unroll
            for (int i = 0; i < PPT; i++) {
                float yi = lane_sum(y[i]);
                if (lane == 0) s.y[(int64_t)(t0 + t) * s.y_stride + h * s.head_dim + q * PPT + i] = yi + dskip * x[i];
            }
        }
    }
    if (final_state != nullptr) store_state<NPT, PPT>(S, final_state + h * hpn, s.state_size, q, lane);
}

// Decode: one token per row r (token index r of the inputs), state of slots[r].
// At most 96 registers: with P = 80 a block is 320 threads, and two blocks per SM (the occupancy
// this memory-bound kernel needs; 100 registers would allow one) fit only below 100.
template <int NPT>
__global__ void __maxnreg__(96) step_kernel(Scan s, float *states, const int32_t *slots) {
    int h = blockIdx.x, r = blockIdx.y, p = threadIdx.x / LANES, lane = threadIdx.x % LANES;
    int g = h / (s.heads / s.groups);
    int64_t hpn = (int64_t)s.head_dim * s.state_size;
    float *st = states + ((int64_t)slots[r] * s.heads + h) * hpn;
    float S[1][NPT];
    load_state<NPT, 1>(S, st, s.state_size, p, lane);
    float x;
    float y = lane_sum(step<NPT>(s, S, r, h, g, p, lane, dt_at(s, r, h), &x));
    if (lane == 0) s.y[(int64_t)r * s.y_stride + h * s.head_dim + p] = y + (s.d ? s.d[h] : 0.0f) * x;
    store_state<NPT, 1>(S, st, s.state_size, p, lane);
}

template <template <int> class Launch, typename... Args>
int dispatch_npt(int state_size, Args... args) {
    int npt = (state_size + LANES - 1) / LANES;
    if (npt <= 1) return Launch<1>::run(args...);
    if (npt <= 2) return Launch<2>::run(args...);
    if (npt <= 4) return Launch<4>::run(args...);
    if (npt <= 8) return Launch<8>::run(args...);
    if (npt <= 16) return Launch<16>::run(args...);
    if (npt <= 32) return Launch<32>::run(args...);
    if (npt <= 64) return Launch<64>::run(args...);
    return nmc::fail("ssm scan: state size above 256 is not supported");
}

// Tokens staged at once: up to 32, within 48 KB of shared memory.
int stage_steps(const Scan &s) {
    int per_token = (s.head_dim + 2 * s.state_size + 2) * (int)sizeof(float);
    return max(1, min(32, (48 * 1024) / per_token));
}

// Two state rows per thread halve the shared-memory loads of B and C per update; the registers
// allow it up to N = 128 (NPT 32), and P must be even.
bool two_rows_per_thread(const Scan &s, int npt) { return s.head_dim % 2 == 0 && npt <= 32; }

size_t stage_bytes(const Scan &s, int ts) { return (size_t)ts * (s.head_dim + 2 * s.state_size + 2) * sizeof(float); }

template <int NPT>
struct LocalLaunch {
    static int run(const Scan &s, int L, int chunk, int chunks, float *states, float *decay, cudaStream_t st) {
        int ts = stage_steps(s);
        if (two_rows_per_thread(s, NPT)) {
            chunk_local_kernel<NPT, 2><<<dim3(s.heads, chunks), s.head_dim / 2 * LANES, stage_bytes(s, ts), st>>>(s, L, chunk, ts, states, decay);
        } else {
            chunk_local_kernel<NPT, 1><<<dim3(s.heads, chunks), s.head_dim * LANES, stage_bytes(s, ts), st>>>(s, L, chunk, ts, states, decay);
        }
        NMC_LAUNCHED("ssm chunk_local");
        return NMC_OK;
    }
};

template <int NPT>
struct OutputLaunch {
    static int run(const Scan &s, int L, int chunk, int chunks, const float *init, float *final_state, cudaStream_t st) {
        int ts = stage_steps(s);
        if (two_rows_per_thread(s, NPT)) {
            chunk_output_kernel<NPT, 2><<<dim3(s.heads, chunks), s.head_dim / 2 * LANES, stage_bytes(s, ts), st>>>(s, L, chunk, ts, init, final_state);
        } else {
            chunk_output_kernel<NPT, 1><<<dim3(s.heads, chunks), s.head_dim * LANES, stage_bytes(s, ts), st>>>(s, L, chunk, ts, init, final_state);
        }
        NMC_LAUNCHED("ssm chunk_output");
        return NMC_OK;
    }
};

template <int NPT>
struct StepLaunch {
    static int run(const Scan &s, int rows, float *states, const int32_t *slots, cudaStream_t st) {
        step_kernel<NPT><<<dim3(s.heads, rows), s.head_dim * LANES, 0, st>>>(s, states, slots);
        NMC_LAUNCHED("ssm step");
        return NMC_OK;
    }
};

int check(const Scan &s) {
    if (s.head_dim * LANES > 1024) return nmc::fail("ssm scan: mamba_head_dim above 256 is not supported");
    if (s.groups <= 0 || s.heads % s.groups != 0) return nmc::fail("ssm scan: heads not divisible by groups");
    return NMC_OK;
}

}  // namespace

int64_t scan_workspace_floats(const Scan &s, int seq_len, int chunk) {
    int64_t chunks = (seq_len + chunk - 1) / chunk;
    return chunks * s.heads * ((int64_t)s.head_dim * s.state_size + 1);
}

int scan_chunked(const Scan &s, int seq_len, int chunk, float *state, float *workspace, cudaStream_t stream) {
    NMC_TRY(check(s));
    if (seq_len == 0) return NMC_OK;
    if (chunk <= 0 || chunk >= seq_len) {
        // One chunk: the recurrence from the initial state, which it then replaces.
        return dispatch_npt<OutputLaunch>(s.state_size, s, seq_len, seq_len, 1, (const float *)state, state, stream);
    }
    int chunks = (seq_len + chunk - 1) / chunk;
    int64_t total = (int64_t)s.heads * s.head_dim * s.state_size;
    float *states = workspace, *decay = workspace + chunks * total;
    NMC_TRY(dispatch_npt<LocalLaunch>(s.state_size, s, seq_len, chunk, chunks, states, decay, stream));
    chunk_pass_kernel<<<(unsigned)((total + 255) / 256), 256, 0, stream>>>(s, chunks, states, decay, state);
    NMC_LAUNCHED("ssm chunk_pass");
    return dispatch_npt<OutputLaunch>(s.state_size, s, seq_len, chunk, chunks, (const float *)states,
                                      (float *)nullptr, stream);
}

int scan_step(const Scan &s, int rows, float *states, const int32_t *slots, cudaStream_t stream) {
    NMC_TRY(check(s));
    if (s.head_dim * LANES * 96 > 65536) return nmc::fail("ssm decode: mamba_head_dim above 170 is not supported");
    if (rows == 0) return NMC_OK;
    int vec;  // NMC_DECODE_SCAN=vec: the 16-byte vector kernel (ssm_step.cu) where it applies
    NMC_TRY(decode_scan_vec(&vec));
    if (vec && scan_step_vec_supported(s, states)) return scan_step_vec(s, rows, states, slots, stream);
    return dispatch_npt<StepLaunch>(s.state_size, s, rows, states, slots, stream);
}

}  // namespace nmc::k
