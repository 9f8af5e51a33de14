// The soft-target head of the trainer (logit distillation: `nemotron distill --backend cuda`):
// nmc_trainer_set_soft_targets hands the teacher's logits on a support of k tokens per position to
// the device; the next forward's head computes, per piece of logits, the KL of nemotron-compress's
// DistillationLoss instead of the cross-entropy, and its backward the dlogits, which then go
// through lm_head, the final norm and the layers as the cross-entropy's do (train.cu, head()).
//
// shapes: R positions (rows * seq_len of the forward), V vocab, k support size (k == V: no ids)
// per counted position t (label != -100; n of them), S_t its support, u = z / T, w = teacher / T:
// 1. log p = w - lse_S(w),  log q = u - lse_S(u)                (both renormalised over S_t)
// 2. forward: l_t = sum_S p (log p - log q)      dl_t/du_v = q_v - p_v
//    reverse: l_t = sum_S q (log q - log p)      dl_t/du_v = q_v (log q_v - log p_v - l_t)
// 3. loss row t = T^2 l_t;  dz[t, v] = T (1/n) dl_t/du_v for v in S_t, 0 elsewhere
// What crosses to the device per step: R k floats (and R k ids for a top-k support): the whole
// vocabulary ships R V floats, so large vocabularies want --top-k.
#include "train.h"
#include "kernels/device_math.cuh"

#include <cmath>
#include <vector>

namespace nmc::train {

struct SoftTargets {
    int64_t positions = 0;
    int k = 0;
    bool has_ids = false;  // false: S_t = every token in order (k == V)
    float temperature = 1.0f;
    int divergence = 0;    // 0 forward KL(p || q), 1 reverse KL(q || p)
    bool armed = false;    // set since the last forward: the next forward uses them
    bool active = false;   // the saved forward (and its backward) minimise them
    Buf ids;               // int32 [R, k]
    Buf teacher;           // fp32 [R, k]
    Buf grad;              // fp32 [R, k]: a top-k support's dlogits before they are scattered
};

void SoftTargetsFree::operator()(SoftTargets *s) const {
    if (s == nullptr) return;
    for (Buf *b : {&s->ids, &s->teacher, &s->grad}) {
        if (b->p) cudaFree(b->p);
    }
    delete s;
}

}  // namespace nmc::train

namespace {

using nmc::train::SoftTargets;

int threads_for_support(int k) {
    int t = 32;
    while (t < k && t < 512) t <<= 1;
    return t;
}

// One block per row of x [rows, V] (overwritten with dz when grad); ids, w, g rows of k.
__global__ void soft_target_kernel(float *z, const int32_t *labels, const int32_t *ids, const float *teacher,
                                   float *g, int k, int vocab, float temperature, int reverse, float scale,
                                   bool grad, float *loss) {
    int64_t r = blockIdx.x;
    float *x = z + r * vocab;
    const int32_t *s = ids ? ids + r * k : nullptr;
    const float *w = teacher + r * k;
    if (labels[r] < 0) {  // not counted
        if (grad) for (int j = threadIdx.x; j < vocab; j += blockDim.x) x[j] = 0.0f;
        if (threadIdx.x == 0) loss[r] = 0.0f;
        return;
    }
    float inv = 1.0f / temperature;
    // 1. the log-normalisers of both distributions over the support
    float mu = -INFINITY, mw = -INFINITY;
    for (int i = threadIdx.x; i < k; i += blockDim.x) {
        mu = fmaxf(mu, x[s ? s[i] : i] * inv);
        mw = fmaxf(mw, w[i] * inv);
    }
    mu = nmc::k::block_max(mu);
    mw = nmc::k::block_max(mw);
    float su = 0.0f, sw = 0.0f;
    for (int i = threadIdx.x; i < k; i += blockDim.x) {
        su += expf(x[s ? s[i] : i] * inv - mu);
        sw += expf(w[i] * inv - mw);
    }
    float lse_q = mu + logf(nmc::k::block_sum(su));
    float lse_p = mw + logf(nmc::k::block_sum(sw));
    // 2. the divergence
    float l = 0.0f;
    for (int i = threadIdx.x; i < k; i += blockDim.x) {
        float lp = w[i] * inv - lse_p, lq = x[s ? s[i] : i] * inv - lse_q;
        if (reverse) {
            float q = expf(lq);
            if (q > 0.0f) l += q * (lq - lp);
        } else {
            float p = expf(lp);
            if (p > 0.0f) l += p * (lp - lq);
        }
    }
    l = nmc::k::block_sum(l);
    if (threadIdx.x == 0) loss[r] = temperature * temperature * l;
    if (!grad) return;
    // 3. dz = T scale dl/du on the support (each thread rewrites only the elements it read)
    float c = temperature * scale;
    for (int i = threadIdx.x; i < k; i += blockDim.x) {
        float lp = w[i] * inv - lse_p, lq = x[s ? s[i] : i] * inv - lse_q, q = expf(lq);
        float d = reverse ? (q > 0.0f ? q * (lq - lp - l) : 0.0f) : q - expf(lp);
        if (s) {
            g[r * k + i] = c * d;
        } else {
            x[i] = c * d;
        }
    }
    if (!s) return;
    __syncthreads();  // every support logit read before the row is cleared
    for (int j = threadIdx.x; j < vocab; j += blockDim.x) x[j] = 0.0f;
    __syncthreads();
    for (int i = threadIdx.x; i < k; i += blockDim.x) x[s[i]] = g[r * k + i];
}

int launch(float *z, const int32_t *labels, const int32_t *ids, const float *teacher, float *g, int rows, int k,
           int vocab, float temperature, int divergence, float scale, bool grad, float *loss, cudaStream_t stream) {
    if (rows == 0) return NMC_OK;
    soft_target_kernel<<<rows, threads_for_support(k), 0, stream>>>(z, labels, ids, teacher, g, k, vocab, temperature,
                                                                     divergence, scale, grad, loss);
    NMC_LAUNCHED("soft_targets");
    return NMC_OK;
}

// The arguments both entry points check; "" when fine.
std::string check_support(int64_t positions, int k, int vocab, const int32_t *ids, const float *logits,
                          double temperature, int divergence) {
    if (logits == nullptr) return "null teacher logits";
    if (positions <= 0 || positions > (1 << 30)) return "positions must be in 1 .. 2^30, got " + std::to_string(positions);
    if (k < 1 || k > vocab) return "the support size k must be in 1 .. vocab (" + std::to_string(vocab) + "), got " + std::to_string(k);
    if (ids == nullptr && k != vocab) return "a support of k < vocab tokens needs their ids";
    if (!(temperature > 0) || !std::isfinite(temperature)) return "the temperature must be a positive number";
    if (divergence != 0 && divergence != 1) return "divergence must be 0 (forward KL) or 1 (reverse KL)";
    int64_t n = positions * k;
    for (int64_t i = 0; i < n; i++) {
        if (!std::isfinite(logits[i])) return "teacher logit " + std::to_string(i) + " is not finite";
    }
    if (ids != nullptr) {
        std::vector<int64_t> seen(vocab, -1);
        for (int64_t t = 0; t < positions; t++) {
            for (int i = 0; i < k; i++) {
                int32_t v = ids[t * k + i];
                if (v < 0 || v >= vocab) return "support id " + std::to_string(v) + " outside the vocabulary of " + std::to_string(vocab);
                if (seen[v] == t) return "support of position " + std::to_string(t) + " repeats token " + std::to_string(v);
                seen[v] = t;
            }
        }
    }
    return "";
}

}  // namespace

int nmc::train::soft_begin(nmc_trainer *t, int64_t positions) {
    SoftTargets *s = t->soft.get();
    if (s == nullptr) return NMC_OK;
    s->active = s->armed;
    s->armed = false;
    if (s->active && s->positions != positions) {
        s->active = false;
        return nmc::fail("the soft targets cover " + std::to_string(s->positions) + " positions, the forward has " +
                         std::to_string(positions));
    }
    return NMC_OK;
}

bool nmc::train::soft_active(const nmc_trainer *t) { return t->soft && t->soft->active; }

int nmc::train::soft_piece(nmc_trainer *t, float *logits, int64_t r0, int rows, bool grad, float *loss_rows) {
    SoftTargets *s = t->soft.get();
    int k = s->k;
    float scale = t->tokens > 0 ? 1.0f / (float)t->tokens : 0.0f;
    return launch(logits, (const int32_t *)t->labels.p + r0, s->has_ids ? (const int32_t *)s->ids.p + r0 * k : nullptr,
                  s->teacher.f() + r0 * k, s->has_ids ? s->grad.f() : nullptr, rows, k, t->dims.vocab,
                  s->temperature, s->divergence, scale, grad, loss_rows, t->stream);
}

extern "C" int nmc_trainer_set_soft_targets(nmc_trainer *t, int64_t positions, int k, const int32_t *ids,
                                            const float *logits, double temperature, int divergence) {
    if (t == nullptr) return nmc::fail("nmc_trainer_set_soft_targets: null trainer");
    std::string bad = check_support(positions, k, t->dims.vocab, ids, logits, temperature, divergence);
    if (!bad.empty()) return nmc::fail("nmc_trainer_set_soft_targets: " + bad);
    if (!t->soft) t->soft.reset(new SoftTargets());
    SoftTargets *s = t->soft.get();
    s->armed = false;
    int64_t n = positions * k;
    NMC_CUDA(cudaSetDevice(t->device));
    NMC_TRY(nmc::train::ensure(s->teacher, n * sizeof(float)));
    NMC_CUDA(cudaMemcpyAsync(s->teacher.p, logits, n * sizeof(float), cudaMemcpyHostToDevice, t->stream));
    if (ids != nullptr) {
        NMC_TRY(nmc::train::ensure(s->ids, n * sizeof(int32_t)));
        NMC_TRY(nmc::train::ensure(s->grad, n * sizeof(float)));
        NMC_CUDA(cudaMemcpyAsync(s->ids.p, ids, n * sizeof(int32_t), cudaMemcpyHostToDevice, t->stream));
    }
    NMC_CUDA(cudaStreamSynchronize(t->stream));
    s->positions = positions;
    s->k = k;
    s->has_ids = ids != nullptr;
    s->temperature = (float)temperature;
    s->divergence = divergence;
    s->armed = true;
    return NMC_OK;
}

extern "C" int nmc_k_train_soft_targets(int rows, int vocab, int k, const float *z, const int32_t *labels,
                                        const int32_t *ids, const float *teacher, double temperature, int divergence,
                                        double scale, float *loss, float *dz) {
    if (z == nullptr || labels == nullptr || loss == nullptr || vocab <= 0)
        return nmc::fail("nmc_k_train_soft_targets: null argument or empty vocabulary");
    std::string bad = check_support(rows, k, vocab, ids, teacher, temperature, divergence);
    if (!bad.empty()) return nmc::fail("nmc_k_train_soft_targets: " + bad);
    int64_t zn = (int64_t)rows * vocab, sn = (int64_t)rows * k;
    cudaStream_t st = nullptr;
    NMC_CUDA(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
    float *dzv = nullptr, *dw = nullptr, *dg = nullptr, *dl = nullptr;
    int32_t *dlab = nullptr, *dids = nullptr;
    int rc = NMC_OK;
    auto ok = [&](cudaError_t e, const char *what) {
        if (rc == NMC_OK && e != cudaSuccess) rc = nmc::cuda_fail(e, what);
    };
    ok(cudaMalloc(&dzv, zn * sizeof(float)), "cudaMalloc");
    ok(cudaMalloc(&dw, sn * sizeof(float)), "cudaMalloc");
    ok(cudaMalloc(&dg, sn * sizeof(float)), "cudaMalloc");
    ok(cudaMalloc(&dl, rows * sizeof(float)), "cudaMalloc");
    ok(cudaMalloc(&dlab, rows * sizeof(int32_t)), "cudaMalloc");
    if (ids) ok(cudaMalloc(&dids, sn * sizeof(int32_t)), "cudaMalloc");
    if (rc == NMC_OK) {
        ok(cudaMemcpyAsync(dzv, z, zn * sizeof(float), cudaMemcpyHostToDevice, st), "cudaMemcpy");
        ok(cudaMemcpyAsync(dw, teacher, sn * sizeof(float), cudaMemcpyHostToDevice, st), "cudaMemcpy");
        ok(cudaMemcpyAsync(dlab, labels, rows * sizeof(int32_t), cudaMemcpyHostToDevice, st), "cudaMemcpy");
        if (ids) ok(cudaMemcpyAsync(dids, ids, sn * sizeof(int32_t), cudaMemcpyHostToDevice, st), "cudaMemcpy");
    }
    if (rc == NMC_OK) rc = launch(dzv, dlab, dids, dw, dg, rows, k, vocab, (float)temperature, divergence, (float)scale,
                                  dz != nullptr, dl, st);
    if (rc == NMC_OK) ok(cudaMemcpyAsync(loss, dl, rows * sizeof(float), cudaMemcpyDeviceToHost, st), "cudaMemcpy");
    if (rc == NMC_OK && dz) ok(cudaMemcpyAsync(dz, dzv, zn * sizeof(float), cudaMemcpyDeviceToHost, st), "cudaMemcpy");
    ok(cudaStreamSynchronize(st), "cudaStreamSynchronize");
    for (void *p : {(void *)dzv, (void *)dw, (void *)dg, (void *)dl, (void *)dlab, (void *)dids}) {
        if (p) cudaFree(p);
    }
    cudaStreamDestroy(st);
    return rc;
}
