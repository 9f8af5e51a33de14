// On-device sampling, one block per row, so that logits need not leave the GPU.
//
// temperature <= 0: greedy (the first index of the maximum, as torch.argmax).
// else:  1. z = logits / T;  p = softmax(z)                  (written over the logits)
//        2. top_p < 1: the largest threshold tau with sum(p_i >= tau) >= top_p, by bisection
//           (the nucleus: the smallest set of most likely tokens whose mass reaches top_p)
//        3. u ~ U(0, mass) from (seed, position); the token where the running sum of kept p,
//           in index order, passes u.
#include "kernels.h"
#include "device_math.cuh"

namespace nmc::k {
namespace {

constexpr int THREADS = 1024;
constexpr int BISECT_STEPS = 32;

__device__ void argmax_row(const float *row, int vocab, int32_t *out) {
    __shared__ float best_v[THREADS / 32];
    __shared__ int best_i[THREADS / 32];
    float v = -INFINITY;
    int idx = 0x7fffffff;  // NaN never wins; a row of -inf gives 0
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        if (row[i] > v) {
            v = row[i];
            idx = i;
        }
    }
    for (int o = 16; o > 0; o >>= 1) {
        float ov = __shfl_xor_sync(0xffffffffu, v, o);
        int oi = __shfl_xor_sync(0xffffffffu, idx, o);
        if (ov > v || (ov == v && oi < idx)) {
            v = ov;
            idx = oi;
        }
    }
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) {
        best_v[warp] = v;
        best_i[warp] = idx;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        float bv = best_v[0];
        int bi = best_i[0];
        for (int w = 1; w < (int)(blockDim.x >> 5); w++) {
            if (best_v[w] > bv || (best_v[w] == bv && best_i[w] < bi)) {
                bv = best_v[w];
                bi = best_i[w];
            }
        }
        *out = bi == 0x7fffffff ? 0 : bi;
    }
}

__global__ void sample_kernel(float *logits, int vocab, const nmc_sampling *params, const int32_t *lengths,
                              const int32_t *slots, int32_t *tokens) {
    int r = blockIdx.x;
    float *row = logits + (int64_t)r * vocab;
    nmc_sampling sp = params[r];
    if (!(sp.temperature > 0.0f)) {
        argmax_row(row, vocab, tokens + r);
        return;
    }
    // 1. softmax with temperature, in place
    float inv_t = 1.0f / sp.temperature, mx = -INFINITY;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) mx = fmaxf(mx, row[i] * inv_t);
    mx = block_max(mx);
    float sum = 0.0f;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        float e = expf(row[i] * inv_t - mx);
        row[i] = e;
        sum += e;
    }
    sum = block_sum(sum);
    float pmax = 0.0f;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        row[i] /= sum;
        pmax = fmaxf(pmax, row[i]);
    }
    pmax = block_max(pmax);
    // 2. nucleus threshold: mass(tau) = sum of p_i >= tau is non-increasing in tau
    float tau = 0.0f, mass = 1.0f;
    if (sp.top_p < 1.0f) {
        float lo = 0.0f, hi = pmax, lo_mass = 1.0f;
        for (int it = 0; it < BISECT_STEPS; it++) {
            float mid = 0.5f * (lo + hi), part = 0.0f;
            for (int i = threadIdx.x; i < vocab; i += blockDim.x) part += row[i] >= mid ? row[i] : 0.0f;
            float m = block_sum(part);
            if (m >= sp.top_p) {
                lo = mid;
                lo_mass = m;
            } else {
                hi = mid;
            }
        }
        tau = lo;
        mass = lo_mass;
    }
    // 3. inverse CDF over the kept tokens in index order: each thread owns a contiguous segment
    __shared__ float seg_mass[THREADS];
    int seg = (vocab + blockDim.x - 1) / blockDim.x;
    int begin = threadIdx.x * seg, end = min(vocab, begin + seg);
    float own = 0.0f;
    for (int i = begin; i < end; i++) own += row[i] >= tau ? row[i] : 0.0f;
    seg_mass[threadIdx.x] = own;
    __syncthreads();
    if (threadIdx.x == 0) {
        float u = uniform01(sp.seed, (uint64_t)lengths[slots[r]]) * mass, run = 0.0f;
        int t_sel = -1, t_last = -1;
        for (int t = 0; t < (int)blockDim.x; t++) {
            if (seg_mass[t] <= 0.0f) continue;
            t_last = t;
            if (run + seg_mass[t] > u) {
                t_sel = t;
                break;
            }
            run += seg_mass[t];
        }
        int t = t_sel >= 0 ? t_sel : t_last, pick = -1;
        if (t >= 0) {
            int b = t * seg, e = min(vocab, b + seg);
            for (int i = b; i < e; i++) {
                if (row[i] < tau) continue;
                pick = i;  // the segment's last kept token when rounding leaves u unreached
                run += row[i];
                if (t_sel >= 0 && run > u) break;
            }
        }
        tokens[r] = pick >= 0 ? pick : 0;
    }
}

}  // namespace

int sample(float *logits, int rows, int vocab, const nmc_sampling *params, const int32_t *lengths,
           const int32_t *slots, int32_t *tokens, cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    sample_kernel<<<rows, THREADS, 0, stream>>>(logits, vocab, params, lengths, slots, tokens);
    NMC_LAUNCHED("sample");
    return NMC_OK;
}

}  // namespace nmc::k
