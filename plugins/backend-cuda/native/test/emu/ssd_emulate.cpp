// train_ssd.cu's forward and backward run on the CPU (test/emu/run.sh) against the sequential
// double reference (test/ssd_reference.h), fp32 and BF16 GEMM inputs, every tensor's max error
// relative to its largest reference value. Each case twice: the flat element-wise kernels
// (NMC_SCAN_ELEM=old) and the row and tile ones (NMC_SCAN_ELEM=rows, train_ssd_rows.cuh), whose
// y and dxbc must equal the flat ones' bit for bit (ddt, dA_log, dD: sums that were atomics).
#include <cstdio>
#include <random>
#include <string>

#include EMU_SSD
#include EMU_ENV  // env_choice (NMC_TRAIN_SCAN, NMC_TRAIN_SCAN_SAVE)
// the tensor-core intra-chunk backward (ssd_tc_bwd.cu) has its own emulation (make emu-ssd-tc-bwd)
namespace nmc::k::train {
bool ssd_intra_bwd_tc_supported(int) { return false; }
int ssd_intra_bwd_tc(const float *, const float *, const float *, const float *, const float *, const float *, int64_t,
                     int, int, int, float *, float *, float *, float *, cudaStream_t) {
    return nmc::fail("not emulated here");
}
}  // namespace nmc::k::train
#include "../ssd_reference.h"

using sref::Vec;

static int failures = 0;

static Vec cols(const Vec &v, int ld, int c0, int w) {
    size_t rows = v.size() / ld;
    Vec out(rows * w);
    for (size_t r = 0; r < rows; r++) std::copy_n(v.begin() + r * ld + c0, w, out.begin() + r * w);
    return out;
}

struct Got {
    Vec y, dxbc, ddt, da_log, dd;
};

static Got run(const sref::Shape &s, int dtype, double tol, uint32_t seed, bool rows, bool fused_states = false) {
    if (rows) setenv("NMC_SCAN_ELEM", "rows", 1);
    else setenv("NMC_SCAN_ELEM", "old", 1);
    if (fused_states) setenv("NMC_TRAIN_SCAN_STATES", "fused", 1);
    const char *mode = fused_states ? " rows, states fused" : rows ? " rows" : "";
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
    double e[7] = {sref::rel_error(gy, y),
                   sref::rel_error(cols(gx, cd, 0, HP), cols(want.dxbc, cd, 0, HP)),
                   sref::rel_error(cols(gx, cd, HP, GN), cols(want.dxbc, cd, HP, GN)),
                   sref::rel_error(cols(gx, cd, HP + GN, GN), cols(want.dxbc, cd, HP + GN, GN)),
                   sref::rel_error(gdt, want.ddt), sref::rel_error(gal, want.da_log), sref::rel_error(gd, want.dd)};
    for (double x : e) ok &= x <= tol;
    snprintf(line, sizeof line,
             "%s emulated ssd%s %s B%d L%d H%d P%d G%d N%d: y %.2e dx %.2e dB %.2e dC %.2e ddt %.2e dA_log %.2e dD %.2e (tol %.0e)%s",
             ok ? "PASS" : "FAIL", mode, dtype == NMC_BF16 ? "bf16" : "fp32", s.B, s.L, s.H, s.P, s.G, s.N, e[0], e[1], e[2],
             e[3], e[4], e[5], e[6], tol, emu::last_error.empty() ? "" : (" " + emu::last_error).c_str());
    puts(line);
    fflush(stdout);
    if (!ok) failures++;
    // Save instead of recompute (ssd_forward_save / ssd_restore_y / ssd_backward_saved): the forward's
    // regions in their own buffer, the backward's in a scratch of NaN (so a read of a forward region
    // from it shows): every output equal bit for bit to the plain path's, the saved buffer untouched
    // by the backward.
    namespace kt = nmc::k::train;
    Vec saved(kt::ssd_saved_floats(a), std::nanf("")), scratch(kt::ssd_work_floats(a), std::nanf("")),
        sy(R * HP, std::nanf("")), ry(R * HP, std::nanf("")), sx(R * cd, std::nanf("")), sdt(R * s.H, std::nanf("")),
        sal(s.H, 0.0f), sd(s.H, 0.0f);
    bool sok = kt::ssd_forward_save(a, sy.data(), saved.data(), scratch.data(), nullptr) == NMC_OK &&
               kt::ssd_restore_y(a, saved.data(), ry.data(), nullptr) == NMC_OK;
    Vec before = saved;
    sok = sok && kt::ssd_backward_saved(a, saved.data(), scratch.data(), dy.data(), sx.data(), sdt.data(), sal.data(),
                                        sd.data(), nullptr) == NMC_OK;
    auto same = [](const Vec &p, const Vec &q) { return p.size() == q.size() && memcmp(p.data(), q.data(), p.size() * 4) == 0; };
    // ddt, dA_log and dD sum through atomicAdd (dacs, dd, da_log) in threads of undefined order: 1e-5
    // (a reordered fp32 sum of many terms; a run measured 1.1e-6 on dA_log); wrong data gives O(1)
    bool eq[4] = {same(sy, gy), same(ry, gy), same(sx, gx), same(saved, before)};
    double ea[3] = {sref::rel_error(sdt, gdt), sref::rel_error(sal, gal), sref::rel_error(sd, gd)};
    for (bool x : eq) sok &= x;
    for (double x : ea) sok &= x <= 1e-5;
    snprintf(line, sizeof line,
             "%s emulated ssd%s saved %s B%d L%d H%d P%d G%d N%d: bit-equal to the recompute path: y %d restored y %d "
             "dxbc %d, saved buffer unchanged by backward %d; ddt %.1e dA_log %.1e dD %.1e (tol 1e-05: atomic order)",
             sok ? "PASS" : "FAIL", mode, dtype == NMC_BF16 ? "bf16" : "fp32", s.B, s.L, s.H, s.P, s.G, s.N, eq[0], eq[1],
             eq[2], eq[3], ea[0], ea[1], ea[2]);
    puts(line);
    fflush(stdout);
    if (!sok) failures++;
    unsetenv("NMC_SCAN_ELEM");
    unsetenv("NMC_TRAIN_SCAN_STATES");
    return Got{gy, gx, gdt, gal, gd};
}

// The row kernels against the flat ones: y and dxbc bit for bit, the atomic sums within 1e-5
static void same_as_flat(const sref::Shape &s, int dtype, const Got &rows, const Got &flat) {
    auto same = [](const Vec &p, const Vec &q) { return p.size() == q.size() && memcmp(p.data(), q.data(), p.size() * 4) == 0; };
    bool eq[2] = {same(rows.y, flat.y), same(rows.dxbc, flat.dxbc)};
    double ea[3] = {sref::rel_error(rows.ddt, flat.ddt), sref::rel_error(rows.da_log, flat.da_log),
                    sref::rel_error(rows.dd, flat.dd)};
    bool ok = eq[0] && eq[1] && ea[0] <= 1e-5 && ea[1] <= 1e-5 && ea[2] <= 1e-5;
    printf("%s emulated ssd rows vs flat %s B%d L%d H%d P%d G%d N%d: bit-equal y %d dxbc %d; ddt %.1e dA_log %.1e "
           "dD %.1e (tol 1e-05: atomic order)\n",
           ok ? "PASS" : "FAIL", dtype == NMC_BF16 ? "bf16" : "fp32", s.B, s.L, s.H, s.P, s.G, s.N, eq[0], eq[1], ea[0],
           ea[1], ea[2]);
    fflush(stdout);
    if (!ok) failures++;
}

// NMC_TRAIN_SCAN_STATES=fused (train_ssd_states.cuh: F5 + F6 and B3 + B4 in one kernel each, fp32 sums
// in another order than the GEMM's) against the GEMM path: every output within 1e-5 of it (fp32), and
// both against the double reference in run()
static void states_case(const sref::Shape &s, uint32_t seed, bool f32_only) {
    for (int dtype : {NMC_F32, NMC_BF16}) {
        if (f32_only && dtype != NMC_F32) break;
        const double tol = dtype == NMC_F32 ? 1e-4 : 5e-2;
        Got gemm = run(s, dtype, tol, seed, true), fused = run(s, dtype, tol, seed, true, true);
        if (dtype != NMC_F32) continue;  // BF16 GEMM operands there, fp32 products here: the reference decides
        double e[5] = {sref::rel_error(fused.y, gemm.y), sref::rel_error(fused.dxbc, gemm.dxbc), sref::rel_error(fused.ddt, gemm.ddt),
                       sref::rel_error(fused.da_log, gemm.da_log), sref::rel_error(fused.dd, gemm.dd)};
        bool ok = true;
        for (double x : e) ok &= x <= 1e-5;
        printf("%s emulated ssd states fused vs gemm fp32 B%d L%d H%d P%d G%d N%d: y %.1e dxbc %.1e ddt %.1e dA_log %.1e dD %.1e (tol 1e-05)\n",
               ok ? "PASS" : "FAIL", s.B, s.L, s.H, s.P, s.G, s.N, e[0], e[1], e[2], e[3], e[4]);
        fflush(stdout);
        if (!ok) failures++;
    }
}

int main() {
    sref::Shape shapes[] = {{1, 100, 4, 16, 2, 16}, {2, 40, 4, 8, 1, 8}, {2, 130, 4, 8, 2, 32}, {1, 128, 2, 8, 1, 8},
                            {1, 77, 3, 5, 3, 7}, {3, 1, 2, 4, 2, 4}, {1, 70, 4, 64, 2, 128},
                            {2, 1100, 2, 4, 1, 4}};  // the last: 18 chunks, past one batch of the state passes (CU)
    uint32_t seed = 1;
    const bool states_only = getenv("SSD_EMU_STATES_ONLY") != nullptr;  // test/emu/states_mutants.sh
    for (auto &s : shapes) {
        if (states_only) break;
        for (int dtype : {NMC_F32, NMC_BF16}) {
            const double tol = dtype == NMC_F32 ? 1e-4 : 5e-2;
            Got flat = run(s, dtype, tol, seed, false), rows = run(s, dtype, tol, seed, true);
            same_as_flat(s, dtype, rows, flat);
        }
        seed++;
    }
    // the fused state passes: P a multiple of 16 up to 128, N of 32 (else the GEMM path runs); the
    // third has 18 chunks, the fourth 160 threads a block, the last 256
    sref::Shape states[] = {{1, 70, 4, 64, 2, 128}, {2, 130, 4, 16, 2, 32}, {1, 1100, 2, 32, 1, 64}, {1, 100, 2, 80, 1, 32},
                            {1, 130, 2, 128, 2, 32}};
    for (auto &s : states) states_case(s, seed++, states_only);
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
