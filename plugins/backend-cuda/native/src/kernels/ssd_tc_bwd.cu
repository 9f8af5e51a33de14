// The intra-chunk part of the chunked SSD backward (train_ssd.cu steps B8, B9, B10) in one
// tensor-core kernel (WMMA 16x16x16, BF16 operands, fp32 accumulation): NMC_TRAIN_SCAN=tc-bwd, and
// ssd_backward_tc. The cuBLAS path it replaces: two fp32 batched GEMMs (dm, m^T dy) and two mask
// kernels that read the [B nc, H, Q, Q] dm back from memory. Same semantics, per chunk bc (of B nc)
// and group g, for each head h of the group in turn (rows r = bc Q + l of the chunked layout, see
// train_ssd.cu's header; Q = 64):
//   inputs  dyh, xh [B nc, H, Q, P] (head-major dy and x), m [B nc, H, Q, Q] (F3's masked matrix,
//           zero above the diagonal), cb [B nc, G, Q, Q], acs, dtp [B Lp, H]
//   1. dm = dy x^T                                    [Q, Q], k = P   (WMMA; B8)
//   2. dx += m^T dy                                   [Q, P], k = Q   (WMMA on dx's fp32 tile; B9)
//   3. for s <= l: e = exp(acs_l - acs_s);  w = dm m;  t = dm cb e;  dcb += dm e dt_s
//                                                     (dcb summed over the group's heads, B10b)
//   4. row_l = sum_s w[l, s];  col_s = sum_l w[l, s];  colt_s = sum_l t[l, s]
//   5. dacs_j += row_j - col_j;  ddt_j += colt_j      (B10a)
// after the group's heads: dcb [B nc, G, Q, Q] written (B10b). BF16 rounding of dy, x and m (the
// GEMM operands) only; e, w, t and every sum fp32 (m and cb read in fp32). (ssd_backward_tc also
// runs the backward's other GEMMs, B2 - B6 and B11, through TF32 tensor cores: train_ssd.cu.)
//
// One block of TB_WARPS warps per (bc, g); shared memory (dynamic, tc_bwd_smem): dy, x [Q, P + 8]
// and m [Q, Q + 8] in BF16; dm, t, cb, dcb [Q, Q + 4] fp32; acs, dt, row, col, colt [Q]. Every
// shared array is written and read on opposite sides of a __syncthreads (no warp-synchronous
// assumption): each head runs load | sync | WMMA | sync | element-wise | sync | sums | sync |
// global update; each dcb element, dx tile and (row, h) of dacs / ddt has one owner thread or warp.
// test/ssd_tc_bwd_emu.cpp runs the text between the kernel markers on the CPU against a double
// reference; nmc_train_selftest compares the whole backward with the cuBLAS one on the GPU.
#include <mma.h>

#include "train_kernels.h"
#include "device_math.cuh"

namespace nmc::k::train {
namespace {

using namespace nvcuda;
using bf16 = __nv_bfloat16;
// ---- kernels (test/ssd_tc_bwd_emu.cpp runs the text between these markers on the CPU) ----
constexpr int TB_Q = 64;                  // chunk length
constexpr int TB_WARPS = 8;               // warps a block
constexpr int TB_PAD = 8, TB_FPAD = 4;    // row padding of the BF16 and fp32 shared tiles (elements)
constexpr int TB_LDQ = TB_Q + TB_FPAD;    // fp32 [Q, Q] tiles' row stride
constexpr int TB_LDM = TB_Q + TB_PAD;     // BF16 m's row stride

using TFragA = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major>;
using TFragAc = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::col_major>;
using TFragB = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major>;
using TFragBc = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major>;
using TFragC = wmma::fragment<wmma::accumulator, 16, 16, 16, float>;

__host__ __device__ inline int tb_a128(int bytes) { return (bytes + 127) / 128 * 128; }

// The shared layout (byte offsets from the start), head_dim P.
struct TbLayout {
    int dy, x, m, dm, t, cb, dcb, vec, total;
    __host__ __device__ explicit TbLayout(int P) {
        const int ldp = P + TB_PAD;
        int at = 0;
        auto take = [&](int bytes) { int o = at; at += tb_a128(bytes); return o; };
        dy = take(TB_Q * ldp * 2);
        x = take(TB_Q * ldp * 2);
        m = take(TB_Q * TB_LDM * 2);
        dm = take(TB_Q * TB_LDQ * 4);
        t = take(TB_Q * TB_LDQ * 4);
        cb = take(TB_Q * TB_LDQ * 4);
        dcb = take(TB_Q * TB_LDQ * 4);
        vec = take(5 * TB_Q * 4);  // acs, dt, row, col, colt
        total = at;
    }
};

// Block (bc, g) = (blockIdx.x / G, blockIdx.x % G). nbc chunks in all; H heads, G groups, head_dim P.
__global__ void __launch_bounds__(TB_WARPS * 32)
ssd_intra_bwd_kernel(const float *dyh, const float *xh, const float *m, const float *cb, const float *acs,
                     const float *dtp, int H, int G, int P, float *dx, float *dacs, float *ddt, float *dcb) {
    extern __shared__ __align__(128) char smem[];
    const TbLayout lay(P);
    const int64_t bc = blockIdx.x / G;
    const int g = blockIdx.x % G, hg = H / G, ldp = P + TB_PAD, tid = threadIdx.x, nt = blockDim.x;
    const int warp = tid / 32;
    bf16 *dys = reinterpret_cast<bf16 *>(smem + lay.dy), *xs = reinterpret_cast<bf16 *>(smem + lay.x);
    bf16 *ms = reinterpret_cast<bf16 *>(smem + lay.m);
    float *dms = reinterpret_cast<float *>(smem + lay.dm), *ts = reinterpret_cast<float *>(smem + lay.t);
    float *cbs = reinterpret_cast<float *>(smem + lay.cb), *dcbs = reinterpret_cast<float *>(smem + lay.dcb);
    float *acs_s = reinterpret_cast<float *>(smem + lay.vec), *dt_s = acs_s + TB_Q, *row = dt_s + TB_Q;
    float *col = row + TB_Q, *colt = col + TB_Q;
    const float *cbg = cb + (bc * G + g) * TB_Q * TB_Q;
    for (int i = tid; i < TB_Q * TB_Q; i += nt) {  // the group's cb; dcb's accumulator (owner: thread i % nt)
        int l = i / TB_Q, s = i % TB_Q;
        cbs[l * TB_LDQ + s] = cbg[i];
        dcbs[l * TB_LDQ + s] = 0.0f;
    }
    for (int hh = 0; hh < hg; hh++) {
        const int h = g * hg + hh;
        const int64_t head = (bc * H + h);
        // load: dy, x (BF16), m (BF16), acs, dt of this head's chunk
        const float *dyg = dyh + head * TB_Q * P, *xg = xh + head * TB_Q * P, *mg = m + head * TB_Q * TB_Q;
        for (int i = tid; i < TB_Q * P; i += nt) {
            int l = i / P, p = i % P;
            dys[l * ldp + p] = __float2bfloat16(dyg[i]);
            xs[l * ldp + p] = __float2bfloat16(xg[i]);
        }
        for (int i = tid; i < TB_Q * TB_Q; i += nt) ms[(i / TB_Q) * TB_LDM + i % TB_Q] = __float2bfloat16(mg[i]);
        if (tid < TB_Q) {
            acs_s[tid] = acs[(bc * TB_Q + tid) * H + h];
            dt_s[tid] = dtp[(bc * TB_Q + tid) * H + h];
        }
        __syncthreads();
        // 1. dm = dy x^T: 16 tiles of 16 x 16 over the warps
        for (int tile = warp; tile < 16; tile += TB_WARPS) {
            const int li = tile / 4, si = tile % 4;
            TFragC acc;
            wmma::fill_fragment(acc, 0.0f);
            for (int k = 0; k < P / 16; k++) {
                TFragA fa;   // dy rows li: element (l, p) at dys[l ldp + p]
                TFragBc fb;  // x^T: element (p, s) at xs[s ldp + p]
                wmma::load_matrix_sync(fa, dys + li * 16 * ldp + k * 16, ldp);
                wmma::load_matrix_sync(fb, xs + si * 16 * ldp + k * 16, ldp);
                wmma::mma_sync(acc, fa, fb, acc);
            }
            wmma::store_matrix_sync(dms + li * 16 * TB_LDQ + si * 16, acc, TB_LDQ, wmma::mem_row_major);
        }
        // 2. dx += m^T dy: (Q / 16) x (P / 16) tiles of dx's head block [Q, P] (fp32, global)
        float *dxg = dx + head * TB_Q * P;
        const int tp = P / 16;
        for (int tile = warp; tile < 4 * tp; tile += TB_WARPS) {
            const int li = tile / tp, pi = tile % tp;
            TFragC acc;
            wmma::load_matrix_sync(acc, dxg + li * 16 * P + pi * 16, P, wmma::mem_row_major);
            for (int k = 0; k < TB_Q / 16; k++) {
                TFragAc fa;  // m^T: element (l, s) = m[s, l] at ms[s TB_LDM + l]
                TFragB fb;   // dy: element (s, p) at dys[s ldp + p]
                wmma::load_matrix_sync(fa, ms + k * 16 * TB_LDM + li * 16, TB_LDM);
                wmma::load_matrix_sync(fb, dys + k * 16 * ldp + pi * 16, ldp);
                wmma::mma_sync(acc, fa, fb, acc);
            }
            wmma::store_matrix_sync(dxg + li * 16 * P + pi * 16, acc, P, wmma::mem_row_major);
        }
        __syncthreads();
        // 3. element-wise over (l, s), s <= l (m, cb in fp32): w into dm's place, t, dcb
        for (int i = tid; i < TB_Q * TB_Q; i += nt) {
            const int l = i / TB_Q, s = i % TB_Q, o = l * TB_LDQ + s;
            float d = dms[o], w = 0.0f, tv = 0.0f;
            if (s <= l) {
                float e = expf(acs_s[l] - acs_s[s]);
                w = d * mg[i];
                tv = d * cbs[o] * e;
                dcbs[o] += d * e * dt_s[s];
            }
            dms[o] = w;
            ts[o] = tv;
        }
        __syncthreads();
        // 4. row sums (threads 0 .. Q-1), column sums (threads Q .. 2Q-1)
        if (tid < TB_Q) {
            float r = 0.0f;
            for (int s = 0; s <= tid; s++) r += dms[tid * TB_LDQ + s];
            row[tid] = r;
        } else if (tid < 2 * TB_Q) {
            const int s = tid - TB_Q;
            float c = 0.0f, ct = 0.0f;
            for (int l = s; l < TB_Q; l++) {
                c += dms[l * TB_LDQ + s];
                ct += ts[l * TB_LDQ + s];
            }
            col[s] = c;
            colt[s] = ct;
        }
        __syncthreads();
        // 5. dacs, ddt of this head's rows (owner: thread j)
        if (tid < TB_Q) {
            const int64_t r = (bc * TB_Q + tid) * H + h;
            dacs[r] += row[tid] - col[tid];
            ddt[r] += colt[tid];
        }
    }
    __syncthreads();
    float *dcbg = dcb + (bc * G + g) * TB_Q * TB_Q;
    for (int i = tid; i < TB_Q * TB_Q; i += nt) dcbg[i] = dcbs[(i / TB_Q) * TB_LDQ + i % TB_Q];
}
// ---- end kernels ----

}  // namespace

bool ssd_intra_bwd_tc_supported(int head_dim) { return head_dim > 0 && head_dim % 16 == 0 && head_dim <= 128; }

int ssd_intra_bwd_tc(const float *dyh, const float *xh, const float *m, const float *cb, const float *acs,
                     const float *dtp, int64_t nbc, int heads, int groups, int head_dim, float *dx, float *dacs,
                     float *ddt, float *dcb, cudaStream_t stream) {
    if (!ssd_intra_bwd_tc_supported(head_dim)) return nmc::fail("ssd tc backward: head_dim must be a multiple of 16, at most 128");
    if (groups <= 0 || heads % groups || nbc * groups > 0x7fffffffLL) return nmc::fail("ssd tc backward: bad shape");
    const int bytes = TbLayout(head_dim).total;
    NMC_CUDA(cudaFuncSetAttribute(ssd_intra_bwd_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes));
    ssd_intra_bwd_kernel<<<(unsigned)(nbc * groups), TB_WARPS * 32, bytes, stream>>>(dyh, xh, m, cb, acs, dtp, heads,
                                                                                    groups, head_dim, dx, dacs, ddt, dcb);
    NMC_LAUNCHED("ssd_intra_bwd_kernel");
    return NMC_OK;
}

}  // namespace nmc::k::train
