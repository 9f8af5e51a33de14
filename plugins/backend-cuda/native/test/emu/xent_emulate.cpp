// train_xent.cu's fused cross-entropy runs on the CPU (test/emu/xent_run.sh) against the double
// reference of test/train_xent_reference.h: loss and dlogits in fp32 (in place) and in BF16 (a
// separate buffer; every value must equal the RNE rounding of the fp32 path's value, the operand
// the old convert pass gave the GEMMs), per-token weights, ignored rows, a vocabulary not a
// multiple of the 256 threads and one smaller than them, logits large enough that exp overflows
// without the running max; a second run bit for bit equal.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include EMU_XENT
#include "../train_xent_reference.h"

static int failures = 0;

static void report(bool ok, const std::string &what) {
    printf("%s %s%s\n", ok ? "PASS" : "FAIL", what.c_str(), emu::last_error.empty() ? "" : (" " + emu::last_error).c_str());
    fflush(stdout);
    if (!ok) failures++;
}

static float bf16_rne(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    u += 0x7FFF + ((u >> 16) & 1);
    u &= 0xFFFF0000u;
    memcpy(&f, &u, 4);
    return f;
}

static void xent_case(int rows, int vocab, float spread, bool weighted, uint32_t seed) {
    namespace kt = nmc::k::train;
    std::mt19937 g(seed);
    std::normal_distribution<float> nd(0, spread);
    const int64_t ld = vocab + 3;
    std::vector<float> logits((size_t)rows * ld), w(rows);
    std::vector<int32_t> labels(rows);
    for (auto &v : logits) v = nd(g);
    for (int r = 0; r < rows; r++) {
        labels[r] = r % 5 == 3 ? -100 : (int32_t)(g() % vocab);
        w[r] = weighted ? nd(g) / spread : 0.0f;
    }
    const float scale = 1.0f / 7.0f;
    std::vector<double> loss_r, d_r;
    xref::cross_entropy(rows, vocab, logits.data(), ld, labels.data(), scale, weighted ? w.data() : nullptr, loss_r, d_r);
    // fp32, in place (twice: bit for bit equal), then BF16 into a separate buffer
    std::vector<float> runs[2], loss[2];
    bool ok = true;
    for (int run = 0; run < 2; run++) {
        std::vector<float> x = logits;
        loss[run].assign(rows, -1.0f);
        ok &= kt::cross_entropy_fused(x.data(), ld, labels.data(), rows, vocab, scale, weighted ? w.data() : nullptr,
                                      true, loss[run].data(), nullptr, nullptr) == NMC_OK;
        runs[run].resize((size_t)rows * vocab);
        for (int r = 0; r < rows; r++)
            std::copy(x.begin() + r * ld, x.begin() + r * ld + vocab, runs[run].begin() + (size_t)r * vocab);
    }
    std::vector<float> x = logits, loss16(rows, -1.0f), lossf(rows, -1.0f);
    std::vector<uint16_t> d16((size_t)rows * vocab, 0xFFFF);
    ok &= kt::cross_entropy_fused(x.data(), ld, labels.data(), rows, vocab, scale, weighted ? w.data() : nullptr, true,
                                  loss16.data(), d16.data(), nullptr) == NMC_OK;
    ok &= x == logits;  // the BF16 path leaves the logits as they are
    std::vector<float> xf = logits;
    ok &= kt::cross_entropy_fused(xf.data(), ld, labels.data(), rows, vocab, scale, nullptr, false, lossf.data(), nullptr,
                                  nullptr) == NMC_OK;
    ok &= xf == logits;  // no gradient: logits untouched
    int64_t bf_mismatch = 0;
    for (size_t i = 0; i < d16.size(); i++) {
        uint32_t u = (uint32_t)d16[i] << 16;
        float f;
        memcpy(&f, &u, 4);
        bf_mismatch += f != bf16_rne(runs[0][i]);
    }
    double e_loss = xref::rel_err(loss[0].data(), loss_r, 1.0), e_d = xref::rel_err(runs[0].data(), d_r),
           e_nograd = xref::rel_err(lossf.data(), loss_r, 1.0);
    bool same = runs[0] == runs[1] && loss[0] == loss[1] && loss16 == loss[0];
    // fp32 rounds x - lse to ~6e-8 |x|: p's relative error grows with the logits' size
    double big = 0;
    for (float v : logits) big = std::max(big, (double)std::fabs(v));
    const double tol_d = 2e-7 * (1.0 + big);
    ok &= e_loss <= 1e-6 && e_d <= tol_d && e_nograd <= 1e-6 && bf_mismatch == 0 && same;
    char line[320];
    snprintf(line, sizeof line,
             "emulated cross_entropy rows %d vocab %d spread %g%s: loss %.2e (tol 1e-6) dlogits %.2e (tol %.1e), bf16 != rne(fp32) %lld, "
             "repeat %s", rows, vocab, spread, weighted ? " weighted" : "", e_loss, e_d, tol_d, (long long)bf_mismatch,
             same ? "bit-equal" : "DIFFERS");
    report(ok, line);
}

int main() {
    xent_case(9, 1000, 3.0f, false, 1);
    xent_case(7, 100, 1.0f, true, 2);      // vocabulary below the 256 threads
    xent_case(6, 777, 60.0f, false, 3);    // exp(x) overflows fp32 without the running max
    xent_case(5, 4099, 8.0f, true, 4);
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
