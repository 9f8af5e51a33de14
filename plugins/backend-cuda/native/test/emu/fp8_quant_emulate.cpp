// The one-read dual quantiser (src/kernels/fp8_lt_dual.cu, NMC_FP8_QUANT=fused) on the CPU next to
// today's two passes (src/kernels/fp8_lt_quant.cu), both files' launches rewritten as real threads
// with barriers (test/emu/fp8_quant_run.sh). On ragged shapes (rows and columns below, at and past
// 128, row strides past the width) with rows and columns of very different magnitudes, NaN, +-inf,
// zero tiles, E4M3 subnormals and exact ties, both scale layouts the probe may choose:
//   dY  quantize_tiles 1 x 128 + quantize_cols_transposed  vs  quantize_dual(block false)
//   W   quantize_tiles 128 x 128 plain + transposed        vs  quantize_dual(block true)
// every byte of the code buffers (padding included; untouched bytes keep a sentinel) and every scale
// slot equal, and both equal to the CPU reference's codes and scales (train_reference.h fake_quant).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "fp8_lt.h"
#include "../../train_reference.h"

using namespace nmc::k::fp8lt;

static int failures = 0;

static void report(bool ok, const std::string &what) {
    printf("%s %s%s\n", ok ? "PASS" : "FAIL", what.c_str(), emu::last_error.empty() ? "" : (" " + emu::last_error).c_str());
    fflush(stdout);
    if (!ok) failures++;
}

static int round128(int v) { return (v + 127) / 128 * 128; }

// One operand in the trainer's layout: codes [outer, k_pad] (sentinel 0xAB) and scales of
// (outer, k block) at o * so + kb * sk (sentinel -7), outer-major or k-major as the probe may choose.
struct Operand {
    std::vector<uint8_t> codes;
    std::vector<float> scales;
    int64_t so, sk;
    int k_pad;
    Operand(int outer, int k_pad_, bool outer_major, int kb_per_outer_block = 1) : k_pad(k_pad_) {
        int kb = k_pad / 128, ob = (outer + kb_per_outer_block - 1) / kb_per_outer_block;
        codes.assign((size_t)outer * k_pad, 0xAB);
        scales.assign((size_t)ob * kb, -7.0f);
        so = outer_major ? kb : 1;
        sk = outer_major ? 1 : ob;
    }
};

static bool same(const Operand &a, const Operand &b, const char *what, std::string *why) {
    size_t bad_c = 0, bad_s = 0;
    for (size_t i = 0; i < a.codes.size(); i++) bad_c += a.codes[i] != b.codes[i];
    for (size_t i = 0; i < a.scales.size(); i++) bad_s += memcmp(&a.scales[i], &b.scales[i], 4) != 0;
    if (bad_c || bad_s)
        *why += std::string(" ") + what + ": " + std::to_string(bad_c) + " code bytes, " + std::to_string(bad_s) + " scales differ;";
    return bad_c == 0 && bad_s == 0;
}

// the CPU reference's codes and scales against operand a: element (r, c) of x [rows, cols] at
// a.codes[(t ? c * k_pad + r : r * k_pad + c)], scale of block (rb, cb) of br x bc at index(rb, cb)
template <typename Index>
static size_t ref_diff(const tref::Vec &x, int rows, int cols, int br, int bc, bool t, const Operand &a, Index index) {
    tref::Fp8 f = tref::fake_quant(x, rows, cols, br, bc);
    size_t bad = 0;
    int ncb = (cols + bc - 1) / bc;
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) bad += a.codes[t ? (size_t)c * a.k_pad + r : (size_t)r * a.k_pad + c] != f.codes[(size_t)r * cols + c];
    for (int rb = 0; rb < (rows + br - 1) / br; rb++)
        for (int cb = 0; cb < ncb; cb++) bad += a.scales[index(rb, cb)] != f.scales[(size_t)rb * ncb + cb];
    return bad;
}

static tref::Vec input(int rows, int cols, int ld, uint32_t seed) {
    tref::Vec x((size_t)rows * ld, NAN);  // the stride's gap: NaN (must never be read)
    std::mt19937 g(seed);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            x[(size_t)r * ld + c] = nd(g) * std::ldexp(1.0f, (r % 23) - 11) * std::ldexp(1.0f, (c % 13) - 6);
    auto at = [&](int r, int c) -> float * { return r < rows && c < cols ? &x[(size_t)r * ld + c] : nullptr; };
    const float ties[] = {448, 1.0625f, 1.1875f, 17, 19, -17, 0.5f + 1.0f / 32, 3.0f / 1024, 1.0f / 1024, 248, -232, 0.0f, -0.0f};
    for (int i = 0; i < 13; i++) if (float *p = at(0, i)) *p = ties[i];
    for (int c = 0; c < 128; c++) if (float *p = at(3, c)) *p = 0.0f;             // a zero row tile
    for (int r = 128; r < 256; r++) if (float *p = at(r, 2)) *p = 0.0f;           // a zero column tile
    if (float *p = at(1, 2)) *p = NAN;
    if (float *p = at(2, cols - 1)) *p = INFINITY;
    if (float *p = at(rows - 1, 0)) *p = -INFINITY;
    for (int c = 0; c < 20; c++) if (float *p = at(4, c)) *p = std::ldexp(1.0f, -c) * (c % 2 ? 1 : -1);  // subnormal codes
    return x;
}

static void dy_case(int rows, int cols, int ld, bool outer_major) {
    tref::Vec x = input(rows, cols, ld, 1000 + rows * 7 + cols);
    const int np = round128(cols), rp = round128(rows);
    Operand row0(rows, np, outer_major), col0(cols, rp, !outer_major), row1 = row0, col1 = col0;
    bool ok = quantize_tiles(x.data(), ld, rows, cols, 1, 128, false, rows, np, row0.codes.data(), np, row0.scales.data(),
                             row0.so, row0.sk, nullptr) == NMC_OK &&
              quantize_cols_transposed(x.data(), ld, rows, cols, col0.codes.data(), rp, col0.scales.data(), col0.sk,
                                       col0.so, nullptr) == NMC_OK &&
              quantize_dual(x.data(), ld, rows, cols, false, row1.codes.data(), np, row1.scales.data(), row1.so, row1.sk,
                            col1.codes.data(), rp, col1.scales.data(), col1.sk, col1.so, nullptr) == NMC_OK;
    std::string why;
    ok = ok && same(row0, row1, "1x128 row tiles", &why) & same(col0, col1, "128x1 column tiles", &why);
    tref::Vec dense((size_t)rows * cols);
    for (int r = 0; r < rows; r++) std::copy_n(x.begin() + (size_t)r * ld, cols, dense.begin() + (size_t)r * cols);
    size_t ref = ref_diff(dense, rows, cols, 1, 128, false, row1, [&](int r, int cb) { return r * row1.so + cb * row1.sk; }) +
                 ref_diff(dense, rows, cols, 128, 1, true, col1, [&](int rb, int c) { return rb * col1.sk + c * col1.so; });
    char name[200];
    snprintf(name, sizeof name, "dY %dx%d ld %d (%s scales): quantize_dual = quantize_tiles 1x128 + quantize_cols_transposed "
             "bit for bit, %zu differ from the CPU reference", rows, cols, ld, outer_major ? "outer-major" : "k-major", ref);
    report(ok && ref == 0, name + why);
}

static void weight_case(int n, int kk, int ld, bool outer_major) {
    tref::Vec w = input(n, kk, ld, 2000 + n * 7 + kk);
    const int kp = round128(kk), np = round128(n);
    Operand fwd0(n, kp, outer_major, 128), dx0(kk, np, !outer_major, 128), fwd1 = fwd0, dx1 = dx0;
    bool ok = quantize_tiles(w.data(), ld, n, kk, 128, 128, false, n, kp, fwd0.codes.data(), kp, fwd0.scales.data(), fwd0.so,
                             fwd0.sk, nullptr) == NMC_OK &&
              quantize_tiles(w.data(), ld, n, kk, 128, 128, true, np, kk, dx0.codes.data(), np, dx0.scales.data(), dx0.sk,
                             dx0.so, nullptr) == NMC_OK &&
              quantize_dual(w.data(), ld, n, kk, true, fwd1.codes.data(), kp, fwd1.scales.data(), fwd1.so, fwd1.sk,
                            dx1.codes.data(), np, dx1.scales.data(), dx1.sk, dx1.so, nullptr) == NMC_OK;
    std::string why;
    ok = ok && same(fwd0, fwd1, "forward blocks", &why) & same(dx0, dx1, "transposed blocks", &why);
    tref::Vec dense((size_t)n * kk);
    for (int r = 0; r < n; r++) std::copy_n(w.begin() + (size_t)r * ld, kk, dense.begin() + (size_t)r * kk);
    size_t ref = ref_diff(dense, n, kk, 128, 128, false, fwd1, [&](int rb, int cb) { return rb * fwd1.so + cb * fwd1.sk; }) +
                 ref_diff(dense, n, kk, 128, 128, true, dx1, [&](int rb, int cb) { return rb * dx1.sk + cb * dx1.so; });
    char name[200];
    snprintf(name, sizeof name, "W %dx%d ld %d (%s scales): quantize_dual(block) = quantize_tiles 128x128 plain + transposed "
             "bit for bit, %zu differ from the CPU reference", n, kk, ld, outer_major ? "outer-major" : "k-major", ref);
    report(ok && ref == 0, name + why);
}

int main(int argc, char **argv) {
    bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    struct Shape { int rows, cols, ld; };
    const Shape all[] = {{300, 200, 203}, {130, 257, 257}, {1, 1, 1}, {5, 3, 8}, {127, 129, 130}, {128, 128, 128}, {257, 40, 41}, {64, 385, 390}};
    const int count = quick ? 2 : 8;
    for (int i = 0; i < count; i++) {
        dy_case(all[i].rows, all[i].cols, all[i].ld, i % 2 == 0);
        weight_case(all[i].rows, all[i].cols, all[i].ld, i % 2 == 1);
    }
    // the launcher's refusals: a transposed stride that is not whole words, a row-major stride short of the padded width
    std::vector<float> x(16, 1.0f);
    std::vector<uint8_t> o(4096);
    std::vector<float> s(64);
    emu::last_error.clear();
    bool r1 = quantize_dual(x.data(), 4, 4, 4, false, o.data(), 128, s.data(), 1, 1, o.data(), 130, s.data(), 1, 1, nullptr) == NMC_ERR;
    bool r2 = quantize_dual(x.data(), 4, 4, 4, true, o.data(), 64, s.data(), 1, 1, o.data(), 128, s.data(), 1, 1, nullptr) == NMC_ERR;
    emu::last_error.clear();
    report(r1 && r2, "quantize_dual refuses a transposed stride of part words and a row stride short of the padding");
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
