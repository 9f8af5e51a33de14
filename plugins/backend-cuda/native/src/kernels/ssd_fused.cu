// Fused Mamba-2 SSD forward on tensor cores (BF16 operands, fp32 accumulation, WMMA 16x16x16):
// the chunked matrix form of the Mamba-2 paper (ssd_minimal) in three launches, no cuBLAS, no
// intermediate besides the chunk states. Same semantics as the recurrence (ssm_scan.cu,
// train_scan.cu), per sequence b, head h of group g = h / (H/G):
//   S_t = exp(dt_t A) S_{t-1} + dt_t x_t B_t^T,  y_t = S_t C_t + D x_t,  S_{-1} = init (or 0)
// with dt = clamp(softplus(dt_raw + dt_bias), dt_min, dt_max) when dt_bias is given.
//
// Shapes: Q = 64 tokens a chunk, nc = ceil(L/Q), PP = P and NP = N rounded up to 16 (zero padded);
// rows r = b L + t of x [., H P], B, C [., G N] (row strides given), dt [., H], y [., H P].
//   ws local [B, nc, H, PP, NP] bf16, sin (the same, entering states) bf16, decay [B, nc, H] fp32
//   (ssd_fused_workspace_floats: the two BF16 arrays take the floats of one fp32 one)
// Steps, per block (chunk c, head h, sequence b), tokens padded past L with dt = 0 (no decay, no input):
//   1. dt_l (bias, softplus, clamp);  acs_l = sum_{s <= l} dt_s A           (chunk cumsum)     [Q]
//   2. (states kernel)  local = (x dt exp(acs_{Q-1} - acs))^T B              [PP, NP], k = Q
//      decay_c = exp(acs_{Q-1})
//   3. (pass kernel, per state entry, sequential over chunks, fp32)  sin[c] = S_in[c]:
//      S_in[0] = init, S_in[c+1] = decay_c S_in[c] + local[c];  final = S_in[nc]
//   4. (output kernel, block (c, head set, b))  G = C B^T                    [Q, Q], k = NP
//      once for the block's hpb heads of one group (ssd_output_heads_per_block), then per head:
//      M[l, s] = G[l, s] exp(acs_l - acs_s) dt_s  (s <= l, else 0)           (segsum mask)
//   5.  Y = (exp(acs) C) S_in^T  +  M x                                      [Q, PP], k = NP + Q
//      y = Y + D x  (rows t < L)
// Operands are rounded to BF16 as they are loaded (x, B, C, dt-weighted x, M), the chunk states
// as they are stored (local, sin: half the memory traffic of fp32; the pass runs in fp32); cumsum,
// decays and all accumulation stay fp32. Error against the fp32/double
// recurrence: BF16's, about 1e-2 of max|y| (test/emu/ssd_fused_emu.cpp, nmc_train_selftest).
// Limits: shared memory of the output kernel, ssd_fused_supported (P, N <= 128 fit).
#include <mma.h>

#include "ssd_fused.h"
#include "train_kernels.h"
#include "device_math.cuh"
#include "sm_count.h"

#include <cstdlib>
#include <cstring>
#include <string>

namespace nmc::k {
namespace {

using namespace nvcuda;
using bf16 = __nv_bfloat16;
// ---- kernels (test/emu/ssd_fused_emu.cpp runs the text between these markers on the CPU) ----
constexpr int SQ = 64;        // chunk length Q
constexpr int SWARPS = 8;     // warps a block
constexpr int SPAD = 8, SFPAD = 4;  // row padding of bf16 and fp32 shared tiles (elements)

using SFragA = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major>;
using SFragAc = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::col_major>;
using SFragB = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major>;
using SFragBc = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major>;
using SFragC = wmma::fragment<wmma::accumulator, 16, 16, 16, float>;

__device__ __forceinline__ int ssd_r16(int v) { return (v + 15) / 16 * 16; }
__device__ __forceinline__ int ssd_a128(int bytes) { return (bytes + 127) / 128 * 128; }
__device__ __forceinline__ float ssd_softplus(float x) { return x > 20.0f ? x : log1pf(expf(x)); }

// Step 1: dt [SQ] and acs [SQ] of chunk c of sequence b in shared memory (dt = 0 past L).
__device__ void ssd_cumsum(const SsdArgs &s, int b, int c, int h, float *dt, float *acs) {
    int t0 = c * SQ, l = threadIdx.x;
    float A = s.a != nullptr ? s.a[h] : -expf(s.a_log[h]);
    if (l < SQ) {
        float v = 0.0f;
        if (t0 + l < s.seq_len) {
            v = s.dt[((int64_t)b * s.seq_len + t0 + l) * s.dt_stride + h];
            if (s.dt_bias != nullptr) v = fminf(fmaxf(ssd_softplus(v + s.dt_bias[h]), s.dt_min), s.dt_max);
        }
        dt[l] = v;
    }
    __syncthreads();
    if (l < SQ) {
        float run = 0.0f;  // the reference's order: run += dt_s A
        for (int i = 0; i <= l; i++) run += dt[i] * A;
        acs[l] = run;
    }
    __syncthreads();
}

// dst [SQ rows, cols] bf16 (row stride ld) = scale_l * src[row t0 + l, col] for l < valid and
// col < width, 0 elsewhere; src rows r = b L + t of stride `stride`. scale null: 1.
__device__ void ssd_load_rows(bf16 *dst, int ld, int cols, const float *src, int64_t stride, int64_t row0, int valid,
                              int width, const float *scale) {
    for (int i = threadIdx.x; i < SQ * cols; i += blockDim.x) {
        int l = i / cols, j = i - l * cols;
        float v = 0.0f;
        if (l < valid && j < width) v = src[(row0 + l) * stride + j] * (scale != nullptr ? scale[l] : 1.0f);
        dst[l * ld + j] = __float2bfloat16(v);
    }
}

// Step 2: block (c, h, b); local chunk state [PP, NP] (bf16) into the workspace, decay_c.
__global__ void __launch_bounds__(SWARPS * 32) ssd_states_kernel(SsdArgs s, bf16 *local, float *decay) {
    extern __shared__ __align__(128) char smem[];
    const int c = blockIdx.x, h = blockIdx.y, b = blockIdx.z, nc = gridDim.x, H = s.heads;
    const int P = s.head_dim, N = s.state, PP = ssd_r16(P), NP = ssd_r16(N), g = h / (H / s.groups);
    const int ldx = PP + SPAD, ldb = NP + SPAD, t0 = c * SQ, valid = min(SQ, s.seq_len - t0);
    float *dt = reinterpret_cast<float *>(smem), *acs = dt + SQ, *w = acs + SQ;  // w: the x weights
    bf16 *xw = reinterpret_cast<bf16 *>(smem + ssd_a128(3 * SQ * 4));
    bf16 *bm = xw + ssd_a128(SQ * ldx * 2) / 2;
    float *stage = reinterpret_cast<float *>(bm + ssd_a128(SQ * ldb * 2) / 2) + (threadIdx.x / 32) * 256;  // the warp's tile
    ssd_cumsum(s, b, c, h, dt, acs);
    if (threadIdx.x < SQ) w[threadIdx.x] = dt[threadIdx.x] * expf(acs[SQ - 1] - acs[threadIdx.x]);
    __syncthreads();
    const int64_t row0 = (int64_t)b * s.seq_len + t0;
    ssd_load_rows(xw, ldx, PP, s.x + h * P, s.x_stride, row0, valid, P, w);
    ssd_load_rows(bm, ldb, NP, s.b + g * N, s.bc_stride, row0, valid, N, nullptr);
    __syncthreads();
    bf16 *st = local + (((int64_t)b * nc + c) * H + h) * PP * NP;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, tn = NP / 16, tiles = (PP / 16) * tn;
    for (int t = warp; t < tiles; t += SWARPS) {
        int pi = t / tn, ni = t % tn;
        SFragC acc;
        wmma::fill_fragment(acc, 0.0f);
        for (int k = 0; k < SQ / 16; k++) {
            SFragAc fa;  // xw^T: element (p, l) at xw[l ldx + p]
            SFragB fb;
            wmma::load_matrix_sync(fa, xw + k * 16 * ldx + pi * 16, ldx);
            wmma::load_matrix_sync(fb, bm + k * 16 * ldb + ni * 16, ldb);
            wmma::mma_sync(acc, fa, fb, acc);
        }
        wmma::store_matrix_sync(stage, acc, 16, wmma::mem_row_major);
        __syncwarp();
        for (int j = 0; j < 8; j++) {  // lane: row lane / 2, 8 columns
            int r = lane / 2, col = (lane % 2) * 8 + j;
            st[(int64_t)(pi * 16 + r) * NP + ni * 16 + col] = __float2bfloat16(stage[r * 16 + col]);
        }
        __syncwarp();
    }
    if (threadIdx.x == 0) decay[((int64_t)b * nc + c) * H + h] = expf(acs[SQ - 1]);
}

// Step 3: one thread per state entry (b, h, p, n); sin[c] = S_in[c]; final = S_in[nc].
__global__ void ssd_pass_kernel(SsdArgs s, int nc, const bf16 *local, bf16 *sin, const float *decay) {
    const int P = s.head_dim, N = s.state, PP = ssd_r16(P), NP = ssd_r16(N), H = s.heads;
    int64_t per = (int64_t)H * P * N, i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (i >= per * s.batch) return;
    int64_t b = i / per, e = i % per;
    int h = (int)(e / ((int64_t)P * N)), p = (int)(e / N % P), n = (int)(e % N);
    float run = s.init != nullptr ? s.init[i] : 0.0f;
#pragma unroll 8
    for (int c = 0; c < nc; c++) {  // the loads do not depend on run: unrolled, they overlap
        int64_t at = ((((b * nc + c) * H + h) * PP) + p) * NP + n;
        float loc = __bfloat162float(local[at]);
        sin[at] = __float2bfloat16(run);
        run = decay[(b * nc + c) * H + h] * run + loc;
    }
    if (s.final_state != nullptr) s.final_state[i] = run;
}

// Steps 4 and 5: block (c, j, b), y of the chunk's rows for heads h0 .. h0 + hpb - 1 (h0 = j hpb),
// which share group g (hpb divides H / G): G = C B^T is computed once for them (step 4 is the
// same for every head of a group), then per head M, Y.
__global__ void __launch_bounds__(SWARPS * 32) ssd_output_kernel(SsdArgs s, const bf16 *sin, int hpb) {
    extern __shared__ __align__(128) char smem[];
    const int c = blockIdx.x, h0 = blockIdx.y * hpb, b = blockIdx.z, nc = gridDim.x, H = s.heads;
    const int P = s.head_dim, N = s.state, PP = ssd_r16(P), NP = ssd_r16(N), g = h0 / (H / s.groups);
    const int ldc = NP + SPAD, ldx = PP + SPAD, ldm = SQ + SPAD, ldf = max(SQ, PP) + SFPAD, ldg = SQ + SFPAD;
    const int t0 = c * SQ, valid = min(SQ, s.seq_len - t0);
    float *dt = reinterpret_cast<float *>(smem), *acs = dt + SQ, *ea = acs + SQ;  // ea = exp(acs)
    char *at = smem + ssd_a128(3 * SQ * 4);
    bf16 *cm = reinterpret_cast<bf16 *>(at);
    at += ssd_a128(SQ * ldc * 2);
    bf16 *bm = reinterpret_cast<bf16 *>(at), *mm = bm;  // M [SQ, ldm] replaces B after step 4's G
    at += ssd_a128(SQ * max(ldc, ldm) * 2);
    bf16 *xm = reinterpret_cast<bf16 *>(at);
    at += ssd_a128(SQ * ldx * 2);
    bf16 *sm = reinterpret_cast<bf16 *>(at);
    at += ssd_a128(PP * ldc * 2);
    float *gf = reinterpret_cast<float *>(at);  // Y [SQ, ldf]
    at += ssd_a128(SQ * ldf * 4);
    float *gg = reinterpret_cast<float *>(at);  // G [SQ, ldg], shared by the block's heads
    const int64_t row0 = (int64_t)b * s.seq_len + t0;
    ssd_load_rows(cm, ldc, NP, s.c + g * N, s.bc_stride, row0, valid, N, nullptr);
    ssd_load_rows(bm, ldc, NP, s.b + g * N, s.bc_stride, row0, valid, N, nullptr);
    __syncthreads();
    const int warp = threadIdx.x / 32, tq = SQ / 16, tp = PP / 16;
    // 4. G = C B^T on the tiles on or below the diagonal (once for the group's hpb heads)
    for (int t = warp; t < tq * tq; t += SWARPS) {
        int li = t / tq, si = t % tq;
        if (si > li) continue;
        SFragC acc;
        wmma::fill_fragment(acc, 0.0f);
        for (int k = 0; k < NP / 16; k++) {
            SFragA fa;
            SFragBc fb;  // B^T: element (n, s) at bm[s ldc + n]
            wmma::load_matrix_sync(fa, cm + li * 16 * ldc + k * 16, ldc);
            wmma::load_matrix_sync(fb, bm + si * 16 * ldc + k * 16, ldc);
            wmma::mma_sync(acc, fa, fb, acc);
        }
        wmma::store_matrix_sync(gg + li * 16 * ldg + si * 16, acc, ldg, wmma::mem_row_major);
    }
    for (int h = h0; h < h0 + hpb; h++) {
        ssd_cumsum(s, b, c, h, dt, acs);  // its barriers also order this head's smem writes after the last head's reads
        if (threadIdx.x < SQ) ea[threadIdx.x] = expf(acs[threadIdx.x]);
        __syncthreads();
        // M (segsum decay mask) into B's place; C rows scaled by exp(acs_l) (reloaded: one rounding)
        for (int i = threadIdx.x; i < SQ * SQ; i += blockDim.x) {
            int l = i / SQ, j = i % SQ;
            float v = j <= l ? gg[l * ldg + j] * expf(acs[l] - acs[j]) * dt[j] : 0.0f;
            mm[l * ldm + j] = __float2bfloat16(v);
        }
        ssd_load_rows(cm, ldc, NP, s.c + g * N, s.bc_stride, row0, valid, N, ea);
        ssd_load_rows(xm, ldx, PP, s.x + h * P, s.x_stride, row0, valid, P, nullptr);
        const bf16 *sc = sin + (((int64_t)b * nc + c) * H + h) * PP * NP;  // S_in [PP, NP] (pad: not written)
        for (int i = threadIdx.x; i < PP * NP; i += blockDim.x) {
            int p = i / NP, n = i % NP;
            sm[p * ldc + n] = p < P && n < N ? sc[i] : __float2bfloat16(0.0f);
        }
        __syncthreads();
        // 5. Y = (exp(acs) C) S_in^T + M x
        for (int t = warp; t < tq * tp; t += SWARPS) {
            int li = t / tp, pi = t % tp;
            SFragC acc;
            wmma::fill_fragment(acc, 0.0f);
            for (int k = 0; k < NP / 16; k++) {
                SFragA fa;
                SFragBc fb;  // S_in^T: element (n, p) at sm[p ldc + n]
                wmma::load_matrix_sync(fa, cm + li * 16 * ldc + k * 16, ldc);
                wmma::load_matrix_sync(fb, sm + pi * 16 * ldc + k * 16, ldc);
                wmma::mma_sync(acc, fa, fb, acc);
            }
            for (int k = 0; k <= li; k++) {  // M is zero right of the diagonal tile
                SFragA fa;
                SFragB fb;
                wmma::load_matrix_sync(fa, mm + li * 16 * ldm + k * 16, ldm);
                wmma::load_matrix_sync(fb, xm + k * 16 * ldx + pi * 16, ldx);
                wmma::mma_sync(acc, fa, fb, acc);
            }
            wmma::store_matrix_sync(gf + li * 16 * ldf + pi * 16, acc, ldf, wmma::mem_row_major);
        }
        __syncthreads();
        const float dskip = s.d != nullptr ? s.d[h] : 0.0f;
        for (int i = threadIdx.x; i < valid * P; i += blockDim.x) {
            int l = i / P, p = i % P;
            int64_t r = row0 + l;
            s.y[r * s.y_stride + h * P + p] = gf[l * ldf + p] + dskip * s.x[r * s.x_stride + h * P + p];
        }
    }
}
// ---- end kernels ----

int r16(int v) { return (v + 15) / 16 * 16; }
int a128(int v) { return (v + 127) / 128 * 128; }

size_t states_smem(int P, int N) {
    return a128(3 * SQ * 4) + a128(SQ * (r16(P) + SPAD) * 2) + a128(SQ * (r16(N) + SPAD) * 2) + SWARPS * 256 * 4;
}

size_t output_smem(int P, int N) {
    int PP = r16(P), NP = r16(N);
    return a128(3 * SQ * 4) + a128(SQ * (NP + SPAD) * 2) + a128(SQ * std::max(NP + SPAD, SQ + SPAD) * 2) + a128(SQ * (PP + SPAD) * 2) + a128(PP * (NP + SPAD) * 2) +
           a128(SQ * (std::max(SQ, PP) + SFPAD) * 4) + a128(SQ * (SQ + SFPAD) * 4);
}

}  // namespace

// Heads a block of the output kernel handles (they share a group and C B^T): the largest divisor
// of H / G that still leaves `min_blocks` blocks (nc B H / hpb), else 1.
int ssd_output_heads_per_block(int heads, int groups, int64_t chunk_blocks, int64_t min_blocks) {
    const int per = heads / groups;
    for (int d = per; d > 1; d--)
        if (per % d == 0 && chunk_blocks * (heads / d) >= min_blocks) return d;
    return 1;
}

namespace {

constexpr size_t SMEM_LIMIT = 227 * 1024;

}  // namespace

bool ssd_fused_supported(int head_dim, int state) {
    return head_dim > 0 && state > 0 && output_smem(head_dim, state) <= SMEM_LIMIT &&
           states_smem(head_dim, state) <= SMEM_LIMIT;
}

int64_t ssd_fused_workspace_floats(int batch, int seq_len, int heads, int head_dim, int state) {
    int64_t nc = (seq_len + SQ - 1) / SQ;
    return (int64_t)batch * nc * heads * ((int64_t)r16(head_dim) * r16(state) + 1);
}

int ssd_fused(const SsdArgs &s, float *ws, cudaStream_t stream) {
    if (s.batch <= 0 || s.seq_len < 0 || s.heads <= 0 || s.groups <= 0 || s.heads % s.groups)
        return nmc::fail("ssd scan: heads must be a positive multiple of groups");
    if (!ssd_fused_supported(s.head_dim, s.state))
        return nmc::fail("ssd scan: head_dim and state too large for the fused kernel (shared memory); use NMC_PREFILL_SCAN=chunked");
    if ((s.a == nullptr) == (s.a_log == nullptr)) return nmc::fail("ssd scan: exactly one of a, a_log");
    if (s.heads > 65535 || s.batch > 65535) return nmc::fail("ssd scan: heads and batch must be below 65536");
    if (s.seq_len == 0) return NMC_OK;
    const int nc = (s.seq_len + SQ - 1) / SQ;
    const int64_t n = (int64_t)s.batch * nc * s.heads * r16(s.head_dim) * r16(s.state);  // even: PP NP % 256 == 0
    bf16 *local = reinterpret_cast<bf16 *>(ws), *sin = local + n;
    float *decay = ws + n;
    const size_t sb = states_smem(s.head_dim, s.state), ob = output_smem(s.head_dim, s.state);
    NMC_CUDA(cudaFuncSetAttribute(ssd_states_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)sb));
    NMC_CUDA(cudaFuncSetAttribute(ssd_output_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)ob));
    const dim3 grid(nc, s.heads, s.batch);
    ssd_states_kernel<<<grid, SWARPS * 32, sb, stream>>>(s, local, decay);
    NMC_LAUNCHED("ssd_fused states");
    const int64_t entries = (int64_t)s.batch * s.heads * s.head_dim * s.state;
    ssd_pass_kernel<<<(unsigned)((entries + 255) / 256), 256, 0, stream>>>(s, nc, local, sin, decay);
    NMC_LAUNCHED("ssd_fused pass");
    const int sms = multiprocessor_count();
    // enough blocks for ~4 per SM (two resident at P 80, N 128, two waves), else less sharing
    const int hpb = ssd_output_heads_per_block(s.heads, s.groups, (int64_t)nc * s.batch, 4LL * sms);
    ssd_output_kernel<<<dim3(nc, s.heads / hpb, s.batch), SWARPS * 32, ob, stream>>>(s, sin, hpb);
    NMC_LAUNCHED("ssd_fused output");
    return NMC_OK;
}

}  // namespace nmc::k

namespace nmc::k::train {

int64_t ssd_fused_work_floats(const ScanArgs &s) {
    return ssd_fused_workspace_floats(s.batch, s.seq_len, s.heads, s.head_dim, s.state);
}

int ssd_forward_fused(const ScanArgs &s, float *y, float *work, cudaStream_t stream) {
    const int64_t HP = (int64_t)s.heads * s.head_dim, GN = (int64_t)s.groups * s.state;
    SsdArgs a{s.batch, s.seq_len, s.heads, s.head_dim, s.groups, s.state, s.xbc, s.conv_dim, s.xbc + HP, s.xbc + HP + GN,
              s.conv_dim, s.dt, s.heads, nullptr, 0.0f, 0.0f, nullptr, s.a_log, s.d, y, HP, nullptr, nullptr};
    return ssd_fused(a, work, stream);
}

int ssd_fused_selected(int dtype, bool *fused, bool *fused_bwd) {
    int mode;  // NMC_TRAIN_SCAN, the one parse (scan_mode_choice): -1 unset, then TRAIN_SCAN_MODES' order
    NMC_TRY(scan_mode_choice(&mode));
    *fused = (mode < 0 || mode == 0 || mode == 1) && dtype == NMC_BF16;
    if (fused_bwd != nullptr) *fused_bwd = *fused && mode == 1;
    return NMC_OK;
}

}  // namespace nmc::k::train
