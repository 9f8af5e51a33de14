// The tensor-core inter-chunk SSD backward (src/kernels/ssd_tc_states.cu: train_ssd.cu's B2 + B3 and
// B5 + B6 + B7 as two WMMA kernels, NMC_TRAIN_SCAN_STATES=tc) on the CPU through
// test/cuda_host_emu.h, against two double references of the same steps:
//   "same BF16": the GEMM operands (dys, st, C; ds, B, xw) rounded to BF16 as the kernels round
//                them; tolerance 1e-4 of each tensor's largest value (checks indexing, barriers,
//                the per-head accumulation and the element-wise B7, not BF16);
//   "fp32 math": no rounding, the math today's cuBLAS path (fp32 GEMMs through TF32, B7's kernel)
//                computes; tolerance 2e-2 (BF16 operands, the self-test's tc tolerance).
// Outputs: ds (pre), dbc's C half (pre) and B half (post), dx, ddt (written), dacs (updated from
// random values). `make emu-ssd-tc-states` (also builds two mutants of the kernel text and
// expects them to fail).
#include "cuda_host_emu.h"

#include <random>
#include <string>
#include <vector>

#define NMC_LAUNCHED(what) (void)0
namespace nmc::k::train {
#include "ssd_tc_states_kernels.inc"
}  // namespace nmc::k::train

// global arrays 64-byte aligned, as cudaMalloc's (WMMA stores ds, dC and dB tiles in place)
template <class T>
struct Aligned {
    using value_type = T;
    Aligned() = default;
    template <class U>
    Aligned(const Aligned<U> &) {}
    T *allocate(size_t n) { return static_cast<T *>(std::aligned_alloc(64, (n * sizeof(T) + 63) / 64 * 64)); }
    void deallocate(T *p, size_t) { std::free(p); }
    bool operator==(const Aligned &) const { return true; }
};
using Vec = std::vector<float, Aligned<float>>;
using namespace nmc::k::train;

static int failures = 0;

// worst |got - want| / max |want| over [lo, hi) of every `stride`-block's first `width` elements
static double rel(const Vec &got, const std::vector<double> &want, size_t stride = 0, size_t off = 0, size_t width = 0) {
    if (!stride) stride = width = got.size();
    double norm = 1e-30, worst = 0;
    for (size_t i = 0; i < got.size(); i++)
        if ((i % stride) - off < width) norm = std::max(norm, std::fabs(want[i]));
    for (size_t i = 0; i < got.size(); i++) {
        if ((i % stride) - off >= width) continue;
        double e = std::fabs((double)got[i] - want[i]) / norm;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    return worst;
}

static double bf(float v) { return tof(__float2bfloat16(v)); }

struct Ref {
    std::vector<double> ds, dbc, dx, ddt, dacs;
};

// The double reference; round: the BF16 rounding of the GEMM operands as the kernels do.
static Ref reference(bool round, int nbc, int H, int G, int P, int N, const Vec &dyh, const Vec &acs, const Vec &st,
                     const Vec &xp, const Vec &dsin, const Vec &xw, const Vec &dtp, const Vec &dacs0) {
    const int Q = SB_Q, hg = H / G, HP = H * P, cd = HP + 2 * G * N, GN2 = 2 * G * N;
    auto op = [&](float v) { return round ? bf(v) : (double)v; };
    Ref r;
    r.ds.assign((size_t)nbc * H * P * N, 0.0);
    r.dbc.assign((size_t)nbc * Q * GN2, 0.0);
    r.dx.assign((size_t)nbc * H * Q * P, 0.0);
    r.ddt.assign((size_t)nbc * Q * H, 0.0);
    r.dacs.assign(dacs0.begin(), dacs0.end());
    for (int bc = 0; bc < nbc; bc++)
        for (int h = 0; h < H; h++) {
            const int g = h / hg;
            const size_t head = (size_t)bc * H + h;
            std::vector<double> dys(Q * P), dxw(Q * P);
            for (int l = 0; l < Q; l++)
                for (int p = 0; p < P; p++) {
                    const float v = dyh[(head * Q + l) * P + p] * expf(acs[((size_t)bc * Q + l) * H + h]);
                    dys[l * P + p] = round ? bf(v) : (double)dyh[(head * Q + l) * P + p] *
                                                        std::exp((double)acs[((size_t)bc * Q + l) * H + h]);
                }
            auto x_at = [&](int l, int col) { return xp[((size_t)bc * Q + l) * cd + col]; };
            for (int l = 0; l < Q; l++)  // B2: dC += dys st
                for (int n = 0; n < N; n++) {
                    double a = 0;
                    for (int p = 0; p < P; p++) a += dys[l * P + p] * op(st[(head * P + p) * N + n]);
                    r.dbc[((size_t)bc * Q + l) * GN2 + G * N + g * N + n] += a;
                }
            for (int p = 0; p < P; p++)  // B3: ds = dys^T C
                for (int n = 0; n < N; n++) {
                    double a = 0;
                    for (int l = 0; l < Q; l++) a += dys[l * P + p] * op(x_at(l, HP + G * N + g * N + n));
                    r.ds[(head * P + p) * N + n] = a;
                }
            const float *dsh = &dsin[head * P * N];
            for (int l = 0; l < Q; l++)  // B5: dxw = B ds^T
                for (int p = 0; p < P; p++) {
                    double a = 0;
                    for (int n = 0; n < N; n++) a += op(x_at(l, HP + g * N + n)) * op(dsh[p * N + n]);
                    dxw[l * P + p] = a;
                }
            for (int l = 0; l < Q; l++)  // B6: dB += xw ds
                for (int n = 0; n < N; n++) {
                    double a = 0;
                    for (int p = 0; p < P; p++) a += op(xw[((size_t)bc * Q + l) * HP + h * P + p]) * op(dsh[p * N + n]);
                    r.dbc[((size_t)bc * Q + l) * GN2 + g * N + n] += a;
                }
            const size_t last = ((size_t)bc * Q + Q - 1) * H + h;
            double tot = 0;
            for (int l = 0; l < Q; l++) {  // B7
                const size_t rr = ((size_t)bc * Q + l) * H + h;
                const double dec = std::exp((double)acs[last] - acs[rr]), dt = dtp[rr];
                double rd = 0;
                for (int p = 0; p < P; p++) {
                    rd += dxw[l * P + p] * x_at(l, h * P + p);
                    r.dx[(head * Q + l) * P + p] = dxw[l * P + p] * dt * dec;
                }
                r.ddt[rr] = rd * dec;
                r.dacs[rr] -= rd * dt * dec;
                tot += rd * dt * dec;
            }
            r.dacs[last] += tot;
        }
    return r;
}

// nbc chunks (rows r = bc Q + l), H heads in G groups, head_dim P, state N
static void run(int nbc, int H, int G, int P, int N, uint32_t seed) {
    const int Q = SB_Q, HP = H * P, cd = HP + 2 * G * N, GN2 = 2 * G * N;
    std::mt19937 g(seed);
    std::normal_distribution<float> nd(0, 1);
    std::uniform_real_distribution<float> u(0.001f, 0.2f);
    const size_t nY = (size_t)nbc * H * Q * P, nS = (size_t)nbc * H * P * N, nR = (size_t)nbc * Q * H;
    Vec dyh(nY), st(nS), xp((size_t)nbc * Q * cd), dsin(nS), xw((size_t)nbc * Q * HP), dtp(nR), acs(nR), dacs(nR);
    for (auto &v : dyh) v = nd(g);
    for (auto &v : st) v = nd(g);
    for (auto &v : xp) v = nd(g);
    for (auto &v : dsin) v = nd(g);
    for (auto &v : xw) v = nd(g);
    for (auto &v : dacs) v = nd(g);
    for (auto &v : dtp) v = u(g);
    for (int bc = 0; bc < nbc; bc++)  // acs: the chunk's cumulative sum of dt A (A = -0.5 - h / H)
        for (int h = 0; h < H; h++) {
            float run = 0.0f;
            for (int l = 0; l < Q; l++) {
                size_t r = ((size_t)bc * Q + l) * H + h;
                run += dtp[r] * (-0.5f - (float)h / H);
                acs[r] = run;
            }
        }
    const Vec dacs0 = dacs;
    const Ref same = reference(true, nbc, H, G, P, N, dyh, acs, st, xp, dsin, xw, dtp, dacs0);
    const Ref math = reference(false, nbc, H, G, P, N, dyh, acs, st, xp, dsin, xw, dtp, dacs0);
    const SbLayout lay(P, N);
    if (std::max(lay.pre, lay.post) > (int)sizeof g_smem) {
        printf("FAIL tc states: shared layout %d / %d bytes\n", lay.pre, lay.post);
        failures++;
        return;
    }
    Vec ds(nS, std::nanf("")), dbc((size_t)nbc * Q * GN2, std::nanf("")), dx(nY, std::nanf("")), ddt(nR, std::nanf(""));
    launch(dim3m{(unsigned)(nbc * G), 1, 1}, SB_WARPS * 32, [&] {
        ssd_states_pre_kernel(dyh.data(), acs.data(), st.data(), xp.data(), cd, H, G, P, N, ds.data(), dbc.data());
    });
    launch(dim3m{(unsigned)(nbc * G), 1, 1}, SB_WARPS * 32, [&] {
        ssd_states_post_kernel(dsin.data(), xw.data(), xp.data(), cd, dtp.data(), acs.data(), H, G, P, N, dx.data(),
                               ddt.data(), dacs.data(), dbc.data());
    });
    const char *names[6] = {"ds", "dC", "dB", "dx", "ddt", "dacs"};
    for (int k = 0; k < 2; k++) {
        const Ref &w = k ? math : same;
        const double tol = k ? 2e-2 : 1e-4;
        double e[6] = {rel(ds, w.ds), rel(dbc, w.dbc, GN2, G * N, G * N), rel(dbc, w.dbc, GN2, 0, G * N),
                       rel(dx, w.dx), rel(ddt, w.ddt), rel(dacs, w.dacs)};
        bool ok = true;
        std::string line;
        for (int i = 0; i < 6; i++) {
            ok &= e[i] <= tol;
            char buf[48];
            snprintf(buf, sizeof buf, " %s %.2e", names[i], e[i]);
            line += buf;
        }
        printf("%s emulated ssd tc states backward nbc%d H%d G%d P%d N%d (smem %d / %d B) vs double, %s:%s (tol %.0e)\n",
               ok ? "PASS" : "FAIL", nbc, H, G, P, N, lay.pre, lay.post,
               k ? "fp32 math (today's path)" : "same BF16 operands", line.c_str(), tol);
        if (!ok) failures++;
    }
    fflush(stdout);
}

int main() {
    run(2, 4, 2, 16, 16, 1);   // two heads a group, the smallest shapes (warps without accumulator tiles)
    run(3, 2, 2, 64, 32, 2);   // one head a group
    run(1, 8, 1, 32, 64, 3);   // one group of eight heads (dC, dB summed over eight)
    run(2, 2, 1, 128, 128, 4); // the largest head_dim and state (shared memory, four accumulators a warp)
    run(1, 4, 2, 48, 48, 5);   // not powers of two
    run(2, 8, 1, 64, 128, 6);  // hybrid1b's head_dim, state and heads a group
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
