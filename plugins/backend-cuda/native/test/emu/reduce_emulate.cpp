// train_reduce.cu's kernels run on the CPU (test/emu/reduce_run.sh) against double references of
// the gradients they compute (the formulas of the sequential kernels they replaced), on shapes
// whose rows, columns and time steps are not multiples of the 32 x 32 blocks, with row strides
// wider than the rows and accumulation into nonzero gradients; each result's max error relative
// to its largest reference value, and a second run bit for bit equal to the first.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include EMU_REDUCE
#include "../train_reduce_reference.h"

using Vec = std::vector<float>;
using DVec = std::vector<double>;
static int failures = 0;

static double rel(const Vec &got, const DVec &want) {
    double norm = 1e-30, worst = 0;
    for (double w : want) norm = std::max(norm, std::fabs(w));
    for (size_t i = 0; i < got.size(); i++) {
        double e = std::fabs((double)got[i] - want[i]) / norm;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    return worst;
}

static void report(bool ok, const std::string &what) {
    printf("%s %s%s\n", ok ? "PASS" : "FAIL", what.c_str(), emu::last_error.empty() ? "" : (" " + emu::last_error).c_str());
    fflush(stdout);
    if (!ok) failures++;
}

static Vec randn(std::mt19937 &g, size_t n, float s = 1.0f) {
    std::normal_distribution<float> nd(0, s);
    Vec v(n);
    for (auto &x : v) x = nd(g);
    return v;
}

// conv1d (depthwise, causal, K taps, silu): din, dw, dbias; in and dout with row strides
static void conv_case(int B, int L, int C, int K, bool with_bias, uint32_t seed) {
    namespace kt = nmc::k::train;
    std::mt19937 g(seed);
    const int in_ld = C + 3, dout_ld = C + 1, din_ld = C + 5;
    Vec in = randn(g, (size_t)B * L * in_ld), w = randn(g, (size_t)C * K, 0.5f), bias = randn(g, C, 0.3f),
        dout = randn(g, (size_t)B * L * dout_ld), dw0 = randn(g, (size_t)C * K), db0 = randn(g, C);
    DVec din_r((size_t)B * L * din_ld, 0.0), dw_r(dw0.begin(), dw0.end()), db_r(db0.begin(), db0.end());
    rref::conv_backward(B, L, C, K, in, in_ld, w, with_bias ? &bias : nullptr, dout, dout_ld, din_r, din_ld, dw_r,
                        with_bias ? &db_r : nullptr);
    Vec din[2], dw[2], db[2];
    bool ok = true;
    for (int run = 0; run < 2; run++) {
        din[run].assign(din_r.size(), 0.0f);
        dw[run] = dw0;
        db[run] = db0;
        ok &= kt::conv_backward(in.data(), in_ld, w.data(), with_bias ? bias.data() : nullptr, dout.data(), dout_ld, B, L,
                                C, K, din[run].data(), din_ld, dw[run].data(), with_bias ? db[run].data() : nullptr,
                                nullptr) == NMC_OK;
    }
    double e[3] = {rel(din[0], din_r), rel(dw[0], dw_r), with_bias ? rel(db[0], db_r) : 0.0};
    bool same = din[0] == din[1] && dw[0] == dw[1] && db[0] == db[1];
    ok &= e[0] <= 1e-5 && e[1] <= 1e-5 && e[2] <= 1e-5 && same;
    char line[256];
    snprintf(line, sizeof line, "emulated conv_backward B%d L%d C%d K%d%s: din %.2e dw %.2e dbias %.2e (tol 1e-5)%s", B, L,
             C, K, with_bias ? " bias" : "", e[0], e[1], e[2], same ? ", repeat bit for bit" : ", REPEAT DIFFERS");
    report(ok, line);
}

// grouped RMSNorm backward: dx (= and +=), dw +=
static void rms_case(int rows, int dim, int groups, uint32_t seed) {
    namespace kt = nmc::k::train;
    std::mt19937 g(seed);
    const int gs = dim / groups;
    Vec x = randn(g, (size_t)rows * dim), w = randn(g, dim), dy = randn(g, (size_t)rows * dim), dw0 = randn(g, dim),
        dx0 = randn(g, (size_t)rows * dim), rstd((size_t)rows * groups);
    for (int r = 0; r < rows; r++)
        for (int q = 0; q < groups; q++) {
            double ss = 0;
            for (int c = 0; c < gs; c++) ss += (double)x[(size_t)r * dim + q * gs + c] * x[(size_t)r * dim + q * gs + c];
            rstd[(size_t)r * groups + q] = (float)(1.0 / std::sqrt(ss / gs + 1e-5));
        }
    DVec dx_r((size_t)rows * dim), dw_r(dw0.begin(), dw0.end());
    rref::rms_backward(rows, dim, groups, x, w, rstd, dy, &dx0, dx_r, dw_r);
    Vec dx = dx0, dw = dw0;
    bool ok = kt::rms_backward(x.data(), w.data(), rstd.data(), dy.data(), rows, dim, groups, dx.data(), true, dw.data(),
                               nullptr) == NMC_OK;
    double e[2] = {rel(dx, dx_r), rel(dw, dw_r)};
    ok &= e[0] <= 1e-5 && e[1] <= 1e-5;
    char line[256];
    snprintf(line, sizeof line, "emulated rms_backward rows %d dim %d groups %d: dx %.2e dw %.2e (tol 1e-5)", rows, dim,
             groups, e[0], e[1]);
    report(ok, line);
}

// dt = clamp(softplus(raw + bias)): draw (strided rows), dbias +=; bias_backward on the same layout
static void dt_bias_case(int rows, int heads, float lo, float hi, uint32_t seed) {
    namespace kt = nmc::k::train;
    std::mt19937 g(seed);
    const int ld = heads + 7;
    Vec raw = randn(g, (size_t)rows * ld, 2.0f), bias = randn(g, heads), ddt = randn(g, (size_t)rows * heads),
        db0 = randn(g, heads);
    DVec draw_r((size_t)rows * ld, 0.0), db_r(db0.begin(), db0.end()), colsum_r(db0.begin(), db0.end());
    int clamped = rref::dt_backward(rows, heads, ld, lo, hi, raw, bias, ddt, draw_r, db_r);
    for (int r = 0; r < rows; r++)
        for (int h = 0; h < heads; h++) colsum_r[h] += raw[(size_t)r * ld + h];
    Vec draw(draw_r.size(), 0.0f), db = db0, cs = db0;
    bool ok = kt::dt_backward(raw.data(), ld, bias.data(), ddt.data(), rows, heads, lo, hi, draw.data(), db.data(),
                              nullptr) == NMC_OK &&
              kt::bias_backward(raw.data(), ld, rows, heads, cs.data(), nullptr) == NMC_OK;
    double e[3] = {rel(draw, draw_r), rel(db, db_r), rel(cs, colsum_r)};
    ok &= e[0] <= 1e-5 && e[1] <= 1e-5 && e[2] <= 1e-5 && (clamped > 0 || !(lo > 0.0f));  // a clamping range must clamp some
    char line[256];
    snprintf(line, sizeof line, "emulated dt_backward/bias_backward rows %d heads %d (%d clamped): draw %.2e dbias %.2e colsum %.2e (tol 1e-5)",
             rows, heads, clamped, e[0], e[1], e[2]);
    report(ok, line);
}

int main() {
    conv_case(2, 70, 40, 4, true, 1);
    conv_case(1, 5, 33, 4, false, 2);   // fewer steps than lanes: chunks of 1 step
    conv_case(3, 33, 7, 3, true, 3);
    conv_case(1, 129, 64, 8, true, 4);
    rms_case(70, 48, 2, 5);
    rms_case(37, 100, 1, 6);
    dt_bias_case(70, 40, 0.05f, 3.0f, 7);
    dt_bias_case(33, 64, 0.0f, INFINITY, 8);
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
