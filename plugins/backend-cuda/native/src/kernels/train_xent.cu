// The loss head's cross-entropy in one kernel (declared in train_kernels.h): log-sum-exp, the loss
// and the gradient of the logits, one block per row of logits [rows, vocab] (row stride ld).
//
//   1. every thread folds its columns j = tid, tid + T, ... into a running (max m, sum s of
//      exp(x - m)) in one read (the online softmax: a larger x rescales s by exp(m_old - m_new))
//   2. the T pairs meet in shared memory in a fixed tree order (bit-reproducible):
//      (m1, s1) + (m2, s2) = (m, s1 exp(m1 - m) + s2 exp(m2 - m)), m = max(m1, m2)
//   3. lse = m + log s;  loss[r] = lse - x[label]  (0 when the label is ignored, < 0)
//   4. with grad, a second read: d[j] = (exp(x[j] - lse) - [j == label]) * s_r, s_r = weights[r] or
//      scale (0 for an ignored row), written over the logits in fp32, or in BF16 into d16 [rows,
//      vocab] (round to nearest even, the rounding of k::convert: the operand a BF16 GEMM would have
//      read after converting the fp32 value)
// The old path read the logits three times (max, sum, gradient) and converted the gradient to BF16
// once per backward GEMM (twice).
#include "train_kernels.h"
#include "device_math.cuh"

namespace nmc::k::train {
namespace {

constexpr int XT = 256;  // threads per row

__device__ __forceinline__ void lse_merge(float &m, float &s, float m2, float s2) {
    float mx = fmaxf(m, m2);
    if (mx == -INFINITY) return;  // both empty
    s = (s == 0.0f ? 0.0f : s * expf(m - mx)) + (s2 == 0.0f ? 0.0f : s2 * expf(m2 - mx));
    m = mx;
}

__global__ void __launch_bounds__(XT) xent_kernel(float *logits, int64_t ld, const int32_t *labels, int vocab,
                                                  float scale, const float *weights, bool grad, float *loss,
                                                  __nv_bfloat16 *d16) {
    __shared__ float sm[XT], ss[XT];
    __shared__ float target;
    const int64_t r = blockIdx.x;
    float *x = logits + r * ld;
    __nv_bfloat16 *o16 = d16 ? d16 + r * (int64_t)vocab : nullptr;
    const int label = labels[r];
    if (label < 0) {  // ignored (-100)
        if (grad) {
            for (int j = threadIdx.x; j < vocab; j += XT) {
                if (o16) o16[j] = __float2bfloat16(0.0f);
                else x[j] = 0.0f;
            }
        }
        if (threadIdx.x == 0) loss[r] = 0.0f;
        return;
    }
    // 1. one read: running max and rescaled sum
    float m = -INFINITY, s = 0.0f;
    for (int j = threadIdx.x; j < vocab; j += XT) {
        float v = x[j];
        if (v > m) {
            s = (s == 0.0f ? 0.0f : s * expf(m - v)) + 1.0f;
            m = v;
        } else {
            s += expf(v - m);
        }
    }
    if (threadIdx.x == 0) target = x[label];
    // 2. fixed-order tree over the block
    sm[threadIdx.x] = m;
    ss[threadIdx.x] = s;
    __syncthreads();
    for (int o = XT / 2; o > 0; o >>= 1) {
        if ((int)threadIdx.x < o) {
            float a = sm[threadIdx.x], b = ss[threadIdx.x];
            lse_merge(a, b, sm[threadIdx.x + o], ss[threadIdx.x + o]);
            sm[threadIdx.x] = a;
            ss[threadIdx.x] = b;
        }
        __syncthreads();
    }
    // 3. log-sum-exp and the loss
    const float lse = sm[0] + logf(ss[0]);
    if (threadIdx.x == 0) loss[r] = lse - target;
    if (!grad) return;
    // 4. the gradient (every thread read target above the barriers before any write)
    const float sr = weights ? weights[r] : scale;
    for (int j = threadIdx.x; j < vocab; j += XT) {
        float d = (expf(x[j] - lse) - (j == label ? 1.0f : 0.0f)) * sr;
        if (o16) o16[j] = __float2bfloat16(d);
        else x[j] = d;
    }
}

}  // namespace

int cross_entropy_fused(float *logits, int64_t ld, const int32_t *labels, int rows, int vocab, float scale,
                        const float *weights, bool grad, float *loss, void *dlogits16, cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    xent_kernel<<<rows, XT, 0, stream>>>(logits, ld, labels, vocab, scale, weights, grad, loss,
                                         static_cast<__nv_bfloat16 *>(dlogits16));
    NMC_LAUNCHED("cross_entropy");
    return NMC_OK;
}

}  // namespace nmc::k::train
