// The split tensor-core SSD forward (inference prefill; NMC_PREFILL_SCAN=ssd2, opt-in for
// BF16 and FP8 models): the Mamba-2 scan in the chunked matrix form of ssd_minimal, the same
// semantics and arguments as ssd_fused.cu (its header states them), BF16 operands, fp32
// accumulation, WMMA 16x16x16. What differs from ssd_fused.cu (whose output kernel walked all
// heads of a group in one block, one global load at a time):
//   - every launch has one block per (chunk, head, sequence): nc H B blocks (16,384 at L 8192,
//     H 128), 8 warps each, three blocks an SM in the output kernel (67 KB of shared memory at
//     P 80, N 128), six in the states kernel (38 KB);
//   - global loads are batched: each thread issues TU = 8 16-byte loads before it converts and
//     stores any (t2_load_rows), so a block has 32 KB in flight instead of one load a thread;
//   - the exp(acs_l) row factor of C S^T is applied to the fp32 product (through the warp's
//     16x16 staging tile, reloaded as the accumulator of M x): C is loaded and rounded once;
//   - chunk states are written 16 bytes a lane; the pass takes two state entries a thread and
//     writes the padding too (zeros), so the output kernel loads S_in with 16-byte loads.
//
// Shapes: Q = 64 tokens a chunk, nc = ceil(L/Q), PP = P and NP = N rounded up to 16 (zero padded);
// rows r = b L + t of x [., H P], B, C [., G N], dt [., H], y [., H P] (row strides given).
// Workspace (ssd_fused_workspace_floats): local [B, nc, H, PP, NP] bf16, sin (the same) bf16,
// decay [B, nc, H] fp32.
// Steps, per chunk c, head h of group g = h / (H/G), sequence b; tokens past L have dt = 0:
//   1. dt_l (bias, softplus, clamp);  acs_l = sum_{s <= l} dt_s A           (chunk cumsum)     [Q]
//   2. (states kernel)  local = (x dt exp(acs_{Q-1} - acs))^T B              [PP, NP], k = Q
//      decay_c = exp(acs_{Q-1})
//   3. (pass kernel, per pair of state entries, sequential over chunks, fp32)
//      sin[0] = init, sin[c+1] = decay_c sin[c] + local[c];  final = S after the last chunk
//   4. (output kernel)  G = C B^T on the tiles on or below the diagonal      [Q, Q], k = NP
//      M[l, s] = G[l, s] exp(acs_l - acs_s) dt_s  (s <= l, else 0)          (segsum mask, bf16)
//   5.  Y = exp(acs) (C S_in^T) + M x                                        [Q, PP], k = NP + Q
//      y = Y + D x  (rows t < L, x in fp32)
// Work at the Nano-9B-v2 prefill (L 8192, H 128, P 80, N 128): per chunk and head
// 2 Q (Q N + Q P + 2 N P) flops = 4.3 MFLOP, 71 GFLOP a layer (the self-test's count), plus C B^T
// once per head instead of once per group (+9 GFLOP); global traffic about 3 GB (x read twice in
// fp32, y written, the bf16 chunk states written, passed and read) — so the three launches are
// bound by memory (about 1 ms at 3 TB/s) rather than by the tensor cores.
#include <mma.h>

#include "ssd2.h"
#include "device_math.cuh"
#include "../env_switch.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace nmc::k {
namespace {

using namespace nvcuda;
using bf16 = __nv_bfloat16;
// ---- kernels (test/ssd_fused_emu.cpp runs the text between these markers on the CPU) ----
constexpr int T2Q = 64;             // chunk length Q
constexpr int T2W = 8;              // warps a block
constexpr int T2T = T2W * 32;       // threads a block
constexpr int T2PAD = 8;            // row padding of the bf16 shared tiles (elements)
constexpr int T2U = 8;              // global loads a thread has in flight (t2_load_rows)
constexpr int T2V_X = 1, T2V_BC = 2, T2V_Y = 4;  // flags: 16-byte loads / stores of x, B and C, y

using T2FragA = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major>;
using T2FragAc = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::col_major>;
using T2FragB = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major>;
using T2FragBc = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major>;
using T2FragC = wmma::fragment<wmma::accumulator, 16, 16, 16, float>;

__device__ __forceinline__ int t2_r16(int v) { return (v + 15) / 16 * 16; }
__device__ __forceinline__ int t2_a128(int bytes) { return (bytes + 127) / 128 * 128; }
__device__ __forceinline__ float t2_softplus(float x) { return x > 20.0f ? x : log1pf(expf(x)); }
__device__ __forceinline__ unsigned t2_pack(float a, float b) {
    __nv_bfloat162 v = __floats2bfloat162_rn(a, b);
    unsigned u;
    memcpy(&u, &v, 4);
    return u;
}

// Step 1: dt [Q] and acs [Q] of chunk c (dt = 0 past L), in the reference's order (run += dt_s A).
// Ends with a barrier: what the block stored to shared memory before the call is visible after it.
__device__ void t2_cumsum(const SsdArgs &s, int b, int c, int h, float *dt, float *acs) {
    const int t0 = c * T2Q, l = threadIdx.x;
    const float A = s.a != nullptr ? s.a[h] : -expf(s.a_log[h]);
    if (l < T2Q) {
        float v = 0.0f;
        if (t0 + l < s.seq_len) {
            v = s.dt[((int64_t)b * s.seq_len + t0 + l) * s.dt_stride + h];
            if (s.dt_bias != nullptr) v = fminf(fmaxf(t2_softplus(v + s.dt_bias[h]), s.dt_min), s.dt_max);
        }
        dt[l] = v;
    }
    __syncthreads();
    if (l < T2Q) {
        float run = 0.0f;
        for (int i = 0; i <= l; i++) run += dt[i] * A;
        acs[l] = run;
    }
    __syncthreads();
}

// dst [Q rows, cols] bf16 (row stride ld, cols % 16 == 0) = scale_l src[(row0 + l) stride + j] for
// l < valid, j < width, else 0; scale null: 1. vec: width, stride and src 16-byte multiples (float4
// loads). Each thread first issues up to T2U loads of 4 columns, then converts and stores them.
__device__ void t2_load_rows(bf16 *dst, int ld, int cols, const float *src, int64_t stride, int64_t row0, int valid,
                             int width, const float *scale, bool vec) {
    const int q = cols / 4, items = T2Q * q;
    for (int base = threadIdx.x; base < items; base += T2U * T2T) {
        float4 v[T2U];
#pragma unroll
        for (int u = 0; u < T2U; u++) {
            const int i = base + u * T2T, l = i / q, j = (i - l * q) * 4;
            v[u] = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            if (i < items && l < valid && j < width) {
                const float *p = src + (row0 + l) * stride + j;
                if (vec) {
                    v[u] = *reinterpret_cast<const float4 *>(p);
                } else {
                    v[u].x = p[0];
                    if (j + 1 < width) v[u].y = p[1];
                    if (j + 2 < width) v[u].z = p[2];
                    if (j + 3 < width) v[u].w = p[3];
                }
            }
        }
#pragma unroll
        for (int u = 0; u < T2U; u++) {
            const int i = base + u * T2T, l = i / q, j = (i - l * q) * 4;
            if (i < items) {
                const float f = scale != nullptr ? scale[l] : 1.0f;
                unsigned *d = reinterpret_cast<unsigned *>(dst + l * ld + j);
                d[0] = t2_pack(v[u].x * f, v[u].y * f);
                d[1] = t2_pack(v[u].z * f, v[u].w * f);
            }
        }
    }
}

// Step 2: block (c, h, b); the chunk's local state [PP, NP] (bf16) into the workspace, decay_c.
__global__ void __launch_bounds__(T2T, 4) t2_states_kernel(SsdArgs s, bf16 *local, float *decay, int vflags) {
    extern __shared__ __align__(128) char smem[];
    const int c = blockIdx.x, h = blockIdx.y, b = blockIdx.z, nc = gridDim.x, H = s.heads;
    const int P = s.head_dim, N = s.state, PP = t2_r16(P), NP = t2_r16(N), g = h / (H / s.groups);
    const int ldx = PP + T2PAD, ldb = NP + T2PAD, t0 = c * T2Q, valid = min(T2Q, s.seq_len - t0);
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    float *dt = reinterpret_cast<float *>(smem), *acs = dt + T2Q, *w = acs + T2Q;  // w: the weights of x
    bf16 *xw = reinterpret_cast<bf16 *>(smem + t2_a128(3 * T2Q * 4));
    bf16 *bm = xw + t2_a128(T2Q * ldx * 2) / 2;
    float *stage = reinterpret_cast<float *>(bm + t2_a128(T2Q * ldb * 2) / 2) + warp * 256;  // the warp's tile
    const int64_t row0 = (int64_t)b * s.seq_len + t0;
    t2_load_rows(bm, ldb, NP, s.b + g * N, s.bc_stride, row0, valid, N, nullptr, vflags & T2V_BC);
    t2_cumsum(s, b, c, h, dt, acs);
    if (threadIdx.x < T2Q) w[threadIdx.x] = dt[threadIdx.x] * expf(acs[T2Q - 1] - acs[threadIdx.x]);
    __syncthreads();
    t2_load_rows(xw, ldx, PP, s.x + h * P, s.x_stride, row0, valid, P, w, vflags & T2V_X);
    __syncthreads();
    bf16 *st = local + (((int64_t)b * nc + c) * H + h) * PP * NP;
    const int tn = NP / 16, tiles = (PP / 16) * tn, r = lane / 2, c0 = (lane % 2) * 8;
    for (int t = warp; t < tiles; t += T2W) {
        const int pi = t / tn, ni = t % tn;
        T2FragC acc;
        wmma::fill_fragment(acc, 0.0f);
        for (int k = 0; k < T2Q / 16; k++) {
            T2FragAc fa;  // xw^T: element (p, l) at xw[l ldx + p]
            T2FragB fb;
            wmma::load_matrix_sync(fa, xw + k * 16 * ldx + pi * 16, ldx);
            wmma::load_matrix_sync(fb, bm + k * 16 * ldb + ni * 16, ldb);
            wmma::mma_sync(acc, fa, fb, acc);
        }
        wmma::store_matrix_sync(stage, acc, 16, wmma::mem_row_major);
        __syncwarp();
        const float *e = stage + r * 16 + c0;  // lane: row r, 8 columns from c0, one 16-byte store
        *reinterpret_cast<uint4 *>(st + (int64_t)(pi * 16 + r) * NP + ni * 16 + c0) =
            make_uint4(t2_pack(e[0], e[1]), t2_pack(e[2], e[3]), t2_pack(e[4], e[5]), t2_pack(e[6], e[7]));
        __syncwarp();
    }
    if (threadIdx.x == 0) decay[((int64_t)b * nc + c) * H + h] = expf(acs[T2Q - 1]);
}

// Step 3: one thread per pair of entries (n, n + 1) of the padded state [PP, NP] of (b, h);
// sin[c] = the state entering chunk c (padding: 0), final = the state after the last chunk.
__global__ void t2_pass_kernel(SsdArgs s, int nc, const bf16 *local, bf16 *sin, const float *decay) {
    const int P = s.head_dim, N = s.state, PP = t2_r16(P), NP = t2_r16(N), H = s.heads;
    const int64_t pairs = (int64_t)PP * NP / 2, i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (i >= pairs * H * s.batch) return;
    const int64_t bh = i / pairs, e = (i % pairs) * 2, b = bh / H;
    const int h = (int)(bh % H), p = (int)(e / NP), n = (int)(e % NP);
    const bool in0 = p < P && n < N, in1 = p < P && n + 1 < N;
    const int64_t si = ((b * H + h) * P + p) * N + n;  // index in [B, H, P, N] (entries in0 / in1 only)
    float run0 = in0 && s.init != nullptr ? s.init[si] : 0.0f, run1 = in1 && s.init != nullptr ? s.init[si + 1] : 0.0f;
#pragma unroll 8
    for (int c = 0; c < nc; c++) {  // the loads do not depend on run: unrolled, they overlap
        const int64_t bc = (b * nc + c) * H + h, at = bc * PP * NP + e;
        const unsigned lv = *reinterpret_cast<const unsigned *>(local + at);
        const float d = decay[bc];
        *reinterpret_cast<unsigned *>(sin + at) = t2_pack(run0, run1);
        __nv_bfloat162 l2;
        memcpy(&l2, &lv, 4);
        run0 = d * run0 + __bfloat162float(l2.x);
        run1 = d * run1 + __bfloat162float(l2.y);
    }
    if (s.final_state != nullptr) {
        if (in0) s.final_state[si] = run0;
        if (in1) s.final_state[si + 1] = run1;
    }
}

// Steps 4 and 5: block (c, h, b), y of the chunk's rows for head h. Shared memory: dt, acs, ea
// [Q] fp32; cm = C [Q, NP]; mm = M [Q, Q]; xm = x [Q, PP]; sr = B [Q, NP] for step 4, then
// S_in [PP, NP]; one 16 x 16 fp32 staging tile a warp. (bf16 rows padded by 8.)
__global__ void __launch_bounds__(T2T, 3) t2_output_kernel(SsdArgs s, const bf16 *sin, int vflags) {
    extern __shared__ __align__(128) char smem[];
    const int c = blockIdx.x, h = blockIdx.y, b = blockIdx.z, nc = gridDim.x, H = s.heads;
    const int P = s.head_dim, N = s.state, PP = t2_r16(P), NP = t2_r16(N), g = h / (H / s.groups);
    const int ldc = NP + T2PAD, ldx = PP + T2PAD, ldm = T2Q + T2PAD;
    const int t0 = c * T2Q, valid = min(T2Q, s.seq_len - t0);
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, r = lane / 2, c0 = (lane % 2) * 8;
    float *dt = reinterpret_cast<float *>(smem), *acs = dt + T2Q, *ea = acs + T2Q;  // ea = exp(acs)
    char *at = smem + t2_a128(3 * T2Q * 4);
    bf16 *cm = reinterpret_cast<bf16 *>(at);
    at += t2_a128(T2Q * ldc * 2);
    bf16 *mm = reinterpret_cast<bf16 *>(at);
    at += t2_a128(T2Q * ldm * 2);
    bf16 *xm = reinterpret_cast<bf16 *>(at);
    at += t2_a128(T2Q * ldx * 2);
    bf16 *sr = reinterpret_cast<bf16 *>(at);
    at += t2_a128(max(T2Q, PP) * ldc * 2);
    float *stage = reinterpret_cast<float *>(at) + warp * 256;
    const int64_t row0 = (int64_t)b * s.seq_len + t0;
    t2_load_rows(cm, ldc, NP, s.c + g * N, s.bc_stride, row0, valid, N, nullptr, vflags & T2V_BC);
    t2_load_rows(sr, ldc, NP, s.b + g * N, s.bc_stride, row0, valid, N, nullptr, vflags & T2V_BC);
    t2_load_rows(xm, ldx, PP, s.x + h * P, s.x_stride, row0, valid, P, nullptr, vflags & T2V_X);
    t2_cumsum(s, b, c, h, dt, acs);  // its closing barrier publishes cm, sr, xm too
    if (threadIdx.x < T2Q) ea[threadIdx.x] = expf(acs[threadIdx.x]);  // read in step 5, after barriers
    const int tq = T2Q / 16, tp = PP / 16;
    // 4. G = C B^T on the tiles on or below the diagonal; M from each tile through the warp's stage
    for (int t = warp; t < tq * (tq + 1) / 2; t += T2W) {
        int li = 0;
        while ((li + 1) * (li + 2) / 2 <= t) li++;
        const int si = t - li * (li + 1) / 2;  // 0 <= si <= li
        T2FragC acc;
        wmma::fill_fragment(acc, 0.0f);
        for (int k = 0; k < NP / 16; k++) {
            T2FragA fa;
            T2FragBc fb;  // B^T: element (n, s) at sr[s ldc + n]
            wmma::load_matrix_sync(fa, cm + li * 16 * ldc + k * 16, ldc);
            wmma::load_matrix_sync(fb, sr + si * 16 * ldc + k * 16, ldc);
            wmma::mma_sync(acc, fa, fb, acc);
        }
        wmma::store_matrix_sync(stage, acc, 16, wmma::mem_row_major);
        __syncwarp();
        const int l = li * 16 + r;
        float m[8];
        for (int j = 0; j < 8; j++) {
            const int sj = si * 16 + c0 + j;
            m[j] = sj <= l ? stage[r * 16 + c0 + j] * expf(acs[l] - acs[sj]) * dt[sj] : 0.0f;
        }
        *reinterpret_cast<uint4 *>(mm + l * ldm + si * 16 + c0) =
            make_uint4(t2_pack(m[0], m[1]), t2_pack(m[2], m[3]), t2_pack(m[4], m[5]), t2_pack(m[6], m[7]));
        __syncwarp();
    }
    __syncthreads();  // B read by every warp; M complete
    // S_in [PP, NP] over B (the pass wrote the padding: 16-byte loads, T2U in flight)
    const bf16 *sc = sin + (((int64_t)b * nc + c) * H + h) * PP * NP;
    const int q8 = NP / 8, items = PP * q8;
    for (int base = threadIdx.x; base < items; base += T2U * T2T) {
        uint4 v[T2U];
#pragma unroll
        for (int u = 0; u < T2U; u++) {
            const int i = base + u * T2T;
            if (i < items) v[u] = *reinterpret_cast<const uint4 *>(sc + (int64_t)i * 8);
        }
#pragma unroll
        for (int u = 0; u < T2U; u++) {
            const int i = base + u * T2T, p = i / q8;
            if (i < items) *reinterpret_cast<uint4 *>(sr + p * ldc + (i - p * q8) * 8) = v[u];
        }
    }
    __syncthreads();
    // 5. Y = exp(acs) (C S_in^T) + M x, tile (li, pi) a warp; y = Y + D x
    const float dskip = s.d != nullptr ? s.d[h] : 0.0f;
    for (int t = warp; t < tq * tp; t += T2W) {
        const int li = t / tp, pi = t % tp;
        T2FragC acc;
        wmma::fill_fragment(acc, 0.0f);
        for (int k = 0; k < NP / 16; k++) {
            T2FragA fa;
            T2FragBc fb;  // S_in^T: element (n, p) at sr[p ldc + n]
            wmma::load_matrix_sync(fa, cm + li * 16 * ldc + k * 16, ldc);
            wmma::load_matrix_sync(fb, sr + pi * 16 * ldc + k * 16, ldc);
            wmma::mma_sync(acc, fa, fb, acc);
        }
        wmma::store_matrix_sync(stage, acc, 16, wmma::mem_row_major);
        __syncwarp();
        const float f = ea[li * 16 + r];  // row factor exp(acs_l), on the fp32 product
        for (int j = 0; j < 8; j++) stage[r * 16 + c0 + j] *= f;
        __syncwarp();
        wmma::load_matrix_sync(acc, stage, 16, wmma::mem_row_major);
        for (int k = 0; k <= li; k++) {  // M is zero right of the diagonal tile
            T2FragA fa;
            T2FragB fb;
            wmma::load_matrix_sync(fa, mm + li * 16 * ldm + k * 16, ldm);
            wmma::load_matrix_sync(fb, xm + k * 16 * ldx + pi * 16, ldx);
            wmma::mma_sync(acc, fa, fb, acc);
        }
        __syncwarp();  // every lane's load of the stage above is done before it is rewritten
        wmma::store_matrix_sync(stage, acc, 16, wmma::mem_row_major);
        __syncwarp();
        const int l = li * 16 + r, p0 = pi * 16 + c0;
        if (l < valid) {
            const int64_t row = row0 + l;
            const float *xr = s.x + row * s.x_stride + h * P;
            float *yr = s.y + row * s.y_stride + h * P;
            const float *e = stage + r * 16 + c0;
            if ((vflags & T2V_Y) && (vflags & T2V_X) && p0 + 8 <= P) {
                const float4 x0 = *reinterpret_cast<const float4 *>(xr + p0), x1 = *reinterpret_cast<const float4 *>(xr + p0 + 4);
                *reinterpret_cast<float4 *>(yr + p0) =
                    make_float4(e[0] + dskip * x0.x, e[1] + dskip * x0.y, e[2] + dskip * x0.z, e[3] + dskip * x0.w);
                *reinterpret_cast<float4 *>(yr + p0 + 4) =
                    make_float4(e[4] + dskip * x1.x, e[5] + dskip * x1.y, e[6] + dskip * x1.z, e[7] + dskip * x1.w);
            } else {
                for (int j = 0; j < 8 && p0 + j < P; j++) yr[p0 + j] = e[j] + dskip * xr[p0 + j];
            }
        }
        __syncwarp();  // the stage is rewritten by the warp's next tile
    }
}
// ---- end kernels ----

int r16(int v) { return (v + 15) / 16 * 16; }
size_t a128(size_t v) { return (v + 127) / 128 * 128; }

size_t states_smem(int P, int N) {
    return a128(3 * T2Q * 4) + a128((size_t)T2Q * (r16(P) + T2PAD) * 2) + a128((size_t)T2Q * (r16(N) + T2PAD) * 2) +
           T2W * 256 * 4;
}

size_t output_smem(int P, int N) {
    const size_t ldc = r16(N) + T2PAD;
    return a128(3 * T2Q * 4) + a128(T2Q * ldc * 2) + a128(T2Q * (T2Q + T2PAD) * 2) +
           a128((size_t)T2Q * (r16(P) + T2PAD) * 2) + a128((size_t)std::max(T2Q, r16(P)) * ldc * 2) + T2W * 256 * 4;
}

bool aligned16(const void *p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

constexpr size_t SMEM_LIMIT = 227 * 1024;

}  // namespace

bool ssd2_supported(int head_dim, int state) {
    return head_dim > 0 && state > 0 && head_dim <= 4096 && state <= 4096 && output_smem(head_dim, state) <= SMEM_LIMIT &&
           states_smem(head_dim, state) <= SMEM_LIMIT;
}

int ssd2(const SsdArgs &s, float *ws, cudaStream_t stream) {
    if (s.batch <= 0 || s.seq_len < 0 || s.heads <= 0 || s.groups <= 0 || s.heads % s.groups)
        return nmc::fail("ssd2 scan: heads must be a positive multiple of groups");
    if (!ssd2_supported(s.head_dim, s.state))
        return nmc::fail("ssd2 scan: head_dim and state too large for the kernel (shared memory); use NMC_PREFILL_SCAN=chunked");
    if ((s.a == nullptr) == (s.a_log == nullptr)) return nmc::fail("ssd2 scan: exactly one of a, a_log");
    if (s.heads > 65535 || s.batch > 65535) return nmc::fail("ssd2 scan: heads and batch must be below 65536");
    if (s.seq_len == 0) return NMC_OK;
    const int nc = (s.seq_len + T2Q - 1) / T2Q, P = s.head_dim, N = s.state;
    const int64_t n = (int64_t)s.batch * nc * s.heads * r16(P) * r16(N);  // PP NP % 256 == 0: 16-byte aligned halves
    bf16 *local = reinterpret_cast<bf16 *>(ws), *sin = local + n;
    float *decay = ws + n;
    int vflags = 0;
    if (P % 4 == 0 && s.x_stride % 4 == 0 && aligned16(s.x)) vflags |= T2V_X;
    if (N % 4 == 0 && s.bc_stride % 4 == 0 && aligned16(s.b) && aligned16(s.c)) vflags |= T2V_BC;
    if (P % 4 == 0 && s.y_stride % 4 == 0 && aligned16(s.y)) vflags |= T2V_Y;
    const size_t sb = states_smem(P, N), ob = output_smem(P, N);
    NMC_CUDA(cudaFuncSetAttribute(t2_states_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)sb));
    NMC_CUDA(cudaFuncSetAttribute(t2_output_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)ob));
    const dim3 grid(nc, s.heads, s.batch);
    t2_states_kernel<<<grid, T2T, sb, stream>>>(s, local, decay, vflags);
    NMC_LAUNCHED("ssd2 states");
    const int64_t pairs = (int64_t)s.batch * s.heads * r16(P) * r16(N) / 2;
    t2_pass_kernel<<<(unsigned)((pairs + 255) / 256), 256, 0, stream>>>(s, nc, local, sin, decay);
    NMC_LAUNCHED("ssd2 pass");
    t2_output_kernel<<<grid, T2T, ob, stream>>>(s, sin, vflags);
    NMC_LAUNCHED("ssd2 output");
    return NMC_OK;
}

int prefill_scan_mode(int model_dtype, int head_dim, int state, int *mode) {
    const char *e = nmc::env_value("NMC_PREFILL_SCAN");
    const int choice = nmc::choice_index(e, {"chunked", "ssd", "ssd2", "auto"});
    const bool fits = ssd2_supported(head_dim, state), fits1 = ssd_fused_supported(head_dim, state);
    if (e == nullptr || choice == 3) {
        // ssd2 (H100, 2026-12-07: 1.78 ms a layer against 5.89 for the fused ssd at the 9B shape, L 8192;
        // prefill 1.31x), else the fused ssd, else the chunked scan; F32 models keep the chunked scan
        *mode = model_dtype == NMC_F32 ? PREFILL_CHUNKED : fits ? PREFILL_SSD2 : fits1 ? PREFILL_SSD : PREFILL_CHUNKED;
    } else if (choice == 0) {
        *mode = PREFILL_CHUNKED;
    } else if (choice == 1 || choice == 2) {
        const bool two = choice == 2;
        if (!(two ? fits : fits1))
            return nmc::fail(std::string("NMC_PREFILL_SCAN=") + e +
                             ": this model's mamba head (head_dim x state) does not fit the kernel; use chunked");
        *mode = two ? PREFILL_SSD2 : PREFILL_SSD;
    } else {
        return nmc::fail(std::string("NMC_PREFILL_SCAN must be chunked, ssd, ssd2 or auto (got '") + e + "')");
    }
    return NMC_OK;
}

}  // namespace nmc::k
