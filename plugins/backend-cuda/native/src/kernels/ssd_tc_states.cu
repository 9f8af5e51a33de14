// The inter-chunk (state) part of the chunked SSD backward (train_ssd.cu steps B2, B3 and B5, B6, B7)
// as two tensor-core kernels (WMMA 16x16x16, BF16 operands, fp32 accumulation), one block per
// (chunk, group): NMC_TRAIN_SCAN_STATES=tc under ssd_backward_tc (unset or "cublas": the batched
// GEMMs and weigh_x_bwd_rows of train_ssd.cu). The reverse chunk scan B4 between them stays
// train_ssd.cu's chunk_states_bwd. Same semantics, per chunk bc (of B nc) and group g, for each
// head h of the group in turn (rows r = bc Q + l of the chunked layout, train_ssd.cu's header;
// Q = 64; the group's B, C are columns H P + g N, H P + G N + g N of xp):
//   before B4 (ssd_states_pre_kernel; inputs dyh [B nc, H, Q, P], acs [B Lp, H], st [B nc, H, P, N]
//   (the entering states), C):
//     0. dys = dy exp(acs_l)               (B0, in shared memory only: dys is not written)
//     1. dC += dys st_h                    [Q, N], k = P   (B2: the sum over the group's heads
//                                           stays in the warps' accumulators)
//     2. ds_h = dys^T C                    [P, N], k = Q   (B3: written, B4's input)
//   after the heads: dC into dbc's C half (written)
//   after B4 (ssd_states_post_kernel; inputs ds (B4's gs), xw [B Lp, H P], xp (x, B), dtp, acs):
//     3. dxw = B ds_h^T                    [Q, P], k = N   (B5: fp32 in shared memory only)
//     4. dB += xw_h ds_h                   [Q, N], k = P   (B6: accumulators as dC)
//     5. dec_l = exp(acs_{Q-1} - acs_l): dx = dxw dt dec (written, head-major; B9 adds to it),
//        rd_l = sum_p dxw x;  ddt_l = rd dec (written);  dacs_l -= rd dt dec;
//        dacs_{Q-1} += sum_l rd dt dec     (B7)
//   after the heads: dB into dbc's B half (written)
// BF16 rounding of the GEMM operands only (dys, st, C; ds, B, xw), as ssd_tc_bwd.cu; dxw, x and
// every sum fp32. Global traffic at hybrid1b's shape (B 1, L 4096, H 64, P 64, G 8, N 128): pre
// reads dyh 67 MB, st 134, C 17 and writes ds 134, dC 17; post reads ds 134, xw 67, x 67, B 17 and
// writes dx 67, dB 17 (the cuBLAS path also writes and re-reads dys 67 and dxw 67 and stages
// nothing in BF16 but runs its GEMMs on fp32 through TF32).
//
// One block of SB_WARPS warps per (bc, g); dynamic shared memory (sb_pre_smem / sb_post_smem): the
// group's C or B [Q, N + 8] BF16; per head dys [Q, P + 8] and st [P, N + 8] (pre), ds [P, N + 8],
// xw [Q, P + 8] BF16, dxw [Q, P + 4] fp32 and dt, dec, u [Q] (post). The [Q, N] accumulators (dC,
// dB) stay in registers across the heads: tile t = warp + SB_WARPS j of the (Q/16) x (N/16) tiles,
// j < SB_ACC (N <= 128). Every shared array is written and read on opposite sides of a
// __syncthreads; each output element (ds, dx, ddt, (row, h) of dacs) has one owner thread or warp
// (no atomics: the block owns its group's heads of its chunk). test/ssd_tc_states_emu.cpp runs the
// text between the kernel markers on the CPU against a double reference; nmc_train_selftest
// compares the whole backward with the cuBLAS one on the GPU.
#include <mma.h>

#include "train_kernels.h"
#include "device_math.cuh"
#include "../env_switch.h"

namespace nmc::k::train {
namespace {

using namespace nvcuda;
using bf16 = __nv_bfloat16;
// ---- kernels (test/ssd_tc_states_emu.cpp runs the text between these markers on the CPU) ----
constexpr int SB_Q = 64;                 // chunk length
constexpr int SB_WARPS = 8;              // warps a block
constexpr int SB_ACC = 4;                // [Q, N] accumulator tiles a warp: 4 (Q/16) (N/16) <= 32 SB_ACC
constexpr int SB_PAD = 8, SB_FPAD = 4;   // row padding of the BF16 and fp32 shared tiles (elements)

using SFragA = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major>;
using SFragAc = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::col_major>;
using SFragB = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major>;
using SFragBc = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major>;
using SFragC = wmma::fragment<wmma::accumulator, 16, 16, 16, float>;

__host__ __device__ inline int sb_a128(int bytes) { return (bytes + 127) / 128 * 128; }

// The shared layouts (byte offsets), head_dim P, state N.
struct SbLayout {
    int bc, dy, st, ds, xw, dxw, vec, pre, post;
    __host__ __device__ SbLayout(int P, int N) {
        const int ldp = P + SB_PAD, ldn = N + SB_PAD;
        int at = 0;
        auto take = [&](int bytes) { int o = at; at += sb_a128(bytes); return o; };
        bc = take(SB_Q * ldn * 2);  // C (pre) or B (post) of the group
        const int head = at;
        dy = take(SB_Q * ldp * 2);
        st = take(P * ldn * 2);
        pre = at;
        at = head;
        ds = take(P * ldn * 2);
        xw = take(SB_Q * ldp * 2);
        dxw = take(SB_Q * (P + SB_FPAD) * 4);
        vec = take(3 * SB_Q * 4);  // dt, dec, u
        post = at;
    }
};

// rows x w fp32 (row stride lds; w, lds and src a multiple of 4 floats, 16-byte loads) times
// scale(row) into BF16 shared rows of stride ldd
template <class F>
__device__ inline void sb_to_bf16(const float *src, int64_t lds, int rows, int w, bf16 *dst, int ldd, F scale) {
    const int w4 = w / 4;
#pragma unroll 4
    for (int i = threadIdx.x; i < rows * w4; i += blockDim.x) {
        const int r = i / w4, c = (i % w4) * 4;
        const float4 v = *reinterpret_cast<const float4 *>(src + r * lds + c);
        const float f = scale(r);
        __nv_bfloat162 *o = reinterpret_cast<__nv_bfloat162 *>(dst + r * ldd + c);
        o[0] = __floats2bfloat162_rn(v.x * f, v.y * f);
        o[1] = __floats2bfloat162_rn(v.z * f, v.w * f);
    }
}
struct SbOne {
    __device__ float operator()(int) const { return 1.0f; }
};

// acc[j] (tile warp + SB_WARPS j of [Q, N]) into dst (fp32 rows of stride ld)
__device__ inline void sb_store_acc(const SFragC *acc, int N, float *dst, int ld) {
    const int warp = threadIdx.x / 32, tn = N / 16;
#pragma unroll
    for (int j = 0; j < SB_ACC; j++) {
        const int tile = warp + SB_WARPS * j;
        if (tile < 4 * tn)
            wmma::store_matrix_sync(dst + (tile / tn) * 16 * ld + (tile % tn) * 16, acc[j], ld, wmma::mem_row_major);
    }
}

// B2 + B3 (and B0's dys). Block (bc, g) = (blockIdx.x / G, blockIdx.x % G); dbc [B Lp, 2 G N].
__global__ void __launch_bounds__(SB_WARPS * 32)
ssd_states_pre_kernel(const float *dyh, const float *acs, const float *st, const float *xp, int cd, int H, int G,
                      int P, int N, float *ds, float *dbc) {
    extern __shared__ __align__(128) char smem[];
    const SbLayout lay(P, N);
    const int64_t bc = blockIdx.x / G;
    const int g = blockIdx.x % G, hg = H / G, ldp = P + SB_PAD, ldn = N + SB_PAD, tid = threadIdx.x;
    const int warp = tid / 32, tn = N / 16, HP = H * P;
    bf16 *cs = reinterpret_cast<bf16 *>(smem + lay.bc), *dys = reinterpret_cast<bf16 *>(smem + lay.dy);
    bf16 *sts = reinterpret_cast<bf16 *>(smem + lay.st);
    sb_to_bf16(xp + bc * SB_Q * cd + HP + G * N + g * N, cd, SB_Q, N, cs, ldn, SbOne());  // C
    SFragC acc[SB_ACC];  // dC
#pragma unroll
    for (int j = 0; j < SB_ACC; j++) wmma::fill_fragment(acc[j], 0.0f);
    for (int hh = 0; hh < hg; hh++) {
        const int h = g * hg + hh;
        const int64_t head = bc * H + h;
        // 0. load: dys = dy exp(acs_l), st of this head (BF16)
        const float *dyg = dyh + head * SB_Q * P, *stg = st + head * P * N;
        sb_to_bf16(dyg, P, SB_Q, P, dys, ldp, [&](int l) { return expf(acs[(bc * SB_Q + l) * H + h]); });
        sb_to_bf16(stg, N, P, N, sts, ldn, SbOne());
        __syncthreads();
        // 1. dC += dys st: the warp's accumulator tiles, k = P
#pragma unroll
        for (int j = 0; j < SB_ACC; j++) {
            const int tile = warp + SB_WARPS * j;
            if (tile >= 4 * tn) continue;
            const int li = tile / tn, ni = tile % tn;
            for (int k = 0; k < P / 16; k++) {
                SFragA fa;  // dys rows li: (l, p) at dys[l ldp + p]
                SFragB fb;  // st: (p, n) at sts[p ldn + n]
                wmma::load_matrix_sync(fa, dys + li * 16 * ldp + k * 16, ldp);
                wmma::load_matrix_sync(fb, sts + k * 16 * ldn + ni * 16, ldn);
                wmma::mma_sync(acc[j], fa, fb, acc[j]);
            }
        }
        // 2. ds_h = dys^T C: (P/16) x (N/16) tiles, k = Q, straight to global
        float *dsg = ds + head * P * N;
        for (int tile = warp; tile < (P / 16) * tn; tile += SB_WARPS) {
            const int pi = tile / tn, ni = tile % tn;
            SFragC d;
            wmma::fill_fragment(d, 0.0f);
            for (int k = 0; k < SB_Q / 16; k++) {
                SFragAc fa;  // dys^T: (p, l) at dys[l ldp + p]
                SFragB fb;   // C: (l, n) at cs[l ldn + n]
                wmma::load_matrix_sync(fa, dys + k * 16 * ldp + pi * 16, ldp);
                wmma::load_matrix_sync(fb, cs + k * 16 * ldn + ni * 16, ldn);
                wmma::mma_sync(d, fa, fb, d);
            }
            wmma::store_matrix_sync(dsg + pi * 16 * N + ni * 16, d, N, wmma::mem_row_major);
        }
        __syncthreads();
    }
    sb_store_acc(acc, N, dbc + bc * SB_Q * (int64_t)(2 * G * N) + G * N + g * N, 2 * G * N);
}

// B5 + B6 + B7. Block (bc, g) as above; dx [B nc, H, Q, P] (head-major), ddt, dacs [B Lp, H].
__global__ void __launch_bounds__(SB_WARPS * 32)
ssd_states_post_kernel(const float *ds, const float *xw, const float *xp, int cd, const float *dtp, const float *acs,
                       int H, int G, int P, int N, float *dx, float *ddt, float *dacs, float *dbc) {
    extern __shared__ __align__(128) char smem[];
    const SbLayout lay(P, N);
    const int64_t bc = blockIdx.x / G;
    const int g = blockIdx.x % G, hg = H / G, ldp = P + SB_PAD, ldn = N + SB_PAD, ldf = P + SB_FPAD;
    const int tid = threadIdx.x, nt = blockDim.x, warp = tid / 32, tn = N / 16, tp = P / 16, HP = H * P;
    bf16 *bs = reinterpret_cast<bf16 *>(smem + lay.bc), *dss = reinterpret_cast<bf16 *>(smem + lay.ds);
    bf16 *xws = reinterpret_cast<bf16 *>(smem + lay.xw);
    float *dxw = reinterpret_cast<float *>(smem + lay.dxw), *dt_s = reinterpret_cast<float *>(smem + lay.vec);
    float *dec_s = dt_s + SB_Q, *u = dec_s + SB_Q;
    sb_to_bf16(xp + bc * SB_Q * cd + HP + g * N, cd, SB_Q, N, bs, ldn, SbOne());  // B
    SFragC acc[SB_ACC];  // dB
#pragma unroll
    for (int j = 0; j < SB_ACC; j++) wmma::fill_fragment(acc[j], 0.0f);
    const int64_t last = (bc * SB_Q + SB_Q - 1) * H;
    for (int hh = 0; hh < hg; hh++) {
        const int h = g * hg + hh;
        const int64_t head = bc * H + h;
        // load: ds_h, xw_h (BF16); dt, dec of this head's rows
        const float *dsg = ds + head * P * N;
        sb_to_bf16(dsg, N, P, N, dss, ldn, SbOne());
        sb_to_bf16(xw + bc * SB_Q * HP + h * P, HP, SB_Q, P, xws, ldp, SbOne());
        if (tid < SB_Q) {
            const int64_t r = (bc * SB_Q + tid) * H + h;
            dt_s[tid] = dtp[r];
            dec_s[tid] = expf(acs[last + h] - acs[r]);
        }
        __syncthreads();
        // 3. dxw = B ds^T: 4 x (P/16) tiles, k = N, into shared fp32
        for (int tile = warp; tile < 4 * tp; tile += SB_WARPS) {
            const int li = tile / tp, pi = tile % tp;
            SFragC d;
            wmma::fill_fragment(d, 0.0f);
            for (int k = 0; k < tn; k++) {
                SFragA fa;   // B rows li: (l, n) at bs[l ldn + n]
                SFragBc fb;  // ds^T: (n, p) at dss[p ldn + n]
                wmma::load_matrix_sync(fa, bs + li * 16 * ldn + k * 16, ldn);
                wmma::load_matrix_sync(fb, dss + pi * 16 * ldn + k * 16, ldn);
                wmma::mma_sync(d, fa, fb, d);
            }
            wmma::store_matrix_sync(dxw + li * 16 * ldf + pi * 16, d, ldf, wmma::mem_row_major);
        }
        // 4. dB += xw_h ds_h: the warp's accumulator tiles, k = P
#pragma unroll
        for (int j = 0; j < SB_ACC; j++) {
            const int tile = warp + SB_WARPS * j;
            if (tile >= 4 * tn) continue;
            const int li = tile / tn, ni = tile % tn;
            for (int k = 0; k < tp; k++) {
                SFragA fa;  // xw rows li: (l, p) at xws[l ldp + p]
                SFragB fb;  // ds: (p, n) at dss[p ldn + n]
                wmma::load_matrix_sync(fa, xws + li * 16 * ldp + k * 16, ldp);
                wmma::load_matrix_sync(fb, dss + k * 16 * ldn + ni * 16, ldn);
                wmma::mma_sync(acc[j], fa, fb, acc[j]);
            }
        }
        __syncthreads();
        // 5a. dx = dxw dt dec (written); dxw <- dxw x in place (owner: the element's thread)
        float *dxg = dx + head * SB_Q * P;
        for (int i = tid; i < SB_Q * P; i += nt) {
            const int l = i / P, p = i % P, o = l * ldf + p;
            const float v = dxw[o];
            dxg[i] = v * dt_s[l] * dec_s[l];
            dxw[o] = v * xp[(bc * SB_Q + l) * cd + h * P + p];
        }
        __syncthreads();
        // 5b. rd_l = sum_p dxw x (thread l): ddt, dacs_l of this head's rows
        if (tid < SB_Q) {
            float rd = 0.0f;
            for (int p = 0; p < P; p++) rd += dxw[tid * ldf + p];
            const int64_t r = (bc * SB_Q + tid) * H + h;
            const float v = rd * dt_s[tid] * dec_s[tid];
            ddt[r] = rd * dec_s[tid];
            dacs[r] -= v;
            u[tid] = v;
        }
        __syncthreads();
        // 5c. dacs_{Q-1} += sum_l u_l (after row Q-1's own update in 5b)
        if (tid == 0) {
            float s = 0.0f;
            for (int l = 0; l < SB_Q; l++) s += u[l];
            dacs[last + h] += s;
        }
    }
    sb_store_acc(acc, N, dbc + bc * SB_Q * (int64_t)(2 * G * N) + g * N, 2 * G * N);
}
// ---- end kernels ----

}  // namespace

bool ssd_states_tc_supported(int head_dim, int state) {
    return head_dim > 0 && head_dim % 16 == 0 && head_dim <= 128 && state > 0 && state % 16 == 0 &&
           4 * (state / 16) <= SB_WARPS * SB_ACC;
}

int ssd_states_tc_choice(bool *on) {
    int c = -1;
    NMC_TRY(nmc::env_choice("NMC_TRAIN_SCAN_STATES", {"cublas", "tc"}, &c));
    *on = c == 1;
    return NMC_OK;
}

namespace {
int sb_launch_check(int64_t nbc, int heads, int groups, int head_dim, int state) {
    if (!ssd_states_tc_supported(head_dim, state))
        return nmc::fail("ssd tc states backward: head_dim and state must be multiples of 16, head_dim <= 128, state <= 128");
    if (groups <= 0 || heads % groups || nbc * groups > 0x7fffffffLL) return nmc::fail("ssd tc states backward: bad shape");
    return NMC_OK;
}
}  // namespace

int ssd_states_pre_tc(const float *dyh, const float *acs, const float *st, const float *xp, int conv_dim, int64_t nbc,
                      int heads, int groups, int head_dim, int state, float *ds, float *dbc, cudaStream_t stream) {
    NMC_TRY(sb_launch_check(nbc, heads, groups, head_dim, state));
    const int bytes = SbLayout(head_dim, state).pre;
    NMC_CUDA(cudaFuncSetAttribute(ssd_states_pre_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes));
    ssd_states_pre_kernel<<<(unsigned)(nbc * groups), SB_WARPS * 32, bytes, stream>>>(
        dyh, acs, st, xp, conv_dim, heads, groups, head_dim, state, ds, dbc);
    NMC_LAUNCHED("ssd_states_pre_kernel");
    return NMC_OK;
}

int ssd_states_post_tc(const float *ds, const float *xw, const float *xp, int conv_dim, const float *dtp,
                       const float *acs, int64_t nbc, int heads, int groups, int head_dim, int state, float *dx,
                       float *ddt, float *dacs, float *dbc, cudaStream_t stream) {
    NMC_TRY(sb_launch_check(nbc, heads, groups, head_dim, state));
    const int bytes = SbLayout(head_dim, state).post;
    NMC_CUDA(cudaFuncSetAttribute(ssd_states_post_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes));
    ssd_states_post_kernel<<<(unsigned)(nbc * groups), SB_WARPS * 32, bytes, stream>>>(
        ds, xw, xp, conv_dim, dtp, acs, heads, groups, head_dim, state, dx, ddt, dacs, dbc);
    NMC_LAUNCHED("ssd_states_post_kernel");
    return NMC_OK;
}

}  // namespace nmc::k::train
