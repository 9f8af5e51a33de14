// The host wiring of NMC_FP8_QUANT=fused in src/train_linear_lt.cu, on the CPU (test/emu/fp8_quant_run.sh
// wiring): the real file compiled by g++ against host stand-ins for what it calls (work buffers in
// host memory, a cuBLASLt that records each GEMM's operands, the quantisers as their header contracts
// in fp8_lt.h, scale strides of a layout with padding so that so and sk never coincide). A linear
// layer's forward, data-gradient and weight-gradient GEMMs today (lt_linear_fwd, lt_linear_dx,
// lt_linear_dw) against fused (lt_linear_fwd with fused, lt_linear_bwd; also lt_linear_bwd with no
// forward before it), over two weight versions, on ragged shapes: every GEMM must receive the same
// operands (each code, each scale by its logical index), contraction, beta and output.
// The quantisers' kernels meet those contracts bit for bit: test/emu/fp8_quant_emulate.cpp.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../../src/train_linear_lt.h"
#include "../../src/gemm_lt.h"
#include "../../src/kernels/fp8_lt.h"
#include "../train_reference.h"

// ---- stand-ins ----
extern "C" cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
extern "C" cudaError_t cudaStreamIsCapturing(cudaStream_t, cudaStreamCaptureStatus *s) {
    *s = cudaStreamCaptureStatusNone;
    return cudaSuccess;
}

namespace nmc {
bool env_flag(const char *, bool fallback) { return fallback; }
int fail(const std::string &m) {
    fprintf(stderr, "error: %s\n", m.c_str());
    return NMC_ERR;
}
const LtInfo &lt_info(int) {
    static LtInfo info = [] {
        LtInfo i;
        i.available = i.vec_vec = i.ragged_outer = true;
        return i;
    }();
    return info;
}
static int64_t up4(int64_t v) { return (v + 3) / 4 * 4; }
// VEC128: the row index fastest, stride = rows rounded to 4; BLK128: the K block fastest, rounded to 4
void lt_scale_strides(int mode, int outer, int kb, int64_t *so, int64_t *sk) {
    if (mode == LT_VEC128) *so = 1, *sk = up4(outer);
    else *so = up4(kb), *sk = 1;
}
int64_t lt_scale_count(int mode, int outer, int kb) {
    return mode == LT_VEC128 ? up4(outer) * kb : (int64_t)(outer + 127) / 128 * up4(kb);
}

struct Call {  // one recorded GEMM: operands by logical index
    std::vector<uint8_t> codes[2];
    std::vector<float> scales[2];
    int outer[2], mode[2], k_pad;
    float beta;
    const float *d;
    int64_t ldd;
    bool operator==(const Call &o) const {
        for (int i = 0; i < 2; i++)
            if (codes[i] != o.codes[i] || memcmp(scales[i].data(), o.scales[i].data(), scales[i].size() * 4) != 0 ||
                scales[i].size() != o.scales[i].size() || outer[i] != o.outer[i] || mode[i] != o.mode[i])
                return false;
        return k_pad == o.k_pad && beta == o.beta && d == o.d && ldd == o.ldd;
    }
};
static std::vector<Call> g_log;
// the work buffers ensure() made; a write or read outside them is counted, not made
static std::vector<std::pair<const char *, size_t>> g_bufs;
static long g_outside = 0;
static bool inside(const void *p, size_t bytes) {
    const char *c = static_cast<const char *>(p);
    for (auto &b : g_bufs)
        if (c >= b.first && c + bytes <= b.first + b.second) return true;
    g_outside++;
    return false;
}

int lt_fp8_gemm(int, cudaStream_t, void *, size_t, const LtOperand &a, const LtOperand &b, int k_pad, float beta, float *d,
                int64_t ldd, std::string *) {
    Call g;
    const LtOperand *ops[2] = {&a, &b};
    for (int i = 0; i < 2; i++) {
        const LtOperand &o = *ops[i];
        int kb = k_pad / 128, ob = o.mode == LT_VEC128 ? o.outer : (o.outer + 127) / 128;
        int64_t so, sk;
        lt_scale_strides(o.mode, o.outer, kb, &so, &sk);
        g.codes[i].assign(o.codes, o.codes + (size_t)o.outer * k_pad);
        inside(o.codes, (size_t)o.outer * k_pad);
        for (int r = 0; r < ob; r++)
            for (int k = 0; k < kb; k++) g.scales[i].push_back(inside(&o.scales[r * so + k * sk], 4) ? o.scales[r * so + k * sk] : NAN);
        g.outer[i] = o.outer, g.mode[i] = o.mode;
    }
    g.k_pad = k_pad, g.beta = beta, g.d = d, g.ldd = ldd;
    g_log.push_back(g);
    return NMC_OK;
}

namespace train {
int ensure(Buf &b, size_t bytes) {  // host memory; contents lost (garbage) when it grows
    if (b.bytes >= bytes) return NMC_OK;
    free(b.p);
    for (auto &e : g_bufs)
        if (e.first == b.p) e.second = 0;
    b.p = malloc(bytes);
    memset(b.p, 0xCD, bytes);
    g_bufs.emplace_back(static_cast<const char *>(b.p), bytes);
    b.bytes = bytes;
    return NMC_OK;
}
}  // namespace train

namespace k::fp8lt {
// the contract of fp8_lt.h: tiles of br x bc from the top-left, codes out[r * ldo + c] (or transposed),
// padding to rows_pad x cols_pad with code 0 and no part in the amax, scale of tile (rb, cb) at
// scales[rb * s_rb + cb * s_cb]; amax, scale and code as fp8_block.cuh
int quantize_tiles(const float *x, int64_t ld, int rows, int cols, int br, int bc, bool t, int rows_pad, int cols_pad,
                   uint8_t *out, int64_t ldo, float *scales, int64_t s_rb, int64_t s_cb, cudaStream_t) {
    for (int rb = 0; rb * br < rows_pad; rb++)
        for (int cb = 0; cb * bc < cols_pad; cb++) {
            int r1 = std::min(rows_pad, (rb + 1) * br), c1 = std::min(cols_pad, (cb + 1) * bc);
            float amax = 0;
            for (int r = rb * br; r < std::min(r1, rows); r++)
                for (int c = cb * bc; c < std::min(c1, cols); c++) {
                    float a = std::fabs(x[(int64_t)r * ld + c]);
                    if (a <= 3.4e38f) amax = std::max(amax, a);
                }
            float s = (float)((double)amax / 448.0);
            if (s == 0.0f) s = 1.0f;
            if (inside(&scales[rb * s_rb + cb * s_cb], 4)) scales[rb * s_rb + cb * s_cb] = s;
            for (int r = rb * br; r < r1; r++)
                for (int c = cb * bc; c < c1; c++) {
                    uint8_t q = r < rows && c < cols ? tref::e4m3_encode((double)(x[(int64_t)r * ld + c] / s)) : 0;
                    uint8_t *at = t ? &out[(int64_t)c * ldo + r] : &out[(int64_t)r * ldo + c];
                    if (inside(at, 1)) *at = q;
                }
        }
    return NMC_OK;
}
int quantize_cols_transposed(const float *x, int64_t ld, int rows, int cols, uint8_t *out, int64_t ldo, float *scales,
                             int64_t s_rb, int64_t s_c, cudaStream_t st) {
    return quantize_tiles(x, ld, rows, cols, 128, 1, true, (rows + 127) / 128 * 128, cols, out, ldo, scales, s_rb, s_c, st);
}
int quantize_dual(const float *x, int64_t ld, int rows, int cols, bool block, uint8_t *out_r, int64_t ld_r, float *scales_r,
                  int64_t sr_r, int64_t sr_c, uint8_t *out_t, int64_t ld_t, float *scales_t, int64_t st_r, int64_t st_c,
                  cudaStream_t st) {
    const int rp = (rows + 127) / 128 * 128, cp = (cols + 127) / 128 * 128;
    NMC_TRY(quantize_tiles(x, ld, rows, cols, block ? 128 : 1, 128, false, rows, cp, out_r, ld_r, scales_r, sr_r, sr_c, st));
    return quantize_tiles(x, ld, rows, cols, 128, block ? 128 : 1, true, rp, cols, out_t, ld_t, scales_t, st_r, st_c, st);
}
}  // namespace k::fp8lt
}  // namespace nmc

// ---- the check ----
using namespace nmc;
using namespace nmc::train;

static int failures = 0;

static void report(bool ok, const std::string &what) {
    printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
    fflush(stdout);
    if (!ok) failures++;
}

static std::vector<float> randn(size_t n, uint32_t seed, float scale) {
    std::mt19937 g(seed);
    std::normal_distribution<float> nd(0.0f, scale);
    std::vector<float> v(n);
    for (float &f : v) f = nd(g);
    return v;
}

// ways: 0 today (fwd, dx, dw); 1 fused (fwd fused, bwd); 2 fused backward with no forward (bwd only;
// the forward's GEMM recorded after it from the copy lt_linear_bwd made)
static std::vector<Call> run(int way, int rows, int n, int kk, int ldx, int ldy) {
    g_log.clear();
    alignas(nmc_trainer) static unsigned char mem[sizeof(nmc_trainer)];
    nmc_trainer *t = new (mem) nmc_trainer();  // never destroyed: its buffers leak in this check
    std::vector<float> w = randn((size_t)n * kk, 5, 0.05f), g((size_t)n * kk, 0.0f);
    std::vector<float> x = randn((size_t)rows * ldx, 6, 1.0f), dy = randn((size_t)rows * ldy, 7, 1e-3f);
    std::vector<float> y((size_t)rows * n), dx((size_t)rows * kk);
    TParam p;
    p.name = "w";
    p.n = (int64_t)n * kk;
    p.linear = true;
    p.w = w.data();
    p.g = g.data();
    t->params.push_back(p);
    std::string why;
    for (int version = 0; version < 2; version++) {
        t->weight_version = version;
        if (version == 1) {
            for (float &v : w) v *= -1.5f;  // the optimizer's step: the copies must be remade
            for (int r = 0; r < rows; r += 9) dy[(size_t)r * ldy] *= 300.0f;
        }
        int rc_dx = -1, rc_dw = -1;
        std::string why_dw;
        bool ok = true;
        if (way == 0) {
            ok &= lt_linear_fwd(t, 0, rows, n, kk, x.data(), ldx, y.data(), n, 0.0f, &why) == NMC_OK;
            ok &= lt_linear_dx(t, 0, rows, n, kk, dy.data(), ldy, dx.data(), kk, 1.0f, &why) == NMC_OK;
            ok &= lt_linear_dw(t, g.data(), rows, n, kk, dy.data(), ldy, x.data(), ldx, &why) == NMC_OK;
        } else {
            if (way == 1) ok &= lt_linear_fwd(t, 0, rows, n, kk, x.data(), ldx, y.data(), n, 0.0f, &why, true) == NMC_OK;
            ok &= lt_linear_bwd(t, 0, g.data(), rows, n, kk, dy.data(), ldy, dx.data(), kk, 1.0f, x.data(), ldx, &rc_dx, &why,
                                &rc_dw, &why_dw) == NMC_OK && rc_dx == NMC_OK && rc_dw == NMC_OK;
            if (way == 2) {
                ok &= lt_linear_fwd(t, 0, rows, n, kk, x.data(), ldx, y.data(), n, 0.0f, &why, true) == NMC_OK;
                std::rotate(g_log.end() - 3, g_log.end() - 1, g_log.end());  // fwd first, as the others record
            }
        }
        if (!ok || g_outside) {
            report(false, "wiring: " + std::string(!ok ? "a call failed" : "quantisers or GEMMs outside the work buffers"));
            g_outside = 0;
            return {};
        }
    }
    // the outputs by role (each run has its own arrays): 1 y, 2 dx, 3 the weight gradient
    for (Call &e : g_log)
        e.d = reinterpret_cast<const float *>((intptr_t)(e.d == y.data() ? 1 : e.d == dx.data() ? 2 : e.d == g.data() ? 3 : 99));
    return g_log;
}

int main() {
    struct Shape { int rows, n, kk, ldx, ldy; };
    for (Shape s : {Shape{300, 200, 260, 260, 210}, Shape{130, 384, 128, 130, 384}, Shape{64, 24, 300, 300, 40},
                    Shape{1, 1, 1, 1, 1}, Shape{257, 129, 127, 127, 129}}) {
        std::vector<Call> today = run(0, s.rows, s.n, s.kk, s.ldx, s.ldy);
        for (int way : {1, 2}) {
            std::vector<Call> fused = run(way, s.rows, s.n, s.kk, s.ldx, s.ldy);
            bool ok = today.size() == 6 && fused.size() == 6;
            std::string bad;
            const char *role[3] = {"forward", "data gradient", "weight gradient"};
            for (size_t i = 0; ok && i < 6; i++)
                if (!(today[i] == fused[i])) bad += std::string(" ") + role[i % 3] + " (weight version " + std::to_string(i / 3) + ")";
            char name[240];
            snprintf(name, sizeof name, "wiring rows=%d n=%d k=%d ldx=%d ldy=%d: %s hands cuBLASLt the operands, scales, "
                     "contraction and beta of today's three calls, two weight versions", s.rows, s.n, s.kk, s.ldx, s.ldy,
                     way == 1 ? "lt_linear_fwd(fused) + lt_linear_bwd" : "lt_linear_bwd before any forward");
            report(ok && bad.empty(), name + (bad.empty() ? std::string() : ": differ at" + bad));
        }
    }
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
