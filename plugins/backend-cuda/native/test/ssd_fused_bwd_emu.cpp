// The experimental fused SSD backward (src/kernels/ssd_fused_bwd.cu) on the CPU: the fused
// forward's states and pass kernels (ssd_fused.cu) leave sin and the decays, then the backward's
// three launches; against the double adjoint recurrence sref::sequential_backward
// (test/ssd_reference.h). `make emu-ssd-bwd`. Error: max |got - want| / max |want| per tensor.
#include "cuda_host_emu.h"

#include <cstring>
#include <random>
#include <string>

#include "ssd_reference.h"

namespace nmc::k {
#include "ssd_fused_args.inc"
#include "ssd_fused_kernels.inc"
#include "ssd_fused_bwd_kernels.inc"
}  // namespace nmc::k

using sref::Vec;
using namespace nmc::k;

static int failures = 0;

static Vec cols(const Vec &v, int cd, int from, int to) {  // columns [from, to) of rows of cd
    Vec out;
    for (size_t r = 0; r < v.size() / cd; r++) out.insert(out.end(), v.begin() + r * cd + from, v.begin() + r * cd + to);
    return out;
}

static void run(const sref::Shape &s, uint32_t seed) {
    std::mt19937 g(seed);
    std::normal_distribution<float> nd(0, 1);
    std::uniform_real_distribution<float> u(0.001f, 0.2f), la(std::log(0.05f), std::log(8.0f));
    const size_t R = (size_t)s.B * s.L, HP = (size_t)s.H * s.P;
    const int cd = s.conv();
    Vec xbc(R * cd), dt(R * s.H), al(s.H), d(s.H), dy(R * HP);
    for (size_t i = 0; i < xbc.size(); i++) xbc[i] = nd(g) * ((int)(i % cd) < (int)HP ? 1.0f : 0.5f);
    for (int h = 0; h < s.H; h++) al[h] = la(g), d[h] = nd(g);
    for (auto &v : dt) v = u(g);
    for (auto &v : dy) v = nd(g);
    sref::Grads want = sref::sequential_backward(s, xbc, dt, al, d, dy);

    // forward states + pass: sin, decay (as ssd_fused lays them out)
    SsdArgs f{};
    f.batch = s.B, f.seq_len = s.L, f.heads = s.H, f.head_dim = s.P, f.groups = s.G, f.state = s.N;
    f.x = xbc.data(), f.x_stride = cd, f.b = xbc.data() + HP, f.c = xbc.data() + HP + s.G * s.N, f.bc_stride = cd;
    f.dt = dt.data(), f.dt_stride = s.H, f.a_log = al.data(), f.d = d.data();
    const int nc = (s.L + SQ - 1) / SQ, PP = ssd_r16(s.P), NP = ssd_r16(s.N);
    const int64_t n = (int64_t)s.B * nc * s.H * PP * NP;
    std::vector<float> ws(n + s.B * nc * s.H + 64, std::nanf(""));
    bf16 *local = reinterpret_cast<bf16 *>(ws.data()), *sin = local + n;
    float *decay = ws.data() + n;
    launch(dim3m{(unsigned)nc, (unsigned)s.H, (unsigned)s.B}, SWARPS * 32, [&] { ssd_states_kernel(f, local, decay); });
    const int64_t entries = (int64_t)s.B * s.H * s.P * s.N;
    gridDim = {(unsigned)((entries + 255) / 256), 1, 1};
    blockDim = {256, 1, 1};
    for (unsigned bx = 0; bx < gridDim.x; bx++)
        for (unsigned tx = 0; tx < 256; tx++) {
            blockIdx = {bx, 0, 0}, threadIdx = {tx, 0, 0};
            ssd_pass_kernel(f, nc, local, sin, decay);
        }
    // backward
    Vec dxbc(R * cd, 0.0f), ddt(R * s.H, std::nanf("")), dal(s.H, 0.0f), dd(s.H, 0.0f), dsd((size_t)entries * nc);
    for (size_t r = 0; r < R; r++)
        for (int j = 0; j < (int)HP; j++) dxbc[r * cd + j] = std::nanf("");  // x columns: written
    SsdBwdArgs a{s.B, s.L, s.H, s.P, s.G, s.N, nc, xbc.data(), cd, dt.data(), al.data(), d.data(), dy.data(),
                 sin, decay, dsd.data(), dxbc.data(), ddt.data(), dal.data(), dd.data()};
    const dim3m grid{(unsigned)nc, (unsigned)s.H, (unsigned)s.B};
    launch(grid, 256, [&] { ssd_bwd_dstate_kernel(a); });
    gridDim = {(unsigned)((entries + 255) / 256), 1, 1};
    blockDim = {256, 1, 1};
    for (unsigned bx = 0; bx < gridDim.x; bx++)
        for (unsigned tx = 0; tx < 256; tx++) {
            blockIdx = {bx, 0, 0}, threadIdx = {tx, 0, 0};
            ssd_bwd_pass_kernel(a);
        }
    launch(grid, 256, [&] { ssd_bwd_grad_kernel(a); });
    const int gn = s.G * s.N;
    double ex = sref::rel_error(cols(dxbc, cd, 0, HP), cols(want.dxbc, cd, 0, HP));
    double eb = sref::rel_error(cols(dxbc, cd, HP, HP + gn), cols(want.dxbc, cd, HP, HP + gn));
    double ec = sref::rel_error(cols(dxbc, cd, HP + gn, cd), cols(want.dxbc, cd, HP + gn, cd));
    double et = sref::rel_error(ddt, want.ddt), ea = sref::rel_error(dal, want.da_log), ed = sref::rel_error(dd, want.dd), tol = 2e-2;
    bool ok = ex <= tol && eb <= tol && ec <= tol && et <= tol && ea <= tol && ed <= tol;
    printf("%s emulated fused ssd backward B%d L%d H%d P%d G%d N%d: dx %.2e dB %.2e dC %.2e ddt %.2e dA_log %.2e dD %.2e (tol %.0e)\n",
           ok ? "PASS" : "FAIL", s.B, s.L, s.H, s.P, s.G, s.N, ex, eb, ec, et, ea, ed, tol);
    fflush(stdout);
    if (!ok) failures++;
}

int main() {
    std::vector<sref::Shape> shapes = {{1, 64, 2, 4, 1, 4},   {1, 100, 4, 8, 2, 16}, {2, 130, 4, 8, 2, 32},
                                       {1, 77, 3, 5, 3, 7},    {2, 1, 2, 4, 2, 4},    {1, 200, 4, 16, 1, 16},
                                       {1, 130, 4, 64, 2, 128}};  // the hybrid1b head, two groups
    uint32_t seed = 11;
    for (auto &s : shapes) run(s, seed++);
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
