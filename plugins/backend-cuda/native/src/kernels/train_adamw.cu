// AdamW (declared in train_kernels.h), as torch.optim.AdamW with the bias corrections folded into
// step_size = lr / (1 - beta1^t) and bc2_sqrt = sqrt(1 - beta2^t), decoupled decay:
//
//   g' = g gscale                          (the 1 / micro-batches mean and the clip coefficient)
//   m  = beta1 m + (1 - beta1) g'
//   v  = beta2 v + (1 - beta2) g'^2
//   p  = p decay - step_size m / (sqrt(v) / bc2_sqrt + eps)      (decay = 1 - lr wd, or 1)
//
// One thread an element (train_step.cu's per-tensor loop; the data-parallel shard in train_dp.cu).
#include "train_kernels.h"
#include "device_math.cuh"

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

}  // namespace

int adamw(float *p, const float *g, float *m, float *v, int64_t n, float gscale, float beta1, float beta2, float eps,
          float decay, float step_size, float bc2_sqrt, cudaStream_t stream) {
    if (n == 0) return NMC_OK;
    const AdamW op{gscale, beta1, beta2, eps, step_size, bc2_sqrt};
    adamw_kernel<<<(int)((n + T - 1) / T), T, 0, stream>>>(p, g, m, v, n, op, decay);
    NMC_LAUNCHED("adamw");
    return NMC_OK;
}

}  // namespace nmc::k::train
