// Mamba-2 selective scan: chunk-parallel prefill and the single-step decode update.
//
// Per head h (group g = h / (H/G)), state S [P, N] in fp32:
//   dt_t = clamp(softplus(dt_raw + dt_bias[h]))        (or dt as given)
//   S_t  = exp(dt_t * A[h]) * S_{t-1} + dt_t * (x_t[h] outer B_t[g])
//   y_t  = S_t . C_t[g] + D[h] * x_t[h]
//
// Thread layout: one block per (head, chunk) or (head, row); P*4 threads; thread (p, lane)
// owns state entries S[p, lane + 4j], j < NPT = ceil(N / 4), in registers; y_t[p] is the sum of
// the 4 lanes (warp shuffles).
//
// Prefill in chunks of T tokens (the state-passing structure of SSD):
//   1. every chunk from a zero state: its final state S_c and decay a_c = exp(A * sum dt)
//   2. sequentially over chunks: S_in[c+1] = a_c * S_in[c] + S_c   (S_in[0] = initial state)
//   3. every chunk again from S_in[c], writing y
// Work is twice the recurrence's; the sequential depth is T + L/T instead of L. Inside a chunk
// the block stages TS tokens of x, B, C, dt and exp(dt A) in shared memory with coalesced loads,
// so the sequential loop reads only shared memory.
#include "kernels.h"
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

// One step of the recurrence on this thread's entries: S = decay S + dx B; returns the partial
// y = S . C over them when WANT_Y (the 4 lanes of a row are summed by the caller).
template <int NPT, bool WANT_Y>
__device__ __forceinline__ float advance(float (&S)[NPT], float decay, float dx, const float *b, const float *c,
                                         int state_size, int lane) {
    float y = 0.0f;
#pragma unroll
    for (int j = 0; j < NPT; j++) {
        int n = lane + LANES * j;
        if (n < state_size) {
            S[j] = decay * S[j] + dx * b[n];
            if (WANT_Y) y += S[j] * c[n];
        }
    }
    return y;
}

// Advances S by token t read from global memory (decode); returns the partial y.
template <int NPT>
__device__ __forceinline__ float step(const Scan &s, float (&S)[NPT], int t, int h, int g, int p, int lane, float dt,
                                      float *x_out) {
    float x = s.x[(int64_t)t * s.x_stride + h * s.head_dim + p];
    *x_out = x;
    const float *b = s.b + (int64_t)t * s.bc_stride + g * s.state_size;
    const float *c = s.c + (int64_t)t * s.bc_stride + g * s.state_size;
    return advance<NPT, true>(S, expf(dt * s.a[h]), dt * x, b, c, s.state_size, lane);
}

__device__ __forceinline__ float lane_sum(float v) {
    v += __shfl_xor_sync(0xffffffffu, v, 1);
    v += __shfl_xor_sync(0xffffffffu, v, 2);
    return v;
}

template <int NPT>
__device__ __forceinline__ void load_state(float (&S)[NPT], const float *src, int N, int p, int lane) {
#pragma unroll
    for (int j = 0; j < NPT; j++) {
        int n = lane + LANES * j;
        S[j] = (src != nullptr && n < N) ? src[(int64_t)p * N + n] : 0.0f;
    }
}

template <int NPT>
__device__ __forceinline__ void store_state(const float (&S)[NPT], float *dst, int N, int p, int lane) {
#pragma unroll
    for (int j = 0; j < NPT; j++) {
        int n = lane + LANES * j;
        if (n < N) dst[(int64_t)p * N + n] = S[j];
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

// Advances S by staged token t; returns this thread's partial y when WANT_Y.
template <int NPT, bool WANT_Y>
__device__ __forceinline__ float staged_step(const Scan &s, const Stage &st, float (&S)[NPT], int t, int p, int lane,
                                             float *x_out) {
    float x = st.x[t * s.head_dim + p];
    *x_out = x;
    return advance<NPT, WANT_Y>(S, st.decay[t], st.dt[t] * x, st.b + t * s.state_size, st.c + t * s.state_size,
                                s.state_size, lane);
}

// Pass 1: chunk c from zero; writes S_c to states[c, h] and a_c to decay[c, h].
template <int NPT>
__global__ void chunk_local_kernel(Scan s, int seq_len, int chunk, int ts, float *states, float *decay) {
    extern __shared__ float smem[];
    int h = blockIdx.x, c = blockIdx.y, p = threadIdx.x / LANES, lane = threadIdx.x % LANES;
    int g = h / (s.heads / s.groups);
    int64_t hpn = (int64_t)s.head_dim * s.state_size;
    Stage st = stage_layout(smem, s, ts);
    float S[NPT];
    load_state<NPT>(S, nullptr, s.state_size, p, lane);
    float dta = 0.0f, x;
    int t1 = min(seq_len, (c + 1) * chunk);
    for (int t0 = c * chunk; t0 < t1; t0 += ts) {
        int n = min(ts, t1 - t0);
        __syncthreads();
        stage_load(s, st, t0, n, h, g, false);
        __syncthreads();
        for (int t = 0; t < n; t++) {
            dta += st.dt[t] * s.a[h];
            staged_step<NPT, false>(s, st, S, t, p, lane, &x);
        }
    }
    store_state<NPT>(S, states + ((int64_t)c * s.heads + h) * hpn, s.state_size, p, lane);
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
template <int NPT>
__global__ void chunk_output_kernel(Scan s, int seq_len, int chunk, int ts, const float *init, float *final_state) {
    extern __shared__ float smem[];
    int h = blockIdx.x, c = blockIdx.y, p = threadIdx.x / LANES, lane = threadIdx.x % LANES;
    int g = h / (s.heads / s.groups);
    int64_t hpn = (int64_t)s.head_dim * s.state_size;
    Stage st = stage_layout(smem, s, ts);
    float S[NPT];
    load_state<NPT>(S, init ? init + ((int64_t)c * s.heads + h) * hpn : nullptr, s.state_size, p, lane);
    float dskip = s.d ? s.d[h] : 0.0f, x;
    int t1 = min(seq_len, (c + 1) * chunk);
    for (int t0 = c * chunk; t0 < t1; t0 += ts) {
        int n = min(ts, t1 - t0);
        __syncthreads();
        stage_load(s, st, t0, n, h, g, true);
        __syncthreads();
        for (int t = 0; t < n; t++) {
            float y = lane_sum(staged_step<NPT, true>(s, st, S, t, p, lane, &x));
            if (lane == 0) s.y[(int64_t)(t0 + t) * s.y_stride + h * s.head_dim + p] = y + dskip * x;
        }
    }
    if (final_state != nullptr) store_state<NPT>(S, final_state + h * hpn, s.state_size, p, lane);
}

// Decode: one token per row r (token index r of the inputs), state of slots[r].
template <int NPT>
__global__ void step_kernel(Scan s, float *states, const int32_t *slots) {
    int h = blockIdx.x, r = blockIdx.y, p = threadIdx.x / LANES, lane = threadIdx.x % LANES;
    int g = h / (s.heads / s.groups);
    int64_t hpn = (int64_t)s.head_dim * s.state_size;
    float *st = states + ((int64_t)slots[r] * s.heads + h) * hpn;
    float S[NPT];
    load_state<NPT>(S, st, s.state_size, p, lane);
    float x;
    float y = lane_sum(step<NPT>(s, S, r, h, g, p, lane, dt_at(s, r, h), &x));
    if (lane == 0) s.y[(int64_t)r * s.y_stride + h * s.head_dim + p] = y + (s.d ? s.d[h] : 0.0f) * x;
    store_state<NPT>(S, st, s.state_size, p, lane);
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

size_t stage_bytes(const Scan &s, int ts) { return (size_t)ts * (s.head_dim + 2 * s.state_size + 2) * sizeof(float); }

template <int NPT>
struct LocalLaunch {
    static int run(const Scan &s, int L, int chunk, int chunks, float *states, float *decay, cudaStream_t st) {
        int ts = stage_steps(s);
        chunk_local_kernel<NPT><<<dim3(s.heads, chunks), s.head_dim * LANES, stage_bytes(s, ts), st>>>(s, L, chunk, ts, states, decay);
        NMC_LAUNCHED("ssm chunk_local");
        return NMC_OK;
    }
};

template <int NPT>
struct OutputLaunch {
    static int run(const Scan &s, int L, int chunk, int chunks, const float *init, float *final_state, cudaStream_t st) {
        int ts = stage_steps(s);
        chunk_output_kernel<NPT><<<dim3(s.heads, chunks), s.head_dim * LANES, stage_bytes(s, ts), st>>>(s, L, chunk, ts, init, final_state);
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
    if (rows == 0) return NMC_OK;
    return dispatch_npt<StepLaunch>(s.state_size, s, rows, states, slots, stream);
}

}  // namespace nmc::k
