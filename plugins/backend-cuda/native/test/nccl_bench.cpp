// NCCL benchmarks of libnemotron_cuda.so (NCCL loaded at run time: nmc_nccl_status says from where).
// One JSON object per line. Run with NCCL_NVLS_ENABLE=0 (NVLink multicast off, as every launcher here).
//
//   nmc_nccl_bench allreduce [--gpus N] [--min-mb 1] [--max-mb 1024] [--iters 20]
//     for n = 1..N devices of this process (ncclCommInitAll) and sizes min..max (doubling): the mean time
//     of one fp32 sum all-reduce, algBw = bytes / time and busBw = algBw * 2 (n - 1) / n (nccl-tests'
//     definition). NCCL picks the algorithm per size; "algo" prints NCCL_ALGO when set, else "auto"
//     (NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=TUNING makes NCCL print its choice; run once with
//     NCCL_ALGO=Ring and once with NCCL_ALGO=Tree to compare).
//
//   nmc_nccl_bench step [--gpus N] [--preset hybrid1b] [--dtype bf16|f32] [--seq 4096] [--batch 1] [--steps 3]
//     the data-parallel training step: for n = 1..N, one thread per device, each a trainer on random
//     weights (same seed: same weights) joined into one group of n (nmc_trainer_dp_join), its own
//     random tokens; forward, backward (bucketed all-reduce overlapped), step (ZeRO-1 AdamW and the
//     weights' all-gather). tokens/s of the whole group over `steps` steps after one warm-up step, and
//     the scaling efficiency tokens/s(n) / (n * tokens/s(1)).
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_args.h"
#include "bench_common.h"
#include "bench_presets.h"

static int visible_devices() { return std::max(0, nmc_device_count()); }

static int allreduce(int gpus, double min_mb, double max_mb, int iters) {
    const char *algo = getenv("NCCL_ALGO");
    for (int n = 1; n <= gpus; n++) {
        for (double mb = min_mb; mb <= max_mb * 1.0001; mb *= 2) {
            int64_t bytes = (int64_t)(mb * (1 << 20)) / 4 * 4;
            double ms = 0;
            die(nmc_nccl_bench_allreduce(n, bytes, iters, &ms), "nmc_nccl_bench_allreduce");
            double alg = bytes / (ms * 1e-3) / 1e9;
            double bus = alg * 2.0 * (n - 1) / n;
            printf("{\"bench\": \"allreduce\", \"gpus\": %d, \"bytes\": %lld, \"ms\": %.4f, \"alg_gbps\": %.2f, "
                   "\"bus_gbps\": %.2f, \"algo\": \"%s\"}\n",
                   n, (long long)bytes, ms, alg, bus, algo ? algo : "auto");
            fflush(stdout);
        }
    }
    return 0;
}

// A reusable barrier for the step threads
struct Barrier {
    std::mutex mu;
    std::condition_variable cv;
    int count, waiting = 0, generation = 0;
    explicit Barrier(int n) : count(n) {}
    void wait() {
        std::unique_lock<std::mutex> lock(mu);
        int gen = generation;
        if (++waiting == count) {
            waiting = 0;
            generation++;
            cv.notify_all();
        } else {
            cv.wait(lock, [&] { return gen != generation; });
        }
    }
};

static int step_bench(int gpus, const std::string &name, int dtype, int seq, int batch, int steps) {
    double tps1 = 0;
    for (int n = 1; n <= gpus; n++) {
        nmc_config c = preset(name, dtype);
        std::vector<nmc_trainer *> t(n, nullptr);
        for (int d = 0; d < n; d++) {
            die(nmc_trainer_create(&c, d, &t[d]), "nmc_trainer_create");
            die(nmc_trainer_init_random(t[d], 42), "nmc_trainer_init_random");
        }
        uint8_t id[NMC_DP_ID_BYTES];
        die(nmc_trainer_dp_unique_id(t[0], id, sizeof id), "nmc_trainer_dp_unique_id");
        Barrier barrier(n);
        std::vector<double> seconds(n, 0), loss(n, 0);
        std::vector<std::string> errors(n);
        std::vector<std::thread> threads;
        for (int d = 0; d < n; d++) {
            threads.emplace_back([&, d] {
                auto check = [&](int rc, const char *what) {
                    if (rc != NMC_OK && errors[d].empty()) errors[d] = std::string(what) + ": " + nmc_last_error();
                    return rc == NMC_OK;
                };
                bool ok = check(nmc_trainer_dp_join(t[d], id, d, n), "nmc_trainer_dp_join");
                std::mt19937 rng(1000 + d);  // each rank its own tokens
                int64_t rows = (int64_t)batch * seq;
                std::vector<int32_t> ids(rows), labels(rows);
                for (int64_t i = 0; i < rows; i++) ids[i] = (int32_t)(rng() % c.vocab_size);
                for (int64_t i = 0; i < rows; i++) labels[i] = (i + 1) % seq == 0 ? -100 : ids[i + 1];
                auto one = [&] {
                    double l = 0, norm = 0;
                    int64_t tokens = 0;
                    ok = ok && check(nmc_trainer_forward(t[d], ids.data(), labels.data(), batch, seq, &l, &tokens),
                                     "nmc_trainer_forward");
                    ok = ok && check(nmc_trainer_backward(t[d]), "nmc_trainer_backward");
                    ok = ok && check(nmc_trainer_step(t[d], 1e-4, 1.0, 0.9, 0.95, 1e-8, 0.1, &norm), "nmc_trainer_step");
                    loss[d] = l;
                };
                one();  // warm-up: work buffers
                barrier.wait();
                double t0 = now();
                for (int s = 0; s < steps; s++) one();
                seconds[d] = now() - t0;
                barrier.wait();
                nmc_trainer_destroy(t[d]);  // every rank at once (its own thread), as separate processes would
                t[d] = nullptr;
            });
        }
        for (std::thread &th : threads) th.join();
        for (int d = 0; d < n; d++) {
            if (!errors[d].empty()) {
                fprintf(stderr, "error: rank %d of %d: %s\n", d, n, errors[d].c_str());
                exit(1);
            }
        }
        double wall = 0;
        for (double s : seconds) wall = std::max(wall, s);
        double tps = (double)n * batch * seq * steps / wall;
        if (n == 1) tps1 = tps;
        printf("{\"bench\": \"dp_step\", \"preset\": \"%s\", \"dtype\": \"%s\", \"gpus\": %d, \"seq\": %d, "
               "\"batch_per_gpu\": %d, \"step_ms\": %.1f, \"tokens_per_s\": %.0f, \"scaling_efficiency\": %.4f, "
               "\"loss_rank0\": %.4f}\n",
               name.c_str(), dtype == NMC_F32 ? "f32" : "bf16", n, seq, batch, wall / steps * 1e3, tps,
               tps / (n * tps1), loss[0]);
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2 || (std::string(argv[1]) != "allreduce" && std::string(argv[1]) != "step")) {
        fprintf(stderr, "usage: nmc_nccl_bench allreduce|step [options] (see test/nccl_bench.cpp)\n");
        return 2;
    }
    std::string mode = argv[1], name = "hybrid1b", dtype_name = "bf16";
    int gpus = visible_devices(), seq = 4096, batch = 1, steps = 3, iters = 20;
    double min_mb = 1, max_mb = 1024;
    BenchArgs args;
    args.integer("--gpus", &gpus).number("--min-mb", &min_mb).number("--max-mb", &max_mb).integer("--iters", &iters);
    args.text("--preset", &name).text("--dtype", &dtype_name).integer("--seq", &seq).integer("--batch", &batch);
    args.integer("--steps", &steps);
    if (!args.parse(argc, argv, 2)) return 2;
    char status[4096];
    int ok = nmc_nccl_status(status, sizeof status);
    if (ok == 1) fprintf(stderr, "%s\n", status);
    if (ok != 1) {
        fprintf(stderr, "error: NCCL is unavailable: %s\n", status);
        return 1;
    }
    if (gpus < 1 || gpus > visible_devices()) {
        fprintf(stderr, "error: --gpus %d, but %d device(s) are visible\n", gpus, visible_devices());
        return 2;
    }
    if (!(min_mb > 0) || max_mb < min_mb || iters < 1 || seq < 1 || batch < 1 || steps < 1 ||
        (dtype_name != "bf16" && dtype_name != "f32")) {
        fprintf(stderr, "error: bad option value (sizes > 0, counts >= 1, --dtype bf16|f32)\n");
        return 2;
    }
    const char *nvls = getenv("NCCL_NVLS_ENABLE");
    if (nvls == nullptr || std::string(nvls) != "0") fprintf(stderr, "warning: NCCL_NVLS_ENABLE is not 0\n");
    if (mode == "allreduce") return allreduce(gpus, min_mb, max_mb, iters);
    return step_bench(gpus, name, dtype_name == "f32" ? NMC_F32 : NMC_BF16, seq, batch, steps);
}
