// The scan part of nmc_train_selftest (included by train_selftest.cpp): the trainer's Mamba-2 scan
// (nmc_k_train_scan) chunked (train_ssd.cu) in fp32 and BF16 and sequential (train_scan.cu)
// against the CPU double reference (test/ssd_reference.h) and against each other, every tensor
// (y, dx, dB, dC, ddt, dA_log, dD) with its own max error relative to its largest reference
// value, one line per case and path; the fused tensor-core forward (ssd_fused.cu, impl 2, y
// only) against the same reference within TOL_FUSED, and with the experimental fused backward
// (ssd_fused_bwd.cu, impl 2 with dy) every tensor; the trainer's gradients with
// NMC_TRAIN_SCAN=sequential and chunked; a BF16 trainer's loss and gradients with the fused
// forward (unset) and NMC_TRAIN_SCAN=fused-bwd against NMC_TRAIN_SCAN=chunked; the saved scan
// (NMC_TRAIN_SCAN_SAVE=1) against the recomputed one (trainer_save_case); and a timing line at L = 4096 (printed, not asserted).
// NMC_SCAN_ELEM=rows (train_ssd_rows.cuh) against the flat element-wise kernels on every case
// (`… NMC_SCAN_ELEM=rows vs flat`: y and dxbc bit for bit), with its own timing and step lines.
#pragma once

#include <cstdlib>

#include "ssd_reference.h"

// Test hook (train_mamba.cu, not in the public header): 1 when the trainer's last forward saved
// its scans for the backward (NMC_TRAIN_SCAN_SAVE=1 and room), else 0.
extern "C" int nmc_trainer_scan_saved(const nmc_trainer *t);

namespace scan_test {

using sref::Shape;
using sref::Vec;

constexpr double TOL_F32 = 1e-4;   // fp32 paths vs the double reference
constexpr double TOL_BF16 = 5e-2;  // chunked with BF16 GEMM inputs (8-bit mantissa) vs the double reference
constexpr double TOL_FUSED = 2e-2; // fused BF16 forward vs the double reference (CPU emulation measured 1e-3 to 4e-3)

struct Inputs {
    Vec xbc, dt, a_log, d, dy;
};

struct Out {
    Vec y, dxbc, ddt, da_log, dd;
    float ms[2] = {0, 0};
    bool ok = false;
};

inline Inputs inputs(const Shape &s, uint32_t seed) {
    Inputs in;
    const size_t R = (size_t)s.B * s.L, HP = (size_t)s.H * s.P;
    in.xbc = randn(R * s.conv(), seed, 1.0f);
    for (size_t r = 0; r < R; r++)  // B and C smaller, like silu(conv) outputs of a trained layer
        for (size_t j = HP; j < (size_t)s.conv(); j++) in.xbc[r * s.conv() + j] *= 0.5f;
    std::mt19937 g(seed + 1);
    std::uniform_real_distribution<float> u(0.001f, 0.2f), la(std::log(0.05f), std::log(8.0f));
    in.dt.resize(R * s.H);
    for (float &x : in.dt) x = u(g);
    in.a_log.resize(s.H);
    for (float &x : in.a_log) x = la(g);
    in.d = randn(s.H, seed + 2, 1.0f);
    in.dy = randn(R * HP, seed + 3, 1.0f);
    return in;
}

inline Out gpu(int impl, int dtype, const Shape &s, const Inputs &in, bool backward = true) {
    Out o;
    const size_t R = (size_t)s.B * s.L;
    o.y.resize(R * s.H * s.P);
    if (backward) {
        o.dxbc.resize(R * s.conv());
        o.ddt.resize(R * s.H);
        o.da_log.resize(s.H);
        o.dd.resize(s.H);
    }
    int rc = nmc_k_train_scan(impl, dtype, s.B, s.L, s.H, s.P, s.G, s.N, in.xbc.data(), in.dt.data(), in.a_log.data(),
                              in.d.data(), backward ? in.dy.data() : nullptr, o.y.data(),
                              backward ? o.dxbc.data() : nullptr, backward ? o.ddt.data() : nullptr,
                              backward ? o.da_log.data() : nullptr, backward ? o.dd.data() : nullptr, o.ms);
    o.ok = rc == NMC_OK;
    if (!o.ok) printf("FAIL nmc_k_train_scan impl %d dtype %d: %s\n", impl, dtype, nmc_last_error());
    return o;
}

// columns [c0, c0 + w) of rows of width ld
inline Vec cols(const Vec &v, int ld, int c0, int w) {
    size_t rows = v.size() / ld;
    Vec out(rows * w);
    for (size_t r = 0; r < rows; r++) std::copy_n(v.begin() + r * ld + c0, w, out.begin() + r * w);
    return out;
}

// One line: every tensor's max |got - want| / max |want|; PASS when all are within tol.
inline void compare(const Shape &s, const Out &got, const Out &want, double tol, const std::string &what) {
    if (!got.ok || !want.ok) {
        check(false, what + ": a run failed");
        return;
    }
    const int HP = s.H * s.P, GN = s.G * s.N, cd = s.conv();
    struct T {
        const char *name;
        Vec a, b;
    } ts[] = {{"y", got.y, want.y},
              {"dx", cols(got.dxbc, cd, 0, HP), cols(want.dxbc, cd, 0, HP)},
              {"dB", cols(got.dxbc, cd, HP, GN), cols(want.dxbc, cd, HP, GN)},
              {"dC", cols(got.dxbc, cd, HP + GN, GN), cols(want.dxbc, cd, HP + GN, GN)},
              {"ddt", got.ddt, want.ddt},
              {"dA_log", got.da_log, want.da_log},
              {"dD", got.dd, want.dd}};
    std::string line = what + ":";
    bool ok = true;
    for (auto &t : ts) {
        double e = t.a.size() == t.b.size() ? max_rel_err(t.a, t.b) : 1e9;
        ok &= e <= tol;
        char buf[48];
        snprintf(buf, sizeof buf, " %s %.2e", t.name, e);
        line += buf;
    }
    char buf[32];
    snprintf(buf, sizeof buf, " (tol %.0e)", tol);
    check(ok, line + buf);
}

// The fused forward's y against `want` (y only).
inline void compare_y(const Shape &s, const Out &got, const Out &want, double tol, const std::string &what) {
    if (!got.ok || !want.ok) {
        check(false, what + ": a run failed");
        return;
    }
    double e = got.y.size() == want.y.size() ? max_rel_err(got.y, want.y) : 1e9;
    char buf[64];
    snprintf(buf, sizeof buf, ": y %.2e (tol %.0e)", e, tol);
    check(e <= tol, what + buf);
}

// NMC_SCAN_ELEM=rows (the row and tile element-wise kernels, train_ssd_rows.cuh) against the flat
// ones (`flat`, the same impl with NMC_SCAN_ELEM=old): y and dxbc bit for bit, ddt, dA_log and dD (sums that were
// atomics in undefined order) within 1e-5 of the largest value. Returns the rows run.
inline Out rows_vs_flat(int impl, const Shape &s, const Inputs &in, const Out &flat, const std::string &what) {
    setenv("NMC_SCAN_ELEM", "rows", 1);
    Out r = gpu(impl, NMC_F32, s, in);
    setenv("NMC_SCAN_ELEM", "old", 1);  // the flat kernels (unset is rows)
    if (!r.ok || !flat.ok) {
        check(false, what + ": a run failed");
        return r;
    }
    auto same = [](const Vec &a, const Vec &b) { return a.size() == b.size() && memcmp(a.data(), b.data(), a.size() * 4) == 0; };
    const bool ey = same(r.y, flat.y), ex = same(r.dxbc, flat.dxbc);
    const double e[3] = {max_rel_err(r.ddt, flat.ddt), max_rel_err(r.da_log, flat.da_log), max_rel_err(r.dd, flat.dd)};
    char buf[200];
    snprintf(buf, sizeof buf, ": bit-equal y %d dxbc %d; ddt %.1e dA_log %.1e dD %.1e (tol 1e-05: atomic order)", ey, ex,
             e[0], e[1], e[2]);
    check(ey && ex && e[0] <= 1e-5 && e[1] <= 1e-5 && e[2] <= 1e-5, what + buf);
    return r;
}

inline std::string name(const Shape &s) {
    char buf[96];
    snprintf(buf, sizeof buf, "scan B%d L%d H%d P%d G%d N%d", s.B, s.L, s.H, s.P, s.G, s.N);
    return buf;
}

// NMC_SCAN_ELEM=rows on a shape whose widths rule out 16-byte vectors (P 5, conv_dim 57): the row
// kernels' scalar path against the flat kernels and the CPU reference (chunked fp32 only)
inline void rows_case(const Shape &s, uint32_t seed) {
    Inputs in = inputs(s, seed);
    Out ref;
    ref.y = sref::sequential_forward(s, in.xbc, in.dt, in.a_log, in.d);
    sref::Grads g = sref::sequential_backward(s, in.xbc, in.dt, in.a_log, in.d, in.dy);
    ref.dxbc = g.dxbc, ref.ddt = g.ddt, ref.da_log = g.da_log, ref.dd = g.dd, ref.ok = true;
    Out flat = gpu(1, NMC_F32, s, in);
    Out rows = rows_vs_flat(1, s, in, flat, name(s) + " chunked fp32 NMC_SCAN_ELEM=rows vs flat");
    compare(s, rows, ref, TOL_F32, name(s) + " chunked fp32 NMC_SCAN_ELEM=rows vs cpu");
}

inline void one_case(const Shape &s, uint32_t seed) {
    Inputs in = inputs(s, seed);
    Out ref;
    ref.y = sref::sequential_forward(s, in.xbc, in.dt, in.a_log, in.d);
    sref::Grads g = sref::sequential_backward(s, in.xbc, in.dt, in.a_log, in.d, in.dy);
    ref.dxbc = g.dxbc, ref.ddt = g.ddt, ref.da_log = g.da_log, ref.dd = g.dd, ref.ok = true;
    Out seq = gpu(0, NMC_F32, s, in), ch = gpu(1, NMC_F32, s, in), bf = gpu(1, NMC_BF16, s, in);
    const std::string n = name(s);
    compare(s, ch, ref, TOL_F32, n + " chunked fp32 vs cpu");
    compare(s, seq, ref, TOL_F32, n + " sequential fp32 vs cpu");
    compare(s, ch, seq, TOL_F32, n + " chunked fp32 vs sequential");
    rows_vs_flat(1, s, in, ch, n + " chunked fp32 NMC_SCAN_ELEM=rows vs flat");
    compare(s, bf, ref, TOL_BF16, n + " chunked bf16 vs cpu");
    compare_y(s, gpu(2, NMC_F32, s, in, false), ref, TOL_FUSED, n + " fused bf16 forward vs cpu");
    if (s.P % 16 == 0 && s.P <= 128) {  // the tensor-core intra-chunk backward (impl 3, ssd_tc_bwd.cu)
        Out tc = gpu(3, NMC_F32, s, in);
        compare(s, tc, ref, TOL_FUSED, n + " chunked fp32 + tc backward vs cpu");
        compare(s, tc, ch, TOL_FUSED, n + " tc backward vs chunked fp32");
        rows_vs_flat(3, s, in, tc, n + " chunked fp32 + tc backward NMC_SCAN_ELEM=rows vs flat");
    }
    // fused forward + the experimental fused backward (ssd_fused_bwd.cu), where its fp32 tiles fit
    // shared memory (its grad_smem; N 256 does not)
    if ((8 * 64 + 2 * 64 * s.P + 2 * 64 * s.N + 2 * s.P * s.N + 2 * 64 * 64) * 4 > 227 * 1024) return;
    Out fb = gpu(2, NMC_F32, s, in);
    compare(s, fb, ref, TOL_FUSED, n + " fused forward + fused backward vs cpu");
    compare(s, fb, ch, TOL_BF16, n + " fused backward vs chunked fp32");
}

// The trainer's gradients of a tiny hybrid (L = 70: two chunks, the second padded) with the
// sequential and the chunked scan: every Mamba parameter's gradient of the first layer.
inline void trainer_case(const nmc_config &c, const std::vector<int32_t> &ids, const std::vector<int32_t> &labels,
                         int rows, int len) {
    const char *names[] = {"backbone.layers.0.mixer.in_proj.weight", "backbone.layers.0.mixer.conv1d.weight",
                           "backbone.layers.0.mixer.dt_bias", "backbone.layers.0.mixer.A_log",
                           "backbone.layers.0.mixer.D", "backbone.layers.3.mixer.in_proj.weight"};
    auto grads = [&](bool sequential, double *loss, std::vector<Vec> *out) -> bool {
        if (sequential) setenv("NMC_TRAIN_SCAN", "sequential", 1);
        else unsetenv("NMC_TRAIN_SCAN");
        nmc_trainer *t = nullptr;
        int64_t tokens = 0;
        bool ok = nmc_trainer_create(&c, 0, &t) == NMC_OK && nmc_trainer_init_random(t, 11) == NMC_OK &&
                  nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, loss, &tokens) == NMC_OK &&
                  nmc_trainer_backward(t) == NMC_OK;
        for (const char *nm : names) {
            if (!ok) break;
            int64_t shape[4];
            int ndim = 0;
            char buf[256];
            int idx = -1;
            for (int i = 0; i < nmc_trainer_param_count(t); i++) {
                nmc_trainer_param_info(t, i, buf, sizeof buf, shape, &ndim);
                if (strcmp(buf, nm) == 0) idx = i;
            }
            if (idx < 0) { ok = false; break; }
            nmc_trainer_param_info(t, idx, buf, sizeof buf, shape, &ndim);
            int64_t n = 1;
            for (int k = 0; k < ndim; k++) n *= shape[k];
            out->push_back(Vec(n));
            ok = nmc_trainer_get_tensor(t, nm, NMC_TRAIN_GRAD, out->back().data()) == NMC_OK;
        }
        if (!ok) check(false, std::string("trainer gradients, ") + (sequential ? "sequential" : "chunked") + " scan: " +
                                  nmc_last_error());
        if (t) nmc_trainer_destroy(t);
        unsetenv("NMC_TRAIN_SCAN");
        return ok;
    };
    double ls = 0, lc = 0;
    std::vector<Vec> gs, gc;
    if (!grads(true, &ls, &gs) || !grads(false, &lc, &gc)) return;
    std::string line = "trainer f32 chunked scan vs sequential:";
    char buf[96];
    snprintf(buf, sizeof buf, " loss %.7f vs %.7f", lc, ls);
    line += buf;
    bool ok = std::fabs(lc - ls) <= 1e-5 * std::fabs(ls);
    for (size_t i = 0; i < gs.size(); i++) {
        double e = max_rel_err(gc[i], gs[i]);
        ok &= e <= TOL_F32;
        snprintf(buf, sizeof buf, ", d %s %.2e", names[i] + strlen("backbone.layers."), e);
        line += buf;
    }
    check(ok, line + " (tol 1e-04)");
}

inline void timing() {
    const Shape s{1, 4096, 64, 64, 8, 128};
    Inputs in = inputs(s, 99);
    gpu(1, NMC_F32, s, in);  // warm-up (cuBLAS heuristics, module load)
    Out seq = gpu(0, NMC_F32, s, in), ch = gpu(1, NMC_F32, s, in), bf = gpu(1, NMC_BF16, s, in);
    // the sequential kernels accumulate over 4096 steps in fp32: a looser bound than the small cases
    compare(s, ch, seq, 1e-3, name(s) + " chunked fp32 vs sequential");
    compare(s, bf, seq, TOL_BF16, name(s) + " chunked bf16 vs sequential");
    gpu(2, NMC_F32, s, in, false);  // warm-up
    Out fu = gpu(2, NMC_F32, s, in, false);
    compare_y(s, fu, seq, TOL_FUSED, name(s) + " fused bf16 forward vs sequential");
    printf("INFO %s: forward %.2f ms sequential, %.2f ms chunked fp32, %.2f ms chunked bf16, %.3f ms fused bf16; "
           "backward %.2f ms sequential, %.2f ms chunked fp32, %.2f ms chunked bf16\n",
           name(s).c_str(), seq.ms[0], ch.ms[0], bf.ms[0], fu.ms[0], seq.ms[1], ch.ms[1], bf.ms[1]);
    Out tc = gpu(3, NMC_F32, s, in);  // the tensor-core intra-chunk backward
    compare(s, tc, seq, TOL_BF16, name(s) + " chunked fp32 + tc backward vs sequential");
    compare(s, tc, ch, TOL_FUSED, name(s) + " tc backward vs chunked fp32");
    printf("INFO %s: backward %.2f ms chunked fp32 with the tc intra-chunk part (NMC_TRAIN_SCAN=tc-bwd) vs %.2f ms "
           "chunked fp32\n", name(s).c_str(), tc.ms[1], ch.ms[1]);
    // where the chunked fp32 scan's time goes: NMC_SCAN_STEPS=1 prints "ssd forward steps (ms): ..."
    // and "ssd backward steps (ms): ..." on stderr (train_ssd.cu; the step numbers of its header)
    fflush(stdout);
    setenv("NMC_SCAN_STEPS", "1", 1);
    gpu(1, NMC_F32, s, in);
    gpu(3, NMC_F32, s, in);
    unsetenv("NMC_SCAN_STEPS");
    fflush(stderr);
    // NMC_SCAN_ELEM=rows (train_ssd_rows.cuh): bit-equal to the flat kernels, its time, and its step
    // lines (stderr, the same group names; its F0-F1 holds F4's work, so compare F0-F4 summed)
    Out rc = rows_vs_flat(1, s, in, ch, name(s) + " chunked fp32 NMC_SCAN_ELEM=rows vs flat");
    Out rt = rows_vs_flat(3, s, in, tc, name(s) + " chunked fp32 + tc backward NMC_SCAN_ELEM=rows vs flat");
    printf("INFO %s: NMC_SCAN_ELEM=rows vs flat: forward %.3f vs %.3f ms chunked fp32; backward %.3f vs %.3f ms "
           "chunked fp32, %.3f vs %.3f ms with the tc intra-chunk part (the default trainer path)\n",
           name(s).c_str(), rc.ms[0], ch.ms[0], rc.ms[1], ch.ms[1], rt.ms[1], tc.ms[1]);
    fflush(stdout);
    setenv("NMC_SCAN_ELEM", "rows", 1);
    setenv("NMC_SCAN_STEPS", "1", 1);
    fprintf(stderr, "NMC_SCAN_ELEM=rows:\n");
    gpu(1, NMC_F32, s, in);
    gpu(3, NMC_F32, s, in);
    unsetenv("NMC_SCAN_STEPS");
    setenv("NMC_SCAN_ELEM", "old", 1);  // the flat kernels (unset is rows)
    fflush(stderr);
    Out fb = gpu(2, NMC_F32, s, in);  // the experimental fused backward (fp32 CUDA-core loops)
    compare(s, fb, seq, TOL_BF16, name(s) + " fused forward + fused backward vs sequential");
    compare(s, fb, ch, TOL_BF16, name(s) + " fused backward vs chunked fp32");
    printf("INFO %s: backward %.2f ms fused (experimental, fp32 loops, after a %.3f ms fused forward) vs %.2f ms "
           "chunked fp32, %.2f ms chunked bf16 (each after its own forward; the fused one needs no recompute)\n",
           name(s).c_str(), fb.ms[1], fb.ms[0], ch.ms[1], bf.ms[1]);
    fflush(stdout);
}

// A BF16 trainer (tiny hybrid, L = 70: two chunks, the second padded): its forward runs the fused
// scan unless NMC_TRAIN_SCAN=chunked (the recompute before backward is chunked in both). Loss
// within 2e-3 relative and the first Mamba layer's in_proj gradient within 3e-2 of its largest
// value; the losses must differ (the fused path ran); NMC_TRAIN_SCAN=fused-bwd (the experimental
// fused backward) likewise; NMC_TRAIN_SCAN=bogus is refused.
inline void trainer_fused_case(nmc_config c) {
    c.compute_dtype = NMC_BF16;
    const int rows = 2, len = 70;
    std::vector<int32_t> ids(rows * len), labels(rows * len);
    std::mt19937 g(9);
    for (int i = 0; i < rows * len; i++) ids[i] = (int32_t)(g() % c.vocab_size);
    for (int i = 0; i < rows * len; i++) labels[i] = (i + 1) % len == 0 ? -100 : ids[i + 1];
    const char *nm = "backbone.layers.0.mixer.in_proj.weight";
    auto run = [&](const char *env, double *loss, Vec *grad) -> int {
        setenv("NMC_TRAIN_SCAN", env, 1);
        setenv("NMC_TRAIN_SCAN_SAVE", "0", 1);  // recomputed: the first forward is the fused kernel
        nmc_trainer *t = nullptr;
        int64_t tokens = 0;
        int rc = nmc_trainer_create(&c, 0, &t);
        if (rc == NMC_OK) rc = nmc_trainer_init_random(t, 13);
        if (rc == NMC_OK) rc = nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, loss, &tokens);
        if (rc == NMC_OK) rc = nmc_trainer_backward(t);
        if (rc == NMC_OK && grad) {
            int64_t shape[4];
            int ndim = 0;
            char buf[256];
            for (int i = 0; i < nmc_trainer_param_count(t); i++) {
                nmc_trainer_param_info(t, i, buf, sizeof buf, shape, &ndim);
                if (strcmp(buf, nm) == 0) grad->resize((size_t)shape[0] * shape[1]);
            }
            rc = nmc_trainer_get_tensor(t, nm, NMC_TRAIN_GRAD, grad->data());
        }
        if (t) nmc_trainer_destroy(t);
        unsetenv("NMC_TRAIN_SCAN");
        unsetenv("NMC_TRAIN_SCAN_SAVE");
        return rc;
    };
    double lf = 0, lc = 0, lb = 0;
    Vec gf, gc;
    if (run("fused", &lf, &gf) != NMC_OK || run("chunked", &lc, &gc) != NMC_OK) {
        check(false, std::string("trainer bf16 fused scan: ") + nmc_last_error());
        return;
    }
    double el = std::fabs(lf - lc) / std::fabs(lc), eg = max_rel_err(gf, gc);
    char buf[320];
    snprintf(buf, sizeof buf, "trainer bf16 fused scan forward vs chunked: loss %.7f vs %.7f (rel err %.2e, tol 2e-03), "
             "d in_proj %.2e (tol 3e-02), fused ran: %s", lf, lc, el, eg, lf != lc ? "yes" : "no");
    check(std::isfinite(lf) && el <= 2e-3 && eg <= 3e-2 && lf != lc, buf);
    // NMC_TRAIN_SCAN=fused-bwd (experimental): the same fused forward (the same loss, bit for bit),
    // the recompute fused and the backward ssd_backward_fused: the gradient within 3e-2 of chunked's
    double lfb = 0;
    Vec gfb;
    if (run("fused-bwd", &lfb, &gfb) != NMC_OK) {
        check(false, std::string("trainer bf16 fused-bwd scan: ") + nmc_last_error());
    } else {
        double egb = max_rel_err(gfb, gc), egf = max_rel_err(gfb, gf);
        snprintf(buf, sizeof buf, "trainer bf16 fused backward (NMC_TRAIN_SCAN=fused-bwd) vs chunked: loss %.7f vs fused "
                 "%.7f (equal), d in_proj %.2e vs chunked (tol 3e-02), %.2e vs fused forward only", lfb, lf, egb, egf);
        check(lfb == lf && egb <= 3e-2 && gfb != gf, buf);
    }
    // NMC_TRAIN_SCAN=tc-bwd: the same fused forward (the same loss, bit for bit), the backward's
    // intra-chunk part on tensor cores (ssd_tc_bwd.cu): the gradient within 3e-2 of chunked's, and
    // not the fused forward's own (the tc kernel ran: BF16 dm differs from cuBLAS fp32's)
    double ltc = 0;
    Vec gtc;
    if (run("tc-bwd", &ltc, &gtc) != NMC_OK) {
        check(false, std::string("trainer bf16 tc-bwd scan: ") + nmc_last_error());
    } else {
        double egt = max_rel_err(gtc, gc), egf = max_rel_err(gtc, gf);
        snprintf(buf, sizeof buf, "trainer bf16 tc backward (NMC_TRAIN_SCAN=tc-bwd) vs chunked: loss %.7f vs fused "
                 "%.7f (equal), d in_proj %.2e vs chunked (tol 3e-02), %.2e vs fused forward only (> 0)", ltc, lf, egt, egf);
        check(ltc == lf && egt <= 3e-2 && gtc != gf, buf);
    }
    expect_error(run("bogus", &lb, nullptr), "NMC_TRAIN_SCAN must be fused, fused-bwd, chunked, sequential or tc-bwd",
                 "trainer NMC_TRAIN_SCAN=bogus refused");
}

// Save instead of recompute (NMC_TRAIN_SCAN_SAVE=1, train_mamba.cu scan_save_decide): a BF16
// trainer's two micro-batches (rows 2 x L 70, then 1 x 130: the slots are remade for the larger
// shape) with the scan saved against the same with it recomputed (NMC_TRAIN_SCAN=chunked): both run
// the same chunked kernels on the same inputs, so the losses agree within 1e-6 relative and every
// parameter's accumulated gradient within 1e-4 of its largest value (the backward's atomicAdd order
// is the only difference: ~1e-6 in the CPU emulation; wrong data gives O(1)); nmc_trainer_scan_saved says the save ran. With the fused forward
// (NMC_TRAIN_SCAN unset) the save makes the forward chunked: the same loss as chunked's again. Under
// NMC_TRAIN_SCAN=sequential the save does not apply (scan_saved 0; the loss and gradients of the
// sequential run without it). NMC_TRAIN_SCAN_SAVE=2 is refused.
inline void trainer_save_case(nmc_config c) {
    c.compute_dtype = NMC_BF16;
    const std::vector<MicroBatch> micro = two_micro_batches(c.vocab_size, 21);
    struct Run {
        double loss[2] = {0, 0};
        int saved[2] = {0, 0};
        std::vector<std::string> names;
        std::vector<Vec> grads;
    };
    auto run = [&](const char *scan, const char *save, Run *out) -> int {
        if (scan) setenv("NMC_TRAIN_SCAN", scan, 1);
        else unsetenv("NMC_TRAIN_SCAN");
        if (save) setenv("NMC_TRAIN_SCAN_SAVE", save, 1);
        else unsetenv("NMC_TRAIN_SCAN_SAVE");
        nmc_trainer *t = nullptr;
        int64_t tokens = 0;
        int rc = nmc_trainer_create(&c, 0, &t);
        if (rc == NMC_OK) rc = nmc_trainer_init_random(t, 17);
        for (size_t i = 0; i < micro.size() && rc == NMC_OK; i++) {
            rc = nmc_trainer_forward(t, micro[i].ids.data(), micro[i].labels.data(), micro[i].rows, micro[i].len,
                                     &out->loss[i], &tokens);
            if (rc == NMC_OK) out->saved[i] = nmc_trainer_scan_saved(t);
            if (rc == NMC_OK) rc = nmc_trainer_backward(t);
        }
        if (rc == NMC_OK) rc = trainer_tensors(t, NMC_TRAIN_GRAD, &out->names, &out->grads);
        if (t) nmc_trainer_destroy(t);
        unsetenv("NMC_TRAIN_SCAN");
        unsetenv("NMC_TRAIN_SCAN_SAVE");
        return rc;
    };
    auto compare = [&](const Run &got, const Run &want, double gtol, const std::string &what) {
        double el = 0, eg = 0;
        std::string worst = "-";
        for (int i = 0; i < 2; i++) el = std::max(el, std::fabs(got.loss[i] - want.loss[i]) / std::fabs(want.loss[i]));
        for (size_t i = 0; i < got.grads.size() && i < want.grads.size(); i++) {
            double e = max_rel_err(got.grads[i], want.grads[i]);
            if (!(e <= eg)) eg = e, worst = got.names[i];
        }
        char buf[400];
        snprintf(buf, sizeof buf, "%s: losses %.7f %.7f vs %.7f %.7f (rel err %.1e, tol 1e-06), %zu gradients, worst %.1e "
                 "(%s, tol %.0e), saved %d %d", what.c_str(), got.loss[0], got.loss[1], want.loss[0], want.loss[1], el,
                 got.grads.size(), eg, worst.c_str(), gtol, got.saved[0], got.saved[1]);
        return std::make_pair(std::isfinite(el) && el <= 1e-6 && eg <= gtol && got.grads.size() == want.grads.size() &&
                                  !got.grads.empty(), std::string(buf));
    };
    Run chunked, saved, fused_saved, seq, seq_saved, bogus;
    if (run("chunked", "0", &chunked) != NMC_OK || run("chunked", "1", &saved) != NMC_OK ||
        run("fused", "1", &fused_saved) != NMC_OK || run("sequential", "0", &seq) != NMC_OK ||
        run("sequential", "1", &seq_saved) != NMC_OK) {
        check(false, std::string("trainer bf16 saved scan: ") + nmc_last_error());
        return;
    }
    auto r1 = compare(saved, chunked, 1e-4, "trainer bf16 scan saved (NMC_TRAIN_SCAN=chunked NMC_TRAIN_SCAN_SAVE=1) vs recomputed");
    check(r1.first && saved.saved[0] == 1 && saved.saved[1] == 1 && chunked.saved[0] == 0, r1.second);
    auto r2 = compare(fused_saved, chunked, 1e-4, "trainer bf16 scan saved (NMC_TRAIN_SCAN=fused NMC_TRAIN_SCAN_SAVE=1) vs chunked recomputed");
    check(r2.first && fused_saved.saved[0] == 1 && fused_saved.saved[1] == 1, r2.second);
    auto r3 = compare(seq_saved, seq, 1e-4, "trainer bf16 NMC_TRAIN_SCAN=sequential NMC_TRAIN_SCAN_SAVE=1 (not applied) vs sequential");
    check(r3.first && seq_saved.saved[0] == 0 && seq_saved.saved[1] == 0, r3.second);
    // tc-bwd with the save: the forward chunked (saved), the backward's intra-chunk part on tensor
    // cores from the saved slots: the losses chunked's, the gradients within 3e-2 (BF16 dm)
    Run tc_saved;
    if (run("tc-bwd", "1", &tc_saved) != NMC_OK) {
        check(false, std::string("trainer bf16 tc-bwd saved scan: ") + nmc_last_error());
    } else {
        auto r4 = compare(tc_saved, chunked, 3e-2, "trainer bf16 NMC_TRAIN_SCAN=tc-bwd NMC_TRAIN_SCAN_SAVE=1 vs chunked recomputed");
        check(r4.first && tc_saved.saved[0] == 1 && tc_saved.saved[1] == 1, r4.second);
        // both switches unset: the defaults are exactly tc-bwd with the scan saved
        Run dflt;
        if (run(nullptr, nullptr, &dflt) != NMC_OK) {
            check(false, std::string("trainer bf16 default scan: ") + nmc_last_error());
        } else {
            // (the same kernels: only the backward's atomic order differs)
            auto r5 = compare(dflt, tc_saved, 1e-4, "trainer bf16 NMC_TRAIN_SCAN and NMC_TRAIN_SCAN_SAVE unset vs tc-bwd saved");
            check(r5.first && dflt.saved[0] == 1 && dflt.saved[1] == 1, r5.second);
        }
    }
    expect_error(run("chunked", "2", &bogus), "NMC_TRAIN_SCAN_SAVE must be 0 or 1", "trainer NMC_TRAIN_SCAN_SAVE=2 refused");
}

// NMC_SCAN_ELEM unset is rows: y and dxbc bit for bit (the other outputs are atomic sums)
inline void default_case(const Shape &s, uint32_t seed) {
    Inputs in = inputs(s, seed);
    setenv("NMC_SCAN_ELEM", "rows", 1);
    Out rows = gpu(3, NMC_F32, s, in);
    unsetenv("NMC_SCAN_ELEM");
    Out unset = gpu(3, NMC_F32, s, in);
    setenv("NMC_SCAN_ELEM", "old", 1);
    auto same = [](const Vec &a, const Vec &b) { return !a.empty() && a.size() == b.size() && memcmp(a.data(), b.data(), a.size() * 4) == 0; };
    check(rows.ok && unset.ok && same(rows.y, unset.y) && same(rows.dxbc, unset.dxbc),
          name(s) + " chunked fp32 + tc backward: NMC_SCAN_ELEM unset == rows (y and dxbc bit for bit)");
}

inline void tests() {
    setenv("NMC_SCAN_ELEM", "old", 1);     // "flat" below: the old kernels; rows_vs_flat sets rows
    default_case({2, 130, 8, 64, 4, 128}, 8);
    one_case({1, 100, 4, 64, 2, 16}, 1);   // L not a multiple of Q = 64, groups > 1
    one_case({2, 40, 4, 64, 1, 64}, 2);    // L < Q, batch > 1, one group
    one_case({2, 130, 8, 64, 4, 128}, 3);  // three chunks, batch > 1, state 128
    one_case({1, 256, 2, 64, 1, 128}, 4);  // L a multiple of Q, four chunks
    one_case({1, 77, 3, 24, 3, 256}, 5);   // odd head_dim and strides, one head per group, state 256
    one_case({3, 1, 2, 64, 2, 16}, 6);     // one token
    rows_case({1, 77, 3, 5, 3, 7}, 7);     // head_dim and conv_dim not multiples of 4: the rows' scalar path
    timing();
    unsetenv("NMC_SCAN_ELEM");
}

}  // namespace scan_test
