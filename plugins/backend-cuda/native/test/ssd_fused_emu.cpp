// The tensor-core SSD forwards on the CPU: ssd_fused (src/kernels/ssd_fused.cu) and ssd2
// (src/kernels/ssd2.cu), their kernels' text run through the CUDA host emulation
// (test/cuda_host_emu.h: fibers, WMMA with BF16 operands), the three launches as ssd_fused and
// ssd2 make them, against the double recurrence (test/ssd_reference.h) with an initial state and
// the final state. `make emu-ssd`. Error: max |got - want| / max |want| per tensor; bound 1e-2
// (BF16 operands; measured 1e-3 to 4e-3). Shapes with P, N, strides multiples of 4 take ssd2's
// 16-byte load paths, the others (P 5, N 7) its scalar ones.
#include "cuda_host_emu.h"

#include <random>
#include <cstring>
#include <string>

#include "ssd_reference.h"

namespace nmc::k {
#include "ssd_fused_args.inc"
#include "ssd_fused_kernels.inc"
#include "ssd2_kernels.inc"
}  // namespace nmc::k

using sref::Vec;
using namespace nmc::k;

static int failures = 0;

// 32-byte aligned device-like buffer (WMMA stores into the workspace)
struct Buf {
    std::unique_ptr<float, decltype(&free)> p{nullptr, &free};
    explicit Buf(size_t n) : p(static_cast<float *>(aligned_alloc(128, (n * 4 + 127) / 128 * 128)), &free) {
        std::fill_n(p.get(), n, std::nanf(""));
    }
};

// the three launches of ssd_fused (host part of ssd_fused.cu)
// hpb: heads per block of the output kernel (0: all of a group's heads)
static void fused(const SsdArgs &s, float *ws, int hpb = 0) {
    if (hpb == 0) hpb = s.heads / s.groups;
    const int nc = (s.seq_len + SQ - 1) / SQ, PP = ssd_r16(s.head_dim), NP = ssd_r16(s.state);
    const int64_t n = (int64_t)s.batch * nc * s.heads * PP * NP;
    bf16 *local = reinterpret_cast<bf16 *>(ws), *sin = local + n;
    float *decay = ws + n;
    dim3m grid{(unsigned)nc, (unsigned)s.heads, (unsigned)s.batch};
    launch(grid, SWARPS * 32, [&] { ssd_states_kernel(s, local, decay); });
    const int64_t entries = (int64_t)s.batch * s.heads * s.head_dim * s.state;
    gridDim = {(unsigned)((entries + 255) / 256), 1, 1};
    blockDim = {256, 1, 1};
    for (unsigned bx = 0; bx < gridDim.x; bx++)  // no barriers: one thread after another
        for (unsigned tx = 0; tx < 256; tx++) {
            blockIdx = {bx, 0, 0};
            threadIdx = {tx, 0, 0};
            ssd_pass_kernel(s, nc, local, sin, decay);
        }
    dim3m ogrid{(unsigned)nc, (unsigned)(s.heads / hpb), (unsigned)s.batch};
    launch(ogrid, SWARPS * 32, [&] { ssd_output_kernel(s, sin, hpb); });
}

// the three launches of ssd2 (host part of ssd2.cu)
static void split(const SsdArgs &s, float *ws) {
    const int nc = (s.seq_len + T2Q - 1) / T2Q, PP = t2_r16(s.head_dim), NP = t2_r16(s.state);
    const int64_t n = (int64_t)s.batch * nc * s.heads * PP * NP;
    bf16 *local = reinterpret_cast<bf16 *>(ws), *sin = local + n;
    float *decay = ws + n;
    auto a16 = [](const void *p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; };
    int vflags = 0;
    if (s.head_dim % 4 == 0 && s.x_stride % 4 == 0 && a16(s.x)) vflags |= T2V_X;
    if (s.state % 4 == 0 && s.bc_stride % 4 == 0 && a16(s.b) && a16(s.c)) vflags |= T2V_BC;
    if (s.head_dim % 4 == 0 && s.y_stride % 4 == 0 && a16(s.y)) vflags |= T2V_Y;
    dim3m grid{(unsigned)nc, (unsigned)s.heads, (unsigned)s.batch};
    launch(grid, T2T, [&] { t2_states_kernel(s, local, decay, vflags); });
    const int64_t pairs = (int64_t)s.batch * s.heads * PP * NP / 2;
    gridDim = {(unsigned)((pairs + 255) / 256), 1, 1};
    blockDim = {256, 1, 1};
    for (unsigned bx = 0; bx < gridDim.x; bx++)  // no barriers: one thread after another
        for (unsigned tx = 0; tx < 256; tx++) {
            blockIdx = {bx, 0, 0};
            threadIdx = {tx, 0, 0};
            t2_pass_kernel(s, nc, local, sin, decay);
        }
    launch(grid, T2T, [&] { t2_output_kernel(s, sin, vflags); });
}

struct Case {
    sref::Shape s;
    bool init, dt_bias;
    int seg = 0;  // > 0: in segments of seg tokens, each from the state the last left (forward.cu prefill_scan)
};

static void run(const Case &cs, uint32_t seed, bool two) {
    const sref::Shape &s = cs.s;
    std::mt19937 g(seed);
    std::normal_distribution<float> nd(0, 1);
    std::uniform_real_distribution<float> u(0.001f, 0.2f), la(std::log(0.05f), std::log(8.0f)), raw(-4.0f, 1.0f);
    const size_t R = (size_t)s.B * s.L, HP = (size_t)s.H * s.P, SN = (size_t)s.B * HP * s.N;
    const int cd = s.conv();
    Vec xbc(R * cd), dt(R * s.H), dtraw(R * s.H), bias(s.H), al(s.H), a(s.H), d(s.H), init;
    for (size_t i = 0; i < xbc.size(); i++) xbc[i] = nd(g) * ((int)(i % cd) < (int)HP ? 1.0f : 0.5f);
    for (int h = 0; h < s.H; h++) al[h] = la(g), a[h] = -std::exp(al[h]), d[h] = nd(g), bias[h] = raw(g);
    const float lo = 0.001f, hi = 0.5f;
    for (size_t i = 0; i < dt.size(); i++) {
        dt[i] = u(g);
        dtraw[i] = raw(g);
        if (cs.dt_bias) {  // the final dt the reference sees, as the kernel computes it
            float v = dtraw[i] + bias[i % s.H];
            v = v > 20.0f ? v : log1pf(expf(v));
            dt[i] = std::min(std::max(v, lo), hi);
        }
    }
    if (cs.init) {
        init.resize(SN);
        for (auto &v : init) v = nd(g);
    }
    Vec final_want;
    Vec want = sref::sequential_scan(s, xbc, dt, al, d, init, &final_want);

    SsdArgs a_{};
    a_.batch = s.B, a_.seq_len = s.L, a_.heads = s.H, a_.head_dim = s.P, a_.groups = s.G, a_.state = s.N;
    a_.x = xbc.data(), a_.x_stride = cd, a_.b = xbc.data() + HP, a_.c = xbc.data() + HP + s.G * s.N, a_.bc_stride = cd;
    a_.dt = cs.dt_bias ? dtraw.data() : dt.data(), a_.dt_stride = s.H;
    a_.dt_bias = cs.dt_bias ? bias.data() : nullptr, a_.dt_min = lo, a_.dt_max = hi;
    if (cs.dt_bias) a_.a = a.data();  // inference passes A, the trainer A_log
    else a_.a_log = al.data();
    a_.d = d.data();
    Vec y(R * HP, std::nanf("")), fin(SN, std::nanf(""));
    a_.y = y.data(), a_.y_stride = HP;
    if (cs.init) fin = init;  // in place, as the session's slot state
    a_.init = cs.init ? fin.data() : nullptr;
    a_.final_state = fin.data();
    const int nc = (s.L + SQ - 1) / SQ;
    Buf ws((size_t)s.B * nc * s.H * (ssd_r16(s.P) * ssd_r16(s.N) + 1));
    if (cs.seg > 0) {  // one sequence (B = 1), rows offset as prefill_scan offsets them
        for (int t0 = 0; t0 < s.L; t0 += cs.seg) {
            SsdArgs p = a_;
            p.seq_len = std::min(cs.seg, s.L - t0);
            p.x += (int64_t)t0 * p.x_stride, p.b += (int64_t)t0 * p.bc_stride, p.c += (int64_t)t0 * p.bc_stride;
            p.dt += (int64_t)t0 * p.dt_stride, p.y += (int64_t)t0 * p.y_stride;
            p.init = fin.data();  // every segment continues from the state (the first: init or zeros)
            if (t0 == 0 && !cs.init) std::fill(fin.begin(), fin.end(), 0.0f);
            if (two) split(p, ws.p.get());
            else fused(p, ws.p.get());
        }
    } else if (two) {
        split(a_, ws.p.get());
    } else {
        fused(a_, ws.p.get());
    }
    double ey = sref::rel_error(y, want), es = sref::rel_error(fin, final_want), tol = 1e-2;
    bool ok = ey <= tol && es <= tol;
    std::string same;
    if (s.H > s.G && cs.seg == 0 && !two) {  // one head a block (no sharing of C B^T): the same y, bit for bit
        Vec y1(R * HP, std::nanf("")), fin1 = cs.init ? init : Vec(SN);
        SsdArgs a1 = a_;
        a1.y = y1.data(), a1.init = cs.init ? fin1.data() : nullptr, a1.final_state = fin1.data();
        fused(a1, ws.p.get(), 1);
        bool eq = std::memcmp(y.data(), y1.data(), y.size() * 4) == 0;
        ok = ok && eq;
        same = eq ? ", hpb 1 == hpb " + std::to_string(s.H / s.G) : ", hpb 1 DIFFERS from hpb " + std::to_string(s.H / s.G);
    }
    std::string seg = cs.seg > 0 ? " segments of " + std::to_string(cs.seg) : "";
    printf("%s emulated %s B%d L%d H%d P%d G%d N%d%s%s%s: y %.2e final state %.2e (tol %.0e)%s\n", ok ? "PASS" : "FAIL", two ? "ssd2" : "fused ssd",
           s.B, s.L, s.H, s.P, s.G, s.N, cs.init ? " init" : "", cs.dt_bias ? " dt_bias" : "", seg.c_str(), ey, es, tol,
           same.c_str());
    fflush(stdout);
    if (!ok) failures++;
}

int main(int argc, char **argv) {
    bool big = argc > 1 && std::string(argv[1]) == "--9b";
    std::vector<Case> cases = {{{1, 100, 4, 16, 2, 16}, false, false}, {{2, 40, 4, 8, 1, 8}, true, false},
                               {{2, 130, 4, 8, 2, 32}, true, true},   {{1, 128, 2, 16, 1, 16}, false, true},
                               {{1, 77, 3, 5, 3, 7}, true, false},     {{3, 1, 2, 4, 2, 4}, true, true},
                               {{1, 70, 4, 64, 2, 128}, false, false}, {{1, 90, 16, 80, 2, 128}, true, true},
                               {{1, 300, 4, 16, 2, 32}, true, true, 128},   {{1, 150, 2, 8, 1, 16}, false, false, 64}};
    if (big) cases.push_back({{1, 70, 128, 80, 8, 128}, true, true});  // Nano-9B-v2's mamba heads
    uint32_t seed = 1;
    for (auto &c : cases) {
        run(c, seed, false);
        run(c, seed++, true);
    }
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
