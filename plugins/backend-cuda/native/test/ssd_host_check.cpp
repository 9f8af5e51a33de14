// Host-only check of test/ssd_reference.h (no GPU): the chunked SSD form against the sequential
// recurrence (y and every gradient), and the sequential backward against central finite
// differences of loss = sum(dy * y). Build and run:
//   g++ -std=c++17 -O2 -Wall test/ssd_host_check.cpp -o /tmp/ssd_host_check && /tmp/ssd_host_check
#include <cstdio>
#include <random>
#include <string>

#include "ssd_reference.h"

using sref::Vec;

static int failures = 0;

static void expect(double err, double tol, const std::string &what) {
    bool ok = err <= tol;
    printf("%s %s: max err %.3g (tol %.1g)\n", ok ? "PASS" : "FAIL", what.c_str(), err, tol);
    if (!ok) failures++;
}

static Vec randn(size_t n, std::mt19937 &g, float sc) {
    std::normal_distribution<float> d(0, sc);
    Vec v(n);
    for (auto &x : v) x = d(g);
    return v;
}

static double loss(const sref::Shape &s, const Vec &xbc, const Vec &dt, const Vec &al, const Vec &d, const Vec &dy) {
    Vec y = sref::sequential_forward(s, xbc, dt, al, d);
    double l = 0;
    for (size_t i = 0; i < y.size(); i++) l += (double)y[i] * dy[i];
    return l;
}

int main() {
    struct Case { sref::Shape s; int Q; };
    Case cases[] = {{{1, 13, 4, 3, 2, 5}, 4}, {{2, 9, 4, 2, 1, 3}, 4}, {{1, 3, 2, 2, 2, 4}, 8}, {{2, 16, 6, 4, 3, 6}, 4},
                    {{1, 70, 4, 8, 2, 16}, 64}};
    for (auto &cs : cases) {
        const sref::Shape &s = cs.s;
        std::mt19937 g(7 + s.L);
        Vec xbc = randn((size_t)s.B * s.L * s.conv(), g, 0.5f), dy = randn((size_t)s.B * s.L * s.H * s.P, g, 1.0f);
        Vec dt((size_t)s.B * s.L * s.H), al(s.H), d = randn(s.H, g, 1.0f);
        std::uniform_real_distribution<float> u(0.001f, 0.3f);
        for (auto &x : dt) x = u(g);
        for (int h = 0; h < s.H; h++) al[h] = std::log(1.0f + h);
        char name[96];
        snprintf(name, sizeof name, "B%d L%d H%d P%d G%d N%d Q%d", s.B, s.L, s.H, s.P, s.G, s.N, cs.Q);
        Vec ys = sref::sequential_forward(s, xbc, dt, al, d);
        sref::Grads gs = sref::sequential_backward(s, xbc, dt, al, d, dy);
        sref::Chunked ch(s, cs.Q);
        Vec yc = ch.forward(xbc, dt, al, d);
        sref::Grads gc = ch.backward(d, dy);
        std::string n(name);
        expect(sref::rel_error(yc, ys), 1e-6, n + " chunked y");
        expect(sref::rel_error(gc.dxbc, gs.dxbc), 1e-6, n + " chunked dxbc");
        expect(sref::rel_error(gc.ddt, gs.ddt), 1e-6, n + " chunked ddt");
        expect(sref::rel_error(gc.da_log, gs.da_log), 1e-6, n + " chunked dA_log");
        expect(sref::rel_error(gc.dd, gs.dd), 1e-6, n + " chunked dD");
        // finite differences of the sequential forward, a few coordinates of each input
        double worst = 0, scale = 1e-30;
        auto fd = [&](Vec &v, size_t i, double analytic) {
            float keep = v[i];
            float e = std::max(1e-3f, std::fabs(keep) * 1e-3f);
            v[i] = keep + e;
            double lp = loss(s, xbc, dt, al, d, dy);
            v[i] = keep - e;
            double lm = loss(s, xbc, dt, al, d, dy);
            v[i] = keep;
            double num = (lp - lm) / (2.0 * ((double)(keep + e) - keep));
            worst = std::max(worst, std::fabs(num - analytic));
            scale = std::max(scale, std::fabs(analytic));
        };
        for (size_t i = 0; i < xbc.size(); i += 7) fd(xbc, i, gs.dxbc[i]);
        for (size_t i = 0; i < dt.size(); i += 3) fd(dt, i, gs.ddt[i]);
        for (int h = 0; h < s.H; h++) fd(al, h, gs.da_log[h]);
        for (int h = 0; h < s.H; h++) fd(d, h, gs.dd[h]);
        expect(worst / scale, 2e-3, n + " sequential backward vs finite differences");
    }
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
