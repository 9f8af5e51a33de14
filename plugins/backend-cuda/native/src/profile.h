// Optional stage timing for kernel work: with NMC_PROFILE=1 the forward pass synchronises after
// each stage and adds its wall time to a per-session table, printed to stderr when the session
// is destroyed. Graph-captured decode steps are not timed (run with graphs off to see them).
// Stages of a batched decode step are charged apart from prefill's: "decode " + stage. The trainer
// calls end_warmup() after its first optimizer step: the table then starts afresh, without the first
// step's allocations and library set-up (they are not a step's cost).
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include <cuda_runtime.h>

#include "env_switch.h"

namespace nmc {

class Profile {
  public:
    static bool enabled() {
        static const bool on = env_flag("NMC_PROFILE", false);
        return on;
    }
    // Starts timing on `stream` (no-op when disabled or capturing).
    void start(cudaStream_t stream) {
        if (!active(stream)) return;
        cudaStreamSynchronize(stream);
        last_ = now();
    }
    // The phase whose stages the next marks charge: prefill (no prefix) or decode ("decode ").
    void set_decode(bool decode) { decode_ = decode; }
    // Charges the time since the last mark to `stage`.
    void mark(cudaStream_t stream, const char *stage) {
        if (!active(stream)) return;
        cudaStreamSynchronize(stream);
        double t = now();
        charge(stage, t - last_);
        last_ = t;
    }
    // A stage timed inside the current one (the trainer's FP8 operand quantisation, "fp8.quant.*"):
    // t0 = begin(stream) before its work, carve(stream, stage, t0) after; the time between goes to
    // `stage` and is left out of the enclosing stage's next mark (the table still sums to the total).
    double begin(cudaStream_t stream) {
        if (!active(stream)) return 0;
        cudaStreamSynchronize(stream);
        return now();
    }
    void carve(cudaStream_t stream, const char *stage, double t0) {
        if (!active(stream)) return;
        cudaStreamSynchronize(stream);
        double dt = now() - t0;
        charge(stage, dt);
        last_ += dt;
    }
    // Drops what was charged so far, once (the trainer's first step).
    void end_warmup() {
        if (warm_) return;
        warm_ = true;
        table_.clear();
    }
    void print() const {
        if (table_.empty()) return;
        double total = 0;
        for (auto &e : table_) total += e.second.first;
        fprintf(stderr, "nmc profile (%.3f s in total%s):\n", total, warm_ ? ", the first step left out" : "");
        for (auto &e : table_) {
            fprintf(stderr, "  %-29s %9.3f ms %6.1f %% %8ld calls\n", e.first.c_str(), 1e3 * e.second.first,
                    100.0 * e.second.first / total, e.second.second);
        }
    }

  private:
    void charge(const char *stage, double dt) {
        auto &e = table_[decode_ ? "decode " + std::string(stage) : std::string(stage)];
        e.first += dt;
        e.second += 1;
    }
    static double now() {
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    }
    static bool active(cudaStream_t stream) {
        if (!enabled()) return false;
        cudaStreamCaptureStatus status;
        return cudaStreamIsCapturing(stream, &status) == cudaSuccess && status == cudaStreamCaptureStatusNone;
    }
    double last_ = 0;
    bool decode_ = false;
    bool warm_ = false;
    std::map<std::string, std::pair<double, long>> table_;
};

}  // namespace nmc
