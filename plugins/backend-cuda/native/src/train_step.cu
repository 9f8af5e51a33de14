// The trainer's optimizer step (nmc_trainer_step): g = (sum of the micro-batches' gradients) /
// micro_batches; norm = ||g|| (double over fp32 partial sums); g *= max_norm / (norm + 1e-6) when
// norm > max_norm; AdamW as torch (bias corrections, decoupled decay; a launch a tensor); gradients
// cleared. A step bumps weight_version, so the GEMM copies of the weights (BF16, FP8 codes) are made again.
#include "train.h"

#include <cmath>
#include <vector>

using nmc::TParam;
using nmc::train::ensure;

extern "C" int nmc_trainer_step(nmc_trainer *t, double lr, double max_norm, double beta1, double beta2, double eps,
                                double weight_decay, double *grad_norm) {
    if (t == nullptr || grad_norm == nullptr) return nmc::fail("nmc_trainer_step: null argument");
    if (t->micro_batches == 0) return nmc::fail("step without a backward pass since the last step");
    NMC_CUDA(cudaSetDevice(t->device));
    cudaStream_t st = t->stream;
    const size_t slots = (size_t)nmc::train::NORM_BLOCKS * t->params.size();
    NMC_TRY(ensure(t->partial, slots * sizeof(double)));
    t->profile.start(st);
    // 1. the norm of the summed gradients, in double over fp32 partial sums: every parameter's block
    //    sums in its own slots, one copy and one wait for all, added in parameter then block order
    double ss = 0;
    std::vector<double> part(slots);
    std::vector<int> blocks(t->params.size());
    for (size_t i = 0; i < t->params.size(); i++) {
        double *slot = (double *)t->partial.p + i * nmc::train::NORM_BLOCKS;
        blocks[i] = nmc::k::train::sum_squares(t->params[i].g, t->params[i].n, slot, nmc::train::NORM_BLOCKS, st);
        if (blocks[i] < 0) return NMC_ERR;
    }
    NMC_CUDA(cudaMemcpyAsync(part.data(), t->partial.p, slots * sizeof(double), cudaMemcpyDeviceToHost, st));
    NMC_CUDA(cudaStreamSynchronize(st));
    for (size_t i = 0; i < t->params.size(); i++) {
        for (int b = 0; b < blocks[i]; b++) ss += part[i * nmc::train::NORM_BLOCKS + b];
    }
    // after nmc_trainer_dp_join the gradients are the sums over the ranks (train_dp.cu): the mean
    // divides by the group's size too (1 without a group: the same value as 1.0 / micro_batches)
    double mean = 1.0 / ((double)t->micro_batches * nmc::train::dp_size(t));
    double norm = std::sqrt(ss) * mean;
    *grad_norm = norm;
    if (std::isfinite(norm)) {
        // 2. clipping folded into the gradient scale; 3. AdamW
        double coef = max_norm > 0 && norm > max_norm ? max_norm / (norm + 1e-6) : 1.0;
        t->steps++;
        double bc1 = 1 - std::pow(beta1, (double)t->steps);
        double bc2_sqrt = std::sqrt(1 - std::pow(beta2, (double)t->steps));
        if (nmc::train::dp_joined(t)) {  // this rank's ZeRO-1 shard, then the weights gathered (train_dp.cu)
            NMC_TRY(nmc::train::dp_adamw_gather(t, (float)(mean * coef), (float)beta1, (float)beta2, (float)eps, lr,
                                                weight_decay, (float)(lr / bc1), (float)bc2_sqrt));
        } else {
            for (TParam &p : t->params) {
                float decay = p.decay ? (float)(1 - lr * weight_decay) : 1.0f;
                NMC_TRY(nmc::k::train::adamw(p.w, p.g, p.m, p.v, p.n, (float)(mean * coef), (float)beta1,
                                             (float)beta2, (float)eps, decay, (float)(lr / bc1), (float)bc2_sqrt, st));
            }
        }
        t->weight_version++;  // the BF16 / FP8 GEMM copies of the weights are made again on first use
    }
    // a non-finite norm skips the update (as the host trainer); the gradients are cleared either way
    NMC_CUDA(cudaMemsetAsync(t->flat[1], 0, t->flat_n * sizeof(float), st));  // (gaps are zero anyway)
    t->profile.mark(st, "optimizer");
    t->profile.end_warmup();  // NMC_PROFILE's table counts from the second step on
    NMC_CUDA(cudaStreamSynchronize(st));
    t->micro_batches = 0;
    return NMC_OK;
}

extern "C" int64_t nmc_trainer_steps(const nmc_trainer *t) { return t == nullptr ? NMC_ERR : t->steps; }

extern "C" int nmc_trainer_set_steps(nmc_trainer *t, int64_t steps) {
    if (t == nullptr || steps < 0) return nmc::fail("nmc_trainer_set_steps: bad argument");
    t->steps = steps;
    return NMC_OK;
}
