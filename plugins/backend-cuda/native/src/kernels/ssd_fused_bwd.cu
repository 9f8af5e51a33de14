// Fused Mamba-2 SSD backward (EXPERIMENTAL, not wired into the trainer): the gradients of the
// fused forward (ssd_fused.cu) from the inputs, dy and what that forward leaves in its workspace
// (the entering chunk states sin, BF16, and the chunk decays), recomputing the rest per chunk.
// fp32 CUDA-core loops in this first version (correctness first; the tensor-core version follows
// the design in docs/backend-cuda.md "Fused backward"). Semantics of train_ssd.cu ssd_backward:
// dxbc (x | B | C, written), ddt (written), dA_log (+=), dD (+=); dt is the final dt.
// Shapes: Q = 64, nc chunks; rows r = b L + t; ws dsd [B, nc, H, P, N] fp32.
// Steps:
//   1. (dstate kernel, block (c, h, b))  dsd[c] = sum_l exp(acs_l) dy_l^T C_l        [P, N]
//   2. (reverse pass, per state entry)  gs = 0; c = nc-1 .. 0: dL[c] = gs (into dsd[c]),
//      gs = dsd[c] + decay_c gs                                 (dL[c] = dLoss / dS_{c+1})
//   3. (grad kernel, block (c, h, b)), S = sin[c], e = exp(acs_{Q-1}), dec_s = exp(acs_{Q-1} - acs_s):
//      state in:  dxw = B dL^T; dx = dxw dt dec; rd = sum_p dxw x; ddt += rd dec;
//                 dacs_s -= rd dt dec; dacs_{Q-1} += sum_s rd dt dec; dB += (x dt dec) dL
//                 dacs_{Q-1} += e <dL, S>
//      state out: dC += exp(acs) dy S;  dacs_l += exp(acs_l) sum_n (dy S)_ln C_ln
//      diagonal:  G = C B^T, M = G exp(acs_l - acs_s) dt_s (s <= l); dM = dy x^T; dx += M^T dy;
//                 w = dM M: dacs_l += sum_s w, dacs_s -= sum_l w; ddt_s += sum_l dM G exp(..);
//                 dG = dM exp(acs_l - acs_s) dt_s: dC += dG B, dB += dG^T C
//      da_t = sum_{l >= t} dacs_l: ddt += A da; dA_log += A sum dt da; dD += sum dy x; dx += D dy
//      (dB, dC: atomics, the group's heads add into them; dxbc's B | C columns zeroed first)
#include <cuda_bf16.h>

#include "ssd_fused.h"
#include "train_kernels.h"
#include "device_math.cuh"

namespace nmc::k::ssdbwd {
// ---- kernels (test/ssd_fused_bwd_emu.cpp runs the text between these markers on the CPU) ----
constexpr int BQ = 64;

struct SsdBwdArgs {
    int batch, seq_len, heads, head_dim, groups, state, nc;
    const float *xbc;  // [B L, cd]: x | B | C
    int cd;
    const float *dt, *a_log, *d, *dy;  // dt [B L, H] final; dy [B L, H P]
    const __nv_bfloat16 *sin;          // [B, nc, H, PP, NP] (the forward's workspace)
    const float *decay;                // [B, nc, H]
    float *dsd;                        // [B, nc, H, P, N]
    float *dxbc, *ddt, *da_log, *dd;
};

__host__ __device__ __forceinline__ int bwd_r16(int v) { return (v + 15) / 16 * 16; }

// dt, acs of chunk c (dt = 0 past L)
__device__ void bwd_cumsum(const SsdBwdArgs &s, int b, int c, int h, float *dt, float *acs) {
    int l = threadIdx.x, t0 = c * BQ;
    float A = -expf(s.a_log[h]);
    if (l < BQ) dt[l] = t0 + l < s.seq_len ? s.dt[((int64_t)b * s.seq_len + t0 + l) * s.heads + h] : 0.0f;
    __syncthreads();
    if (l < BQ) {
        float run = 0.0f;
        for (int i = 0; i <= l; i++) run += dt[i] * A;
        acs[l] = run;
    }
    __syncthreads();
}

// Step 1: block (c, h, b)
__global__ void ssd_bwd_dstate_kernel(SsdBwdArgs s) {
    extern __shared__ __align__(128) char smem[];
    const int c = blockIdx.x, h = blockIdx.y, b = blockIdx.z, P = s.head_dim, N = s.state, H = s.heads;
    const int g = h / (H / s.groups), t0 = c * BQ, valid = min(BQ, s.seq_len - t0);
    float *dt = reinterpret_cast<float *>(smem), *acs = dt + BQ;
    bwd_cumsum(s, b, c, h, dt, acs);
    const int64_t row0 = (int64_t)b * s.seq_len + t0, HP = (int64_t)H * P;
    float *out = s.dsd + (((int64_t)b * s.nc + c) * H + h) * P * N;
    for (int i = threadIdx.x; i < P * N; i += blockDim.x) {
        int p = i / N, n = i % N;
        float acc = 0.0f;
        for (int l = 0; l < valid; l++)
            acc += expf(acs[l]) * s.dy[(row0 + l) * HP + h * P + p] * s.xbc[(row0 + l) * s.cd + HP + (s.groups + g) * N + n];
        out[i] = acc;
    }
}

// Step 2: one thread per state entry
__global__ void ssd_bwd_pass_kernel(SsdBwdArgs s) {
    const int P = s.head_dim, N = s.state, H = s.heads;
    int64_t per = (int64_t)H * P * N, i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (i >= per * s.batch) return;
    int64_t b = i / per, e = i % per;
    int h = (int)(e / ((int64_t)P * N));
    float gs = 0.0f;
    for (int c = s.nc - 1; c >= 0; c--) {
        int64_t at = ((b * s.nc + c) * H) * P * N + e;
        float direct = s.dsd[at];
        s.dsd[at] = gs;
        gs = direct + s.decay[(b * s.nc + c) * H + h] * gs;
    }
}

// Step 3: block (c, h, b); shared: dt, acs, dacs [Q]; x, dy [Q, P]; B, C [Q, N]; S, dL [P, N]; dM, M [Q, Q]
__global__ void ssd_bwd_grad_kernel(SsdBwdArgs s) {
    extern __shared__ __align__(128) char smem[];
    const int c = blockIdx.x, h = blockIdx.y, b = blockIdx.z, P = s.head_dim, N = s.state, H = s.heads;
    const int PP = bwd_r16(P), NP = bwd_r16(N);
    const int g = h / (H / s.groups), t0 = c * BQ, valid = min(BQ, s.seq_len - t0);
    float *dt = reinterpret_cast<float *>(smem), *acs = dt + BQ, *dacs = acs + BQ, *red = dacs + BQ;
    float *rdv = red + BQ, *dotv = rdv + BQ, *sums = dotv + BQ;  // sums: <dL, S>, sum dy x
    float *xs = sums + 2 * BQ, *dys = xs + BQ * P, *bs = dys + BQ * P, *cs = bs + BQ * N, *ss = cs + BQ * N;
    float *dl = ss + P * N, *gm = dl + P * N, *dm = gm + BQ * BQ;
    bwd_cumsum(s, b, c, h, dt, acs);
    const int64_t row0 = (int64_t)b * s.seq_len + t0, HP = (int64_t)H * P;
    const int bo = (int)HP + g * N, co = (int)HP + (s.groups + g) * N;
    const __nv_bfloat16 *sc = s.sin + (((int64_t)b * s.nc + c) * H + h) * PP * NP;
    const float *dlc = s.dsd + (((int64_t)b * s.nc + c) * H + h) * P * N;
    for (int i = threadIdx.x; i < BQ * P; i += blockDim.x) {
        int l = i / P, p = i % P;
        xs[i] = l < valid ? s.xbc[(row0 + l) * s.cd + h * P + p] : 0.0f;
        dys[i] = l < valid ? s.dy[(row0 + l) * HP + h * P + p] : 0.0f;
    }
    for (int i = threadIdx.x; i < BQ * N; i += blockDim.x) {
        int l = i / N, n = i % N;
        bs[i] = l < valid ? s.xbc[(row0 + l) * s.cd + bo + n] : 0.0f;
        cs[i] = l < valid ? s.xbc[(row0 + l) * s.cd + co + n] : 0.0f;
    }
    for (int i = threadIdx.x; i < P * N; i += blockDim.x) {
        ss[i] = __bfloat162float(sc[(i / N) * NP + i % N]);
        dl[i] = dlc[i];
    }
    if (threadIdx.x < BQ) dacs[threadIdx.x] = rdv[threadIdx.x] = dotv[threadIdx.x] = 0.0f;
    if (threadIdx.x < 2) sums[threadIdx.x] = 0.0f;
    __syncthreads();
    const float e = expf(acs[BQ - 1]);
    // G, M and dM
    for (int i = threadIdx.x; i < BQ * BQ; i += blockDim.x) {
        int l = i / BQ, j = i % BQ;
        float gv = 0.0f, dv = 0.0f;
        if (j <= l) {
            for (int n = 0; n < N; n++) gv += cs[l * N + n] * bs[j * N + n];
            for (int p = 0; p < P; p++) dv += dys[l * P + p] * xs[j * P + p];
        }
        gm[i] = gv;
        dm[i] = dv;
    }
    __syncthreads();
    // per (l, p): dxw = B dL^T and (C S^T); dx (written); row sums rd, dot_out; sum dy x
    const float dskip = s.d != nullptr ? s.d[h] : 0.0f;
    float part = 0.0f;
    for (int i = threadIdx.x; i < BQ * P; i += blockDim.x) {
        int l = i / P, p = i % P;
        float dxw = 0.0f, cso = 0.0f;
        for (int n = 0; n < N; n++) {
            dxw += bs[l * N + n] * dl[p * N + n];
            cso += cs[l * N + n] * ss[p * N + n];
        }
        atomicAdd(rdv + l, dxw * xs[i]);
        atomicAdd(dotv + l, dys[i] * cso);
        part += dys[i] * xs[i];  // zero past L
        if (l < valid) {
            float v = dxw * dt[l] * expf(acs[BQ - 1] - acs[l]) + dskip * dys[i];
            for (int t = l; t < BQ; t++) v += gm[t * BQ + l] * expf(acs[t] - acs[l]) * dt[l] * dys[t * P + p];
            s.dxbc[(row0 + l) * s.cd + h * P + p] = v;
        }
    }
    atomicAdd(sums + 1, part);
    part = 0.0f;
    for (int i = threadIdx.x; i < P * N; i += blockDim.x) part += dl[i] * ss[i];
    atomicAdd(sums, part);
    __syncthreads();
    // per row l: the state terms' sums, the diagonal terms with l as the target and as the source
    if (threadIdx.x < BQ) {
        const int l = threadIdx.x;
        const float dec = expf(acs[BQ - 1] - acs[l]), el = expf(acs[l]);
        const float rd = rdv[l], dot_out = dotv[l];
        float dacs_l = 0.0f, ddt_l = 0.0f;
        ddt_l += rd * dec;
        dacs_l -= rd * dt[l] * dec;
        red[l] = rd * dt[l] * dec;  // into dacs_{Q-1}
        dacs_l += el * dot_out;
        // diagonal: as target l (sum over s <= l) and as source l (sum over t >= l)
        for (int j = 0; j <= l; j++) {
            float ex = expf(acs[l] - acs[j]);
            dacs_l += dm[l * BQ + j] * gm[l * BQ + j] * ex * dt[j];
        }
        for (int t = l; t < BQ; t++) {
            float ex = expf(acs[t] - acs[l]);
            float w = dm[t * BQ + l] * gm[t * BQ + l] * ex;
            dacs_l -= w * dt[l];
            ddt_l += w;
        }
        dacs[l] = dacs_l;
        // stash ddt_l in the output directly (written once per (row, head))
        if (l < valid) s.ddt[(row0 + l) * H + h] = ddt_l;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        float tail = 0.0f;
        for (int l = 0; l < BQ; l++) tail += red[l];
        dacs[BQ - 1] += tail + e * sums[0];
        // da_t = sum_{l >= t} dacs_l: ddt += A da; dA_log += A sum dt da
        const float A = -expf(s.a_log[h]);
        float da = 0.0f, dal = 0.0f;
        for (int t = BQ - 1; t >= 0; t--) {
            da += dacs[t];
            if (t < valid) s.ddt[(row0 + t) * H + h] += A * da;
            dal += dt[t] * da;
        }
        atomicAdd(s.da_log + h, A * dal);
        atomicAdd(s.dd + h, sums[1]);
    }
    // dB, dC (atomics: the group's heads add into them) per element
    for (int i = threadIdx.x; i < valid * N; i += blockDim.x) {
        int l = i / N, n = i % N;
        const float dec = expf(acs[BQ - 1] - acs[l]), el = expf(acs[l]);
        float db = 0.0f, dc = 0.0f;
        for (int p = 0; p < P; p++) {
            db += xs[l * P + p] * dt[l] * dec * dl[p * N + n];
            dc += el * dys[l * P + p] * ss[p * N + n];
        }
        for (int j = 0; j <= l; j++) dc += dm[l * BQ + j] * expf(acs[l] - acs[j]) * dt[j] * bs[j * N + n];
        for (int t = l; t < BQ; t++) db += dm[t * BQ + l] * expf(acs[t] - acs[l]) * dt[l] * cs[t * N + n];
        atomicAdd(s.dxbc + (row0 + l) * s.cd + bo + n, db);
        atomicAdd(s.dxbc + (row0 + l) * s.cd + co + n, dc);
    }
}
// ---- end kernels ----
}  // namespace nmc::k::ssdbwd

namespace nmc::k::train {
using namespace nmc::k::ssdbwd;
namespace {
size_t grad_smem(int P, int N) { return (size_t)(8 * BQ + 2 * BQ * P + 2 * BQ * N + 2 * P * N + 2 * BQ * BQ) * 4; }
}  // namespace

bool ssd_backward_fused_supported(int head_dim, int state) {
    return ssd_fused_supported(head_dim, state) && grad_smem(head_dim, state) <= 227 * 1024;
}

int64_t ssd_fused_bwd_work_floats(const ScanArgs &s) {
    return (int64_t)s.batch * ((s.seq_len + BQ - 1) / BQ) * s.heads * s.head_dim * s.state;
}

int ssd_backward_fused(const ScanArgs &s, const float *fwd_work, float *bwd_work, const float *dy, float *dxbc,
                       float *ddt, float *da_log, float *dd, cudaStream_t st) {
    if (!ssd_backward_fused_supported(s.head_dim, s.state))
        return nmc::fail("fused ssd backward: head_dim x state too large (shared memory); use NMC_TRAIN_SCAN=chunked");
    if (s.seq_len <= 0 || s.batch <= 0 || s.heads % s.groups || s.heads > 65535 || s.batch > 65535)
        return nmc::fail("fused ssd backward: bad shape");
    const int nc = (s.seq_len + BQ - 1) / BQ, PP = bwd_r16(s.head_dim), NP = bwd_r16(s.state);
    const int64_t n = (int64_t)s.batch * nc * s.heads * PP * NP;  // the forward's layout (ssd_fused)
    const __nv_bfloat16 *sin = reinterpret_cast<const __nv_bfloat16 *>(fwd_work) + n;
    const float *decay = fwd_work + n;
    SsdBwdArgs a{s.batch, s.seq_len, s.heads, s.head_dim, s.groups, s.state, nc, s.xbc, s.conv_dim, s.dt, s.a_log,
                 s.d, dy, sin, decay, bwd_work, dxbc, ddt, da_log, dd};
    NMC_CUDA(cudaMemsetAsync(dxbc, 0, (size_t)s.batch * s.seq_len * s.conv_dim * sizeof(float), st));  // B | C: atomics
    const dim3 grid(nc, s.heads, s.batch);
    ssd_bwd_dstate_kernel<<<grid, 256, 2 * BQ * 4, st>>>(a);
    NMC_LAUNCHED("ssd_backward_fused dstate");
    const int64_t entries = (int64_t)s.batch * s.heads * s.head_dim * s.state;
    ssd_bwd_pass_kernel<<<(unsigned)((entries + 255) / 256), 256, 0, st>>>(a);
    NMC_LAUNCHED("ssd_backward_fused pass");
    const size_t gb = grad_smem(s.head_dim, s.state);
    NMC_CUDA(cudaFuncSetAttribute(ssd_bwd_grad_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)gb));
    ssd_bwd_grad_kernel<<<grid, 256, gb, st>>>(a);
    NMC_LAUNCHED("ssd_backward_fused grad");
    return NMC_OK;
}

}  // namespace nmc::k::train
