// Mamba-2 decode state update with 16-byte vector access (NMC_DECODE_SCAN=vec; the reference is
// step_kernel in ssm_scan.cu, NMC_DECODE_SCAN=old or unset). Same recurrence, one token per row r:
//   dt = clamp(softplus(dt_raw + dt_bias[h]))       (or dt as given)
//   S  = exp(dt * A[h]) * S + dt * (x[h] outer B[g])  S [P, N] fp32 of slot slots[r], in place
//   y  = S . C[g] + D[h] * x[h]
//
// The update is pure bandwidth (S read and written once: 2 x 4 P N bytes a head and row; 10.5 MB a
// layer and sequence at the 9B shape), so the layout is built for the memory system:
//   lanes: LPR = N / 4 lanes per state row, lane l owns the float4 at columns 4l..4l+3 (N = 128:
//          a warp is one 512-byte row, every load and store a full 128-byte line per 8 lanes)
//   rows:  a thread owns RPT = 4 rows p = p0 + q + i * (128 / LPR), all four loads issued before
//          any use (64 bytes in flight per thread, ~96 KB per SM at 1,536 threads)
//   grid:  (ceil(P / rows per block), H, R); 128 threads; no shared memory, no __maxnreg__ cap
// B and C (one float4 each) serve the thread's four rows; y[p] is the sum over the row's LPR lanes
// (xor shuffles inside aligned groups of LPR lanes: every lane of the warp takes part, rows past P
// included, so the full mask is right). Supported: N / 4 a power of two <= 32, 16-byte aligned
// state, B and C; anything else keeps the old kernel.
#include "../env_switch.h"
#include "kernels.h"
#include "ssm_step.h"
#include "device_math.cuh"
#include "pdl.cuh"

namespace nmc::k {
namespace {

// emu-begin (test/ssm_step_emu.cpp runs this kernel on the host)
constexpr int STEP_THREADS = 128;
constexpr int STEP_RPT = 4;  // state rows per thread

__global__ void __launch_bounds__(STEP_THREADS) scan_step_vec_kernel(Scan s, float *states, const int32_t *slots,
                                                                     int lpr_log2) {
    pdl_launch_dependents();  // PDL (pdl.cuh)
    pdl_wait();
    const int lpr = 1 << lpr_log2, per = STEP_THREADS >> lpr_log2;  // lanes per row, row slots per block
    const int l = threadIdx.x & (lpr - 1), q = threadIdx.x >> lpr_log2;
    const int h = blockIdx.y, r = blockIdx.z, g = h / (s.heads / s.groups);
    const int P = s.head_dim, N = s.state_size;
    const int p0 = blockIdx.x * per * STEP_RPT + q;
    // 1. the head's scalars
    float dt = s.dt[(int64_t)r * s.dt_stride + h];
    if (s.dt_bias != nullptr) {
        dt = softplus(dt + s.dt_bias[h]);
        dt = fminf(fmaxf(dt, s.dt_min), s.dt_max);
    }
    const float decay = expf(dt * s.a[h]), dskip = s.d != nullptr ? s.d[h] : 0.0f;
    // 2. this lane's columns of B and C, and the state rows (all loads before any use)
    const int64_t bc = (int64_t)r * s.bc_stride + (int64_t)g * N + 4 * l;
    const float4 b = *reinterpret_cast<const float4 *>(s.b + bc);
    const float4 c = *reinterpret_cast<const float4 *>(s.c + bc);
    float *st = states + ((int64_t)slots[r] * s.heads + h) * P * N + 4 * l;
    const float *xr = s.x + (int64_t)r * s.x_stride + (int64_t)h * P;
    float4 S[STEP_RPT];
    float x[STEP_RPT];
#pragma unroll
    for (int i = 0; i < STEP_RPT; i++) {
        const int p = p0 + i * per;
        S[i] = p < P ? *reinterpret_cast<const float4 *>(st + (int64_t)p * N) : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        x[i] = p < P ? xr[p] : 0.0f;
    }
    // 3. S = decay S + dt x B, stored back; partial y = S . C over the lane's 4 columns
    float y[STEP_RPT];
#pragma unroll
    for (int i = 0; i < STEP_RPT; i++) {
        const float dx = dt * x[i];
        S[i].x = decay * S[i].x + dx * b.x;
        S[i].y = decay * S[i].y + dx * b.y;
        S[i].z = decay * S[i].z + dx * b.z;
        S[i].w = decay * S[i].w + dx * b.w;
        y[i] = S[i].x * c.x + S[i].y * c.y + S[i].z * c.z + S[i].w * c.w;
        const int p = p0 + i * per;
        if (p < P) *reinterpret_cast<float4 *>(st + (int64_t)p * N) = S[i];
    }
    // 4. y over the row's lanes; lane 0 of the row writes y + D x
#pragma unroll
    for (int i = 0; i < STEP_RPT; i++) {
        for (int o = lpr >> 1; o > 0; o >>= 1) y[i] += __shfl_xor_sync(0xffffffffu, y[i], o);
        const int p = p0 + i * per;
        if (l == 0 && p < P) s.y[(int64_t)r * s.y_stride + (int64_t)h * P + p] = y[i] + dskip * x[i];
    }
}
// emu-end

bool aligned16(const void *p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

int log2_exact(int v) {
    int k = 0;
    while ((1 << k) < v) k++;
    return (1 << k) == v ? k : -1;
}

}  // namespace

int decode_scan_vec(int *on) {
    int choice;  // 0 old, 1 vec, -1 unset: vec (measured faster at batch 64 on an H100: docs/benchmarks.md)
    NMC_TRY(nmc::env_choice("NMC_DECODE_SCAN", {"old", "vec"}, &choice));
    *on = choice != 0;
    return NMC_OK;
}

bool scan_step_vec_supported(const Scan &s, const float *states) {
    const int lpr = s.state_size / 4, k = s.state_size % 4 == 0 ? log2_exact(lpr) : -1;
    return k >= 0 && lpr <= 32 && s.groups > 0 && s.heads % s.groups == 0 && s.bc_stride % 4 == 0 && aligned16(states) &&
           aligned16(s.b) && aligned16(s.c);
}

int scan_step_vec(const Scan &s, int rows, float *states, const int32_t *slots, cudaStream_t stream) {
    if (!scan_step_vec_supported(s, states))
        return nmc::fail("ssm decode (vec): state size / 4 must be a power of two up to 32, 16-byte aligned state, B and C");
    if (rows == 0) return NMC_OK;
    const int lpr_log2 = log2_exact(s.state_size / 4);
    const int rows_per_block = (STEP_THREADS >> lpr_log2) * STEP_RPT;
    dim3 grid((s.head_dim + rows_per_block - 1) / rows_per_block, s.heads, rows);
    NMC_CUDA(launch_pdl(scan_step_vec_kernel, grid, STEP_THREADS, 0, stream, s, states, slots, lpr_log2));
    NMC_LAUNCHED("ssm step (vec)");
    return NMC_OK;
}

}  // namespace nmc::k
