// AdamW (declared in train_kernels.h), as torch.optim.AdamW with the bias corrections folded into
// step_size = lr / (1 - beta1^t) and bc2_sqrt = sqrt(1 - beta2^t), decoupled decay:
//
//   g' = g gscale                          (the 1 / micro-batches mean and the clip coefficient)
//   m  = beta1 m + (1 - beta1) g'
//   v  = beta2 v + (1 - beta2) g'^2
//   p  = p decay - step_size m / (sqrt(v) / bc2_sqrt + eps)      (decay = 1 - lr wd, or 1)
//
// Two launches of the same per-element arithmetic (AdamW below):
//   adamw       one tensor, one element a thread (train_step.cu's per-tensor loop; data parallel).
//   adamw_flat  the trainer's whole flat storage (train.h nmc_trainer::flat: every tensor 64-float
//               aligned, the gaps zero) in one launch, a float4 of p, g, m, v a thread, and g cleared in
//               the same pass (the step's memset). Bytes a parameter: read p g m v 16, write p g m v
//               16 = 32, the same as adamw (28) + the memset (4), in one pass instead of ~2 launches a
//               tensor. The decay of element i is its run's (run_end / run_decay, from the tensors'
//               decay flags; a gap between tensors takes the next run's, which leaves its zeros zero).
#include "train_kernels.h"
#include "device_math.cuh"
#include "sm_count.h"

#include <algorithm>

namespace nmc::k::train {
namespace {

constexpr int T = 256;

struct AdamW {
    float gscale, b1, b2, eps, step_size, bc2_sqrt;
    __device__ __forceinline__ void operator()(float &p, float g, float &m, float &v, float decay) const {
        float gi = g * gscale;
        float mi = b1 * m + (1.0f - b1) * gi;
        float vi = b2 * v + (1.0f - b2) * gi * gi;
        m = mi;
        v = vi;
        float denom = sqrtf(vi) / bc2_sqrt + eps;
        p = p * decay - step_size * (mi / denom);
    }
};

__global__ void adamw_kernel(float *p, const float *g, float *m, float *v, int64_t n, AdamW op, float decay) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) op(p[i], g[i], m[i], v[i], decay);
}

// grid-stride over n4 quads; the run of quad i found by binary search over run_end (in elements;
// every run_end but the last is a tensor offset, a multiple of 64, so a quad never straddles two runs)
__global__ void adamw_flat_kernel(float4 *p, float4 *g, float4 *m, float4 *v, int64_t n4, const int64_t *run_end,
                                  const uint8_t *run_decay, int runs, AdamW op, float decay) {
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += (int64_t)gridDim.x * blockDim.x) {
        const int64_t e = i * 4;
        int lo = 0, hi = runs - 1;  // the first run with run_end > e
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (run_end[mid] > e) hi = mid;
            else lo = mid + 1;
        }
        const float d = run_decay[lo] ? decay : 1.0f;
        float4 pi = p[i], gi = g[i], mi = m[i], vi = v[i];
        op(pi.x, gi.x, mi.x, vi.x, d);
        op(pi.y, gi.y, mi.y, vi.y, d);
        op(pi.z, gi.z, mi.z, vi.z, d);
        op(pi.w, gi.w, mi.w, vi.w, d);
        p[i] = pi;
        m[i] = mi;
        v[i] = vi;
        g[i] = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    }
}

}  // namespace

int adamw(float *p, const float *g, float *m, float *v, int64_t n, float gscale, float beta1, float beta2, float eps,
          float decay, float step_size, float bc2_sqrt, cudaStream_t stream) {
    if (n == 0) return NMC_OK;
    const AdamW op{gscale, beta1, beta2, eps, step_size, bc2_sqrt};
    adamw_kernel<<<(int)((n + T - 1) / T), T, 0, stream>>>(p, g, m, v, n, op, decay);
    NMC_LAUNCHED("adamw");
    return NMC_OK;
}

int adamw_flat(float *p, float *g, float *m, float *v, int64_t n, const int64_t *run_end, const uint8_t *run_decay,
               int runs, float gscale, float beta1, float beta2, float eps, float decay, float step_size,
               float bc2_sqrt, cudaStream_t stream) {
    const auto a16 = [](const void *x) { return reinterpret_cast<uintptr_t>(x) % 16 == 0; };
    if (n % 4 != 0 || runs < 1 || !a16(p) || !a16(g) || !a16(m) || !a16(v)) {
        return nmc::fail("adamw_flat: the flat storage must be 16-byte aligned, a multiple of 4 floats, with a run");
    }
    if (n == 0) return NMC_OK;
    const AdamW op{gscale, beta1, beta2, eps, step_size, bc2_sqrt};
    const int64_t n4 = n / 4;
    const int blocks = (int)std::min<int64_t>((n4 + T - 1) / T, (int64_t)multiprocessor_count() * 16);  // grid-stride beyond 16 blocks an SM
    adamw_flat_kernel<<<blocks, T, 0, stream>>>(reinterpret_cast<float4 *>(p), reinterpret_cast<float4 *>(g),
                                                reinterpret_cast<float4 *>(m), reinterpret_cast<float4 *>(v), n4,
                                                run_end, run_decay, runs, op, decay);
    NMC_LAUNCHED("adamw_flat");
    return NMC_OK;
}

}  // namespace nmc::k::train
