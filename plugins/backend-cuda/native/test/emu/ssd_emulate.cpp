// train_ssd.cu's forward and backward run on the CPU (test/emu/run.sh) against the sequential
// double reference (test/ssd_reference.h), fp32 and BF16 GEMM inputs, every tensor's max error
// relative to its largest reference value.
#include <cstdio>
#include <random>
#include <string>

#include EMU_SSD
#include "../ssd_reference.h"

using sref::Vec;

static int failures = 0;

static double rel(const Vec &got, const Vec &want) {
    double norm = 1e-30, worst = 0;
    for (float w : want) norm = std::max(norm, (double)std::fabs(w));
    for (size_t i = 0; i < got.size(); i++) {
        double e = std::fabs((double)got[i] - want[i]) / norm;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    return worst;
}

static Vec cols(const Vec &v, int ld, int c0, int w) {
    size_t rows = v.size() / ld;
    Vec out(rows * w);
    for (size_t r = 0; r < rows; r++) std::copy_n(v.begin() + r * ld + c0, w, out.begin() + r * w);
    return out;
}

static void run(const sref::Shape &s, int dtype, double tol, uint32_t seed) {
    std::mt19937 g(seed);
    std::normal_distribution<float> nd(0, 1);
    std::uniform_real_distribution<float> u(0.001f, 0.2f), la(std::log(0.05f), std::log(8.0f));
    const size_t R = (size_t)s.B * s.L, HP = (size_t)s.H * s.P;
    const int cd = s.conv(), GN = s.G * s.N;
    Vec xbc(R * cd), dt(R * s.H), al(s.H), d(s.H), dy(R * HP);
    for (size_t i = 0; i < xbc.size(); i++) xbc[i] = nd(g) * ((int)(i % cd) < (int)HP ? 1.0f : 0.5f);
    for (auto &x : dt) x = u(g);
    for (auto &x : al) x = la(g);
    for (auto &x : d) x = nd(g);
    for (auto &x : dy) x = nd(g);
    Vec y = sref::sequential_forward(s, xbc, dt, al, d);
    sref::Grads want = sref::sequential_backward(s, xbc, dt, al, d, dy);

    nmc::Gemm gemm;
    nmc::k::train::ScanArgs a{s.B, s.L, s.H, s.P, s.G, s.N, xbc.data(), cd, dt.data(), al.data(), d.data(), &gemm, dtype};
    Vec work(nmc::k::train::ssd_work_floats(a), std::nanf("")), gy(R * HP), gx(R * cd, std::nanf("")),
        gdt(R * s.H, std::nanf("")), gal(s.H, 0.0f), gd(s.H, 0.0f);
    bool ok = nmc::k::train::ssd_forward(a, gy.data(), work.data(), nullptr) == NMC_OK &&
              nmc::k::train::ssd_backward(a, work.data(), dy.data(), gx.data(), gdt.data(), gal.data(), gd.data(),
                                          nullptr) == NMC_OK;
    char line[512];
    double e[7] = {rel(gy, y),
                   rel(cols(gx, cd, 0, HP), cols(want.dxbc, cd, 0, HP)),
                   rel(cols(gx, cd, HP, GN), cols(want.dxbc, cd, HP, GN)),
                   rel(cols(gx, cd, HP + GN, GN), cols(want.dxbc, cd, HP + GN, GN)),
                   rel(gdt, want.ddt), rel(gal, want.da_log), rel(gd, want.dd)};
    for (double x : e) ok &= x <= tol;
    snprintf(line, sizeof line,
             "%s emulated ssd %s B%d L%d H%d P%d G%d N%d: y %.2e dx %.2e dB %.2e dC %.2e ddt %.2e dA_log %.2e dD %.2e (tol %.0e)%s",
             ok ? "PASS" : "FAIL", dtype == NMC_BF16 ? "bf16" : "fp32", s.B, s.L, s.H, s.P, s.G, s.N, e[0], e[1], e[2],
             e[3], e[4], e[5], e[6], tol, emu::last_error.empty() ? "" : (" " + emu::last_error).c_str());
    puts(line);
    fflush(stdout);
    if (!ok) failures++;
}

int main() {
    sref::Shape shapes[] = {{1, 100, 4, 16, 2, 16}, {2, 40, 4, 8, 1, 8}, {2, 130, 4, 8, 2, 32}, {1, 128, 2, 8, 1, 8},
                            {1, 77, 3, 5, 3, 7}, {3, 1, 2, 4, 2, 4}, {1, 70, 4, 64, 2, 128}};
    uint32_t seed = 1;
    for (auto &s : shapes) {
        run(s, NMC_F32, 1e-4, seed);
        run(s, NMC_BF16, 5e-2, seed++);
    }
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
