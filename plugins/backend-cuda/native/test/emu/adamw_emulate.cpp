// train_adamw.cu's kernels run on the CPU (sh test/emu/train_kernel_run.sh adamw): a flat storage of
// tensors at 64-float-aligned offsets with zero gaps, decay runs that alternate (and a storage whose
// first tensor starts after a gap), three steps of AdamW over it in one launch (adamw_flat) against
// a launch a tensor (adamw) and a memset: weights and moments equal bit for bit, the gradients and
// the gaps zero after each step; both against a double reference of torch's AdamW (1e-6 of each
// tensor's largest value). With 2 emulated multiprocessors the grid strides several rounds.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include EMU_ADAMW

static int failures = 0;

static void report(bool ok, const std::string &what) {
    printf("%s %s%s\n", ok ? "PASS" : "FAIL", what.c_str(), emu::last_error.empty() ? "" : (" " + emu::last_error).c_str());
    fflush(stdout);
    if (!ok) failures++;
}

struct Tensor {
    int64_t off, n;
    bool decay;
};

int main() {
    using namespace nmc::k::train;
    // tensors of odd sizes, 64-float aligned, the first after a gap; decay flags with runs of 1 and 2
    const int64_t sizes[] = {100, 64, 7, 300, 129, 1, 64, 513};
    const bool decays[] = {true, false, false, true, false, true, true, false};
    std::vector<Tensor> ts;
    int64_t off = 64;
    for (int i = 0; i < 8; i++) {
        ts.push_back({off, sizes[i], decays[i]});
        off += (sizes[i] + 63) / 64 * 64;
    }
    const int64_t n = off + 128;  // a zero tail, as the storage's padding
    // 16-byte aligned host arrays (the kernel checks)
    std::vector<float4> store[2][4];
    for (auto &side : store)
        for (auto &s : side) s.assign(n / 4, make_float4(0, 0, 0, 0));
    auto F = [&](int side, int s) { return reinterpret_cast<float *>(store[side][s].data()); };
    std::vector<double> ref[3];  // p, m, v in double
    for (auto &r : ref) r.assign(n, 0.0);
    std::mt19937 g(7);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    for (const Tensor &t : ts)
        for (int64_t i = 0; i < t.n; i++) {
            float w = nd(g);
            F(0, 0)[t.off + i] = F(1, 0)[t.off + i] = w;
            ref[0][t.off + i] = w;
        }
    // the decay runs as train_step.cu builds them: a run ends where a tensor with the other flag starts
    std::vector<int64_t> ends;
    std::vector<uint8_t> flags;
    for (const Tensor &t : ts) {
        if (!flags.empty() && flags.back() == (uint8_t)t.decay) continue;
        if (!flags.empty()) ends.push_back(t.off);
        flags.push_back((uint8_t)t.decay);
    }
    ends.push_back(n);
    const float b1 = 0.9f, b2 = 0.95f, eps = 1e-8f, lr = 3e-3f, wd = 0.1f, gscale = 0.5f;
    bool all_ok = true;
    for (int step = 1; step <= 3; step++) {
        for (const Tensor &t : ts)
            for (int64_t i = 0; i < t.n; i++) F(0, 1)[t.off + i] = F(1, 1)[t.off + i] = nd(g) * (step == 2 ? 1e-3f : 1.0f);
        std::vector<double> grad(F(0, 1), F(0, 1) + n);
        const float bc1 = 1.0f - std::pow(b1, (float)step), bc2_sqrt = std::sqrt(1.0f - std::pow(b2, (float)step));
        int rc = adamw_flat(F(0, 0), F(0, 1), F(0, 2), F(0, 3), n, ends.data(), flags.data(), (int)flags.size(), gscale,
                            b1, b2, eps, 1 - lr * wd, lr / bc1, bc2_sqrt, nullptr);
        for (const Tensor &t : ts) {
            if (rc == NMC_OK) {
                rc = adamw(F(1, 0) + t.off, F(1, 1) + t.off, F(1, 2) + t.off, F(1, 3) + t.off, t.n, gscale, b1, b2, eps,
                           t.decay ? 1 - lr * wd : 1.0f, lr / bc1, bc2_sqrt, nullptr);
            }
        }
        std::memset(F(1, 1), 0, n * sizeof(float));
        // the double reference
        double worst = 0;
        for (const Tensor &t : ts) {
            double scale = 1e-30;
            for (int64_t i = 0; i < t.n; i++) {
                const int64_t e = t.off + i;
                double gi = grad[e] * gscale;
                ref[1][e] = b1 * ref[1][e] + (1 - b1) * gi;
                ref[2][e] = b2 * ref[2][e] + (1 - b2) * gi * gi;
                double denom = std::sqrt(ref[2][e]) / bc2_sqrt + eps;
                ref[0][e] = ref[0][e] * (t.decay ? 1 - (double)lr * wd : 1.0) - (double)lr / bc1 * ref[1][e] / denom;
                scale = std::max(scale, std::fabs(ref[0][e]));
            }
            for (int64_t i = 0; i < t.n; i++) {
                const int64_t e = t.off + i;
                worst = std::max(worst, std::fabs(F(0, 0)[e] - ref[0][e]) / scale);
            }
        }
        bool equal = true;
        for (int s = 0; s < 4; s++) equal = equal && std::memcmp(F(0, s), F(1, s), n * sizeof(float)) == 0;
        size_t nonzero = 0;  // gradients anywhere, and weights / moments in the gaps
        std::vector<bool> in_tensor(n, false);
        for (const Tensor &t : ts)
            for (int64_t i = 0; i < t.n; i++) in_tensor[t.off + i] = true;
        for (int64_t e = 0; e < n; e++) {
            nonzero += F(0, 1)[e] != 0.0f;
            if (!in_tensor[e]) nonzero += (F(0, 0)[e] != 0.0f) + (F(0, 2)[e] != 0.0f) + (F(0, 3)[e] != 0.0f);
        }
        char buf[300];
        snprintf(buf, sizeof buf, "adamw_flat step %d: %zu tensors in %zu decay runs, n %lld; bit-equal to a launch a "
                 "tensor + memset %d; nonzero gradients or gaps %zu (want 0); weights vs double %.1e (tol 1e-06)",
                 step, ts.size(), flags.size(), (long long)n, (int)equal, nonzero, worst);
        bool ok = rc == NMC_OK && equal && nonzero == 0 && worst <= 1e-6;
        report(ok, buf);
        all_ok = all_ok && ok;
    }
    // refused: a storage length not a multiple of 4
    emu::last_error.clear();
    int rc = adamw_flat(F(0, 0), F(0, 1), F(0, 2), F(0, 3), n - 2, ends.data(), flags.data(), (int)flags.size(), 1, b1,
                        b2, eps, 1, 1, 1, nullptr);
    report(rc != NMC_OK && emu::last_error.find("multiple of 4") != std::string::npos, "adamw_flat n % 4 != 0 refused:");
    emu::last_error.clear();
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
