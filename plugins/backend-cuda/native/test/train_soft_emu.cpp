// The soft-target head's kernel (src/train_head_soft.cu, soft_target_kernel) run on the host
// through test/cuda_host_emu.h against the CPU double reference (train_soft_reference.h): loss rows
// and dz for forward / reverse KL, the whole vocabulary / a top-k support (the scatter path),
// T 1 and 2, ignored rows, block sizes below and above the support. For working on the kernel
// without a GPU; the device self-test (nmc_train_selftest, "soft targets" lines) is the real
// check. `make emu` builds and runs it (the kernel is cut out of the .cu between
// "// One block per row" and "int launch(").
// Error: max |got - ref| / max |ref| per tensor; bound 1e-5. Exit status 0 when all pass.
#include "cuda_host_emu.h"
#include "nemotron_cuda.h"  // NMC_F32, NMC_BF16 (device_math.cuh)

#include <cstdio>
#include <random>
#include <string>

#include "train_soft_reference.h"

// device_math.cuh itself (the Makefile copies it without its CUDA headers): its block reductions
// over the emulated block. FP16 is not emulated: its conversions stop the program.
struct __half {
    uint16_t bits;
};
[[noreturn]] inline void no_half() {
    fprintf(stderr, "error: FP16 is not emulated\n");
    abort();
}
inline float __half2float(__half) { no_half(); }
inline __half __float2half(float) { no_half(); }
#define __shared__ static
#include "device_math_host.cuh"
#undef __shared__

namespace emu {
#include "train_soft_kernel.inc"
}

static int failures = 0;

static double rel(const std::vector<float> &got, const std::vector<double> &want) {
    double mx = 1e-12, e = 0;
    for (double v : want) mx = std::max(mx, std::fabs(v));
    for (size_t i = 0; i < got.size(); i++) {
        double d = std::fabs(got[i] - want[i]) / mx;
        if (!(d <= e)) e = std::isnan(d) ? 1e9 : d;
    }
    return e;
}

static void one(int V, int k, int reverse, float T, int threads) {
    const int rows = 4;
    std::mt19937 g(V * 31 + k);
    std::normal_distribution<float> nd(0.0f, 2.5f);
    std::vector<float> z((size_t)rows * V), w((size_t)rows * k), g_work((size_t)rows * k), loss(rows, NAN);
    for (float &v : z) v = nd(g);
    for (float &v : w) v = nd(g);
    std::vector<int32_t> labels = {3, -100, 0, 1}, ids((size_t)rows * k), perm(V);
    for (int r = 0; r < rows; r++) {
        for (int v = 0; v < V; v++) perm[v] = v;
        std::shuffle(perm.begin(), perm.end(), g);
        std::copy_n(perm.begin(), k, ids.begin() + (size_t)r * k);
    }
    const int32_t *sup = k == V ? nullptr : ids.data();
    float scale = 1.0f / 3;
    std::vector<double> rl, rdz;
    sref::reference(rows, V, k, z.data(), labels.data(), sup, w.data(), T, reverse, scale, rl, rdz);
    std::vector<float> dz = z;
    launch(dim3m{(unsigned)rows, 1, 1}, threads, [&] {
        emu::soft_target_kernel(dz.data(), labels.data(), sup, w.data(), sup ? g_work.data() : nullptr, k, V, T,
                                reverse, scale, true, loss.data());
    });
    double el = rel(loss, rl), ed = rel(dz, rdz);
    bool ok = el <= 1e-5 && ed <= 1e-5;
    failures += !ok;
    printf("%s soft targets emu: V %d k %d %s T %.0f, %d threads: loss err %.2e, dz err %.2e\n", ok ? "PASS" : "FAIL", V,
           k, reverse ? "reverse" : "forward", T, threads, el, ed);
}

int main() {
    for (int reverse : {0, 1}) {
        one(300, 300, reverse, 2.0f, 256);  // the whole vocabulary (in place)
        one(300, 16, reverse, 1.0f, 32);    // top-k: scratch, clear, scatter
        one(100, 100, reverse, 1.0f, 64);   // fewer threads than the support
        one(300, 1, reverse, 1.0f, 32);     // one token: loss and dz exactly 0
    }
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
