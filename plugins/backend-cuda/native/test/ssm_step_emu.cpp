// The vectorised Mamba-2 decode update (kernels/ssm_step.cu, NMC_DECODE_SCAN=vec) run on the host
// through test/cuda_host_emu.h (fibers per thread, __shfl_xor_sync through a per-warp array)
// against a double recurrence:
//   dt = softplus(dt_raw + bias) clamped (or dt as given); S = exp(dt A) S + dt x B^T; y = S C + D x
// Shapes: the Nano-9B-v2 head (P 80, N 128: 5 blocks of 16 rows), P 64 / N 64, the self-test's tiny
// heads (P 16, N 16: rows past P in the block), N 4 (one lane per row); rows with strided inputs
// (x, B/C, dt and y rows wider than the data), slots out of order and one slot left alone (must be
// unchanged bit for bit). Error: max |got - ref| / max |ref| over y and the new states, bound 1e-5
// (fp32 against double; the operands are the same). `make emu` builds and runs it; the kernel is
// cut out of the .cu between "// emu-begin" and "// emu-end", the Scan struct out of kernels.h.
#include "cuda_host_emu.h"

#include <cstdio>
#include <random>
#include <string>

namespace emu {
inline float softplus(float x) { return x > 20.0f ? x : log1pf(expf(x)); }
#include "ssm_step_scan.inc"
#include "ssm_step_kernels.inc"
}  // namespace emu

struct Case {
    const char *name;
    int H, P, G, N, R;
    bool bias, d;
};

static int run(const Case &c, uint32_t seed) {
    std::mt19937 gen(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    auto randn = [&](size_t n, float s) { std::vector<float> v(n); for (auto &e : v) e = s * nd(gen); return v; };
    const int slots_n = c.R + 1, inner = c.H * c.P, gn = c.G * c.N;
    const int x_stride = inner + 8, bc_stride = 2 * gn + 12, dt_stride = c.H + 3, y_stride = inner + 4;  // wider rows
    std::vector<float> x = randn((size_t)c.R * x_stride, 1.0f), bcv = randn((size_t)c.R * bc_stride + 4, 0.5f);
    std::vector<float> dt = randn((size_t)c.R * dt_stride, 1.0f), bias = randn(c.H, 0.5f), D = randn(c.H, 1.0f);
    std::vector<float> A(c.H), y((size_t)c.R * y_stride, 0.0f);
    for (int h = 0; h < c.H; h++) A[h] = -0.2f - 0.1f * (float)h;
    if (!c.bias)
        for (auto &v : dt) v = 0.05f + 0.3f * std::fabs(v);
    // states of slots_n slots; the kernel sees rows r -> slot (R - 1 - r) + 1 (slot 0 untouched)
    const int64_t hpn = (int64_t)c.H * c.P * c.N;
    std::vector<float> st0 = randn((size_t)slots_n * hpn, 1.0f);
    // 16-byte aligned copies (the launcher's contract): a float4-aligned vector
    std::vector<float4> st4((size_t)slots_n * hpn / 4 + 1), bc4(bcv.size() / 4 + 2);
    float *st = reinterpret_cast<float *>(st4.data());
    float *bcp = reinterpret_cast<float *>(bc4.data());
    memcpy(st, st0.data(), st0.size() * sizeof(float));
    memcpy(bcp, bcv.data(), bcv.size() * sizeof(float));
    std::vector<int32_t> slots(c.R);
    for (int r = 0; r < c.R; r++) slots[r] = c.R - r;
    emu::Scan s{};
    s.heads = c.H, s.head_dim = c.P, s.groups = c.G, s.state_size = c.N;
    s.x = x.data(), s.x_stride = x_stride;
    s.b = bcp, s.c = bcp + gn, s.bc_stride = bc_stride;
    s.dt = dt.data(), s.dt_stride = dt_stride;
    s.dt_bias = c.bias ? bias.data() : nullptr;
    s.dt_min = 0.01f, s.dt_max = 4.0f;
    s.a = A.data(), s.d = c.d ? D.data() : nullptr;
    s.y = y.data(), s.y_stride = y_stride;
    int lpr_log2 = 0;
    while ((1 << lpr_log2) < c.N / 4) lpr_log2++;
    const int rows_per_block = (emu::STEP_THREADS >> lpr_log2) * emu::STEP_RPT;
    launch(dim3m{(unsigned)((c.P + rows_per_block - 1) / rows_per_block), (unsigned)c.H, (unsigned)c.R}, emu::STEP_THREADS,
           [&] { emu::scan_step_vec_kernel(s, st, slots.data(), lpr_log2); });
    // the double reference
    double worst = 0, big = 0;
    for (int r = 0; r < c.R; r++)
        for (int h = 0; h < c.H; h++) {
            const int g = h / (c.H / c.G);
            double d = dt[(size_t)r * dt_stride + h];
            if (c.bias) {
                d += bias[h];
                d = d > 20 ? d : std::log1p(std::exp(d));
                d = std::min(std::max(d, 0.01), 4.0);
            }
            const double decay = std::exp(d * A[h]);
            for (int p = 0; p < c.P; p++) {
                const double xv = x[(size_t)r * x_stride + h * c.P + p];
                double yv = c.d ? D[h] * xv : 0.0;
                for (int n = 0; n < c.N; n++) {
                    const int64_t i = (int64_t)slots[r] * hpn + ((int64_t)h * c.P + p) * c.N + n;
                    const double bn = bcv[(size_t)r * bc_stride + g * c.N + n], cn = bcv[(size_t)r * bc_stride + gn + g * c.N + n];
                    const double sv = decay * st0[i] + d * xv * bn;
                    yv += sv * cn;
                    worst = std::max(worst, std::fabs(sv - st[i]));
                    big = std::max(big, std::fabs(sv));
                }
                worst = std::max(worst, std::fabs(yv - y[(size_t)r * y_stride + h * c.P + p]));
                big = std::max(big, std::fabs(yv));
            }
        }
    const bool untouched = memcmp(st, st0.data(), hpn * sizeof(float)) == 0;  // slot 0
    bool pad_clean = true;  // y's padding columns and rows' tails stay zero
    for (int r = 0; r < c.R; r++)
        for (int j = inner; j < y_stride; j++) pad_clean = pad_clean && y[(size_t)r * y_stride + j] == 0.0f;
    const double err = worst / std::max(big, 1e-30);
    const bool ok = err < 1e-5 && untouched && pad_clean;
    printf("%s ssm step (vec) %s: H %d P %d G %d N %d rows %d: max err %.2e%s%s\n", ok ? "PASS" : "FAIL", c.name, c.H, c.P, c.G,
           c.N, c.R, err, untouched ? "" : ", slot 0 changed", pad_clean ? "" : ", y padding written");
    return ok ? 0 : 1;
}

int main() {
    int fails = 0;
    fails += run({"9B heads", 4, 80, 2, 128, 3, true, true}, 1);
    fails += run({"P 64 N 64", 4, 64, 4, 64, 2, false, true}, 2);
    fails += run({"tiny", 8, 16, 2, 16, 2, true, false}, 3);
    fails += run({"N 4", 2, 20, 1, 4, 2, true, true}, 4);
    printf("%s: %d failure(s)\n", fails ? "FAILED" : "OK", fails);
    return fails ? 1 : 0;
}
