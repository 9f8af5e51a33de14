// Data parallelism of the trainer (nmc_trainer_dp_unique_id, nmc_trainer_dp_join; NCCL through
// nccl.h): one process (or thread) per GPU, every rank with the same weights.
//
// Layout: the flat storage (train.cu) holds the tensors in the order backward completes their
//   gradients: unit 0 the head (untied lm_head, norm_f), unit 1 + (layers - 1 - i) layer i, unit
//   layers + 1 the embedding (and the tied head). flat_n floats, a multiple of 64 * FLAT_PAD.
// 1. Buckets: consecutive whole units, closed at the first unit end where the bucket reaches
//    NMC_DP_BUCKET_MB (default 25) MiB, the last one at the embedding. Fixed at join (so the
//    summation of every element is the same each step: NCCL's result for a fixed group, buffer
//    size and algorithm is deterministic).
// 2. Backward: after unit u's kernels are enqueued, every bucket that ends at u records an event on
//    the compute stream; the communication stream waits for it and all-reduces (sum) the bucket in
//    place, so the reduction of the late layers overlaps the backward of the earlier ones. A second
//    micro-batch (gradient accumulation, size > 1): the reduced sum so far is set aside (acc) and the
//    gradients start at zero, each bucket's reduction then adds acc back. The backward returns after
//    the communication stream finished (polled, with NCCL's asynchronous error and a timeout).
// 3. Step (train_step.cu): every rank now holds the same summed gradients: the norm over all of
//    them as without a group (the same kernels), divided by micro-batches * size; clipping; AdamW on
//    this rank's shard [rank * S, (rank + 1) * S) of the flat space only (S = flat_n / size; the
//    per-tensor kernel on each tensor's part of the shard: elementwise, so the values are those of
//    the unsharded update); then ncclAllGather of the shards of the weights, in place.
// 4. Moments: this rank's shard only (ZeRO-1: 8 bytes per parameter / size); get_tensor of a moment
//    broadcasts each part of the tensor from its owner (grouped), set_tensor keeps this rank's part.
// size 1: every collective is an identity on one rank and every kernel sees the same operands in
// the same order as without the group: bit-identical results.
#include "nccl.h"
#include "train.h"
#include "env_switch.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

namespace nmc::train {

struct Dp {
    int device = 0;
    nccl::Comm comm = nullptr;
    int rank = 0, size = 1;
    cudaStream_t stream = nullptr;  // communication
    struct Bucket {
        int64_t off = 0, n = 0;
        int last_unit = 0;
        cudaEvent_t done = nullptr;
    };
    std::vector<Bucket> buckets;
    int64_t lo = 0, shard = 0;  // this rank's shard of the flat space
    float *acc = nullptr;       // the reduced gradient sum of earlier micro-batches (size > 1)
    bool accumulate = false;
};

void DpFree::operator()(Dp *d) const {
    if (d == nullptr) return;
    cudaSetDevice(d->device);
    if (d->stream) cudaStreamSynchronize(d->stream);
    if (d->comm) {
        // ncclCommDestroy (every operation was waited for) can block until the other ranks destroy
        // theirs, as they do when a run ends (ncclCommAbort right away could free buffers a peer still
        // reads its last chunk from). A rank that died would make that forever: a helper thread, and
        // after 30 s the communicator is left behind (the process is about to end anyway).
        auto done = std::make_shared<std::pair<std::mutex, std::condition_variable>>();
        auto flag = std::make_shared<bool>(false);
        nccl::Comm c = d->comm;
        int device = d->device;
        std::thread([done, flag, c, device] {
            cudaSetDevice(device);
            nccl::api().comm_destroy(c);
            std::lock_guard<std::mutex> lock(done->first);
            *flag = true;
            done->second.notify_all();
        }).detach();
        std::unique_lock<std::mutex> lock(done->first);
        done->second.wait_for(lock, std::chrono::seconds(30), [&] { return *flag; });
    }
    for (Dp::Bucket &b : d->buckets) {
        if (b.done) cudaEventDestroy(b.done);
    }
    if (d->stream) cudaStreamDestroy(d->stream);
    if (d->acc) cudaFree(d->acc);
    delete d;
}

bool dp_joined(const nmc_trainer *t) { return t->dp != nullptr; }

int dp_size(const nmc_trainer *t) { return t->dp ? t->dp->size : 1; }

namespace {

__global__ void add_kernel(float *g, const float *acc, int64_t n) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
        g[i] += acc[i];
}

int alive(nmc_trainer *t) {
    if (t->dp->comm == nullptr)
        return nmc::fail("the data-parallel group was aborted after an earlier error; start the ranks again");
    return NMC_OK;
}

std::string who(const Dp &d) { return " (rank " + std::to_string(d.rank) + " of " + std::to_string(d.size) + ")"; }

// Buckets of whole units, each closed when it reaches `bytes` (the last at the last unit)
void make_buckets(nmc_trainer *t, Dp &d) {
    const int64_t cap = nmc::env_int("NMC_DP_BUCKET_MB", 1, (1 << 20) - 1, 25) << 20;
    const int U = units(t);
    std::vector<int64_t> end(U, 0);
    for (const TParam &p : t->params) end[p.unit] = std::max(end[p.unit], p.off + (p.n + 63) / 64 * 64);
    int64_t start = 0;
    for (int u = 0; u < U; u++) {
        if (u + 1 < U && (end[u] - start) * (int64_t)sizeof(float) < cap) continue;
        Dp::Bucket b;
        b.off = start;
        b.n = end[u] - start;
        b.last_unit = u;
        d.buckets.push_back(b);
        start = end[u];
    }
}

struct InitState {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    int rc = 0;
    nccl::Comm comm = nullptr;
};

}  // namespace

int dp_backward_begin(nmc_trainer *t) {
    if (!t->dp) return NMC_OK;
    Dp &d = *t->dp;
    NMC_TRY(alive(t));
    d.accumulate = d.size > 1 && t->micro_batches > 0;
    if (d.accumulate) {  // set the reduced sum aside; this backward's gradients start at zero
        if (d.acc == nullptr) NMC_CUDA(cudaMalloc(&d.acc, t->flat_n * sizeof(float)));
        NMC_CUDA(cudaMemcpyAsync(d.acc, t->flat[1], t->flat_n * sizeof(float), cudaMemcpyDeviceToDevice, t->stream));
        NMC_CUDA(cudaMemsetAsync(t->flat[1], 0, t->flat_n * sizeof(float), t->stream));
    }
    return NMC_OK;
}

int dp_unit_done(nmc_trainer *t, int unit) {
    if (!t->dp) return NMC_OK;
    Dp &d = *t->dp;
    const nccl::Api &a = nccl::api();
    for (Dp::Bucket &b : d.buckets) {
        if (b.last_unit != unit) continue;
        float *g = t->flat[1] + b.off;
        NMC_CUDA(cudaEventRecord(b.done, t->stream));
        NMC_CUDA(cudaStreamWaitEvent(d.stream, b.done, 0));
        NMC_NCCL(a.all_reduce(g, g, (size_t)b.n, nccl::FLOAT32, nccl::SUM, d.comm, d.stream),
                 "ncclAllReduce of a gradient bucket" + who(d));
        if (d.accumulate) {
            add_kernel<<<(unsigned)std::min<int64_t>(4096, (b.n + 255) / 256), 256, 0, d.stream>>>(g, d.acc + b.off, b.n);
            NMC_CUDA(cudaGetLastError());
        }
    }
    return NMC_OK;
}

int dp_backward_end(nmc_trainer *t) {
    if (!t->dp) return NMC_OK;
    return nccl::wait(&t->dp->comm, t->dp->stream, "the gradient all-reduce" + who(*t->dp));
}

int dp_adamw_gather(nmc_trainer *t, float gscale, float beta1, float beta2, float eps, double lr, double wd, float lr_bc1,
                    float bc2_sqrt) {
    Dp &d = *t->dp;
    NMC_TRY(alive(t));
    const int64_t lo = d.lo, hi = d.lo + d.shard;
    for (TParam &p : t->params) {
        int64_t x = std::max(lo, p.off), y = std::min(hi, p.off + p.n);
        if (x >= y) continue;
        float decay = p.decay ? (float)(1 - lr * wd) : 1.0f;  // as the unsharded step (train_step.cu)
        NMC_TRY(nmc::k::train::adamw(t->flat[0] + x, t->flat[1] + x, t->flat[2] + (x - lo), t->flat[3] + (x - lo), y - x,
                                     gscale, beta1, beta2, eps, decay, lr_bc1, bc2_sqrt, t->stream));
    }
    const nccl::Api &a = nccl::api();
    NMC_NCCL(a.all_gather(t->flat[0] + lo, t->flat[0], (size_t)d.shard, nccl::FLOAT32, d.comm, t->stream),
             "ncclAllGather of the updated weights" + who(d));
    return nccl::wait(&d.comm, t->stream, "the weights' all-gather" + who(d));
}

int dp_get_moment(nmc_trainer *t, int i, int slot, float *out) {
    Dp &d = *t->dp;
    NMC_TRY(alive(t));
    const TParam &p = t->params[i];
    NMC_TRY(ensure(t->bf_b, (size_t)p.n * sizeof(float)));
    float *tmp = t->bf_b.f();
    const float *src = t->flat[slot];
    const nccl::Api &a = nccl::api();
    NMC_NCCL(a.group_start(), "ncclGroupStart");
    for (int r = 0; r < d.size; r++) {  // each part of the tensor from the rank whose shard holds it
        int64_t x = std::max(r * d.shard, p.off), y = std::min((r + 1) * d.shard, p.off + p.n);
        if (x >= y) continue;
        const void *send = r == d.rank ? (const void *)(src + (x - d.lo)) : (const void *)(tmp + (x - p.off));
        int rc = a.broadcast(send, tmp + (x - p.off), (size_t)(y - x), nccl::FLOAT32, r, d.comm, t->stream);
        if (rc != nccl::SUCCESS && rc != nccl::IN_PROGRESS) {
            a.group_end();
            return nccl::fail(rc, "ncclBroadcast of " + p.name + "'s moment" + who(d));
        }
    }
    NMC_NCCL(a.group_end(), "ncclGroupEnd");
    NMC_TRY(nccl::wait(&d.comm, t->stream, "gathering " + p.name + "'s moment" + who(d)));
    NMC_CUDA(cudaMemcpy(out, tmp, p.n * sizeof(float), cudaMemcpyDeviceToHost));
    return NMC_OK;
}

int dp_set_moment(nmc_trainer *t, int i, int slot, const float *src) {
    Dp &d = *t->dp;
    const TParam &p = t->params[i];
    int64_t x = std::max(d.lo, p.off), y = std::min(d.lo + d.shard, p.off + p.n);
    if (x < y) {
        NMC_CUDA(cudaMemcpyAsync(t->flat[slot] + (x - d.lo), src + (x - p.off), (y - x) * sizeof(float),
                                 cudaMemcpyDeviceToDevice, t->stream));
    }
    return NMC_OK;
}

}  // namespace nmc::train

using nmc::train::Dp;

extern "C" int nmc_trainer_dp_unique_id(nmc_trainer *t, uint8_t *out, int len) {
    if (t == nullptr || out == nullptr) return nmc::fail("nmc_trainer_dp_unique_id: null argument");
    if (len < nmc::nccl::ID_BYTES) return nmc::fail("nmc_trainer_dp_unique_id: the id needs 128 bytes");
    const nmc::nccl::Api &a = nmc::nccl::api();
    if (!a.error.empty()) return nmc::fail("data parallelism needs NCCL: " + a.error);
    nmc::nccl::UniqueId id{};
    NMC_NCCL(a.get_unique_id(&id), "ncclGetUniqueId");
    memcpy(out, id.internal, nmc::nccl::ID_BYTES);
    return NMC_OK;
}

extern "C" int nmc_trainer_dp_join(nmc_trainer *t, const uint8_t *id, int rank, int size) {
    using namespace nmc::train;
    if (t == nullptr || id == nullptr) return nmc::fail("nmc_trainer_dp_join: null argument");
    if (size < 1 || rank < 0 || rank >= size)
        return nmc::fail("nmc_trainer_dp_join: rank " + std::to_string(rank) + " of " + std::to_string(size));
    if (t->dp) return nmc::fail("this trainer already joined a data-parallel group");
    if (t->micro_batches != 0)
        return nmc::fail("join the data-parallel group before the first backward (or right after a step)");
    if (FLAT_PAD % size != 0)  // (flat_n is a multiple of 64 * FLAT_PAD)
        return nmc::fail("a data-parallel group of " + std::to_string(size) +
                         " ranks: the trainer shards its parameters for group sizes dividing " +
                         std::to_string(FLAT_PAD) + " (1 to 8, 10, 12, 14, 16, ...)");
    const nmc::nccl::Api &a = nmc::nccl::api();
    if (!a.error.empty()) return nmc::fail("data parallelism needs NCCL: " + a.error);
    NMC_CUDA(cudaSetDevice(t->device));
    NMC_CUDA(cudaStreamSynchronize(t->stream));
    // 1. the communicator: ncclCommInitRank blocks until every rank called it; a helper thread runs it
    //    so that a rank that never comes is an error after the timeout, not a hang
    auto init = std::make_shared<InitState>();
    nmc::nccl::UniqueId uid{};
    memcpy(uid.internal, id, nmc::nccl::ID_BYTES);
    const int device = t->device;
    std::thread([init, uid, rank, size, device] {
        cudaSetDevice(device);
        nmc::nccl::Comm c = nullptr;
        int rc = nmc::nccl::api().comm_init_rank(&c, size, uid, rank);
        std::lock_guard<std::mutex> lock(init->mu);
        init->rc = rc;
        init->comm = c;
        init->done = true;
        init->cv.notify_all();
    }).detach();
    const double limit = nmc::nccl::timeout_s();
    {
        std::unique_lock<std::mutex> lock(init->mu);
        if (!init->cv.wait_for(lock, std::chrono::duration<double>(limit), [&] { return init->done; }))
            return nmc::fail("rank " + std::to_string(rank) + " of " + std::to_string(size) +
                             ": the data-parallel group did not form within " + std::to_string((int)limit) +
                             " s (a rank is missing or died, or holds another group's id; NMC_NCCL_TIMEOUT_S sets the limit)");
    }
    if (init->rc != nmc::nccl::SUCCESS)
        return nmc::nccl::fail(init->rc, "ncclCommInitRank (rank " + std::to_string(rank) + " of " + std::to_string(size) + ")");
    std::unique_ptr<Dp, DpFree> d(new Dp());
    d->device = t->device;
    d->comm = init->comm;
    d->rank = rank;
    d->size = size;
    NMC_CUDA(cudaStreamCreateWithFlags(&d->stream, cudaStreamNonBlocking));
    // 2. the buckets and their events
    make_buckets(t, *d);
    for (Dp::Bucket &b : d->buckets) NMC_CUDA(cudaEventCreateWithFlags(&b.done, cudaEventDisableTiming));
    // 3. ZeRO-1: the moments keep this rank's shard (its values so far: uploaded state survives)
    d->shard = t->flat_n / size;
    d->lo = (int64_t)rank * d->shard;
    float *part[2] = {nullptr, nullptr};
    for (int k = 0; k < 2; k++) {
        cudaError_t err = cudaMalloc(&part[k], d->shard * sizeof(float));
        if (err != cudaSuccess) {
            cudaGetLastError();
            if (part[0]) cudaFree(part[0]);
            return nmc::fail(std::string("cannot allocate the optimizer state's shard: ") + cudaGetErrorString(err));
        }
        NMC_CUDA(cudaMemcpy(part[k], t->flat[2 + k] + d->lo, d->shard * sizeof(float), cudaMemcpyDeviceToDevice));
    }
    for (int k = 0; k < 2; k++) {
        cudaFree(t->flat[2 + k]);
        t->flat[2 + k] = part[k];
    }
    for (nmc::TParam &p : t->params) p.m = p.v = nullptr;
    t->dp = std::move(d);
    return NMC_OK;
}
