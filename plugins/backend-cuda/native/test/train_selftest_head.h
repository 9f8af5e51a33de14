#pragma once
// Part of nmc_train_selftest (train_selftest.cpp includes it; uses selftest_common.h).
//   head     the loss head's fused cross-entropy (kernels/train_xent.cu, nmc_k_train_cross_entropy)
//            against the double reference of test/train_xent_reference.h: loss and dlogits in fp32
//            (tol 1e-6 of the loss, 2e-7 (1 + max|logit|) of dlogits' largest value) and in BF16
//            (every value the RNE rounding of the fp32 path's: the operand the two backward GEMMs
//            read), per-token weights, ignored rows, a vocabulary not a multiple of the 256
//            threads, the hybrid1b vocabulary 32000; a second call bit for bit equal.
#include "train_xent_reference.h"

namespace head_test {

static float bf16_rne(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    u += 0x7FFF + ((u >> 16) & 1);
    u &= 0xFFFF0000u;
    memcpy(&f, &u, 4);
    return f;
}

static void xent_case(int rows, int vocab, float spread, bool weighted, uint32_t seed) {
    Vec x = randn((size_t)rows * vocab, seed, spread), w = randn(rows, seed + 1);
    std::vector<int32_t> labels(rows);
    std::mt19937 g(seed + 2);
    for (int r = 0; r < rows; r++) labels[r] = r % 5 == 3 ? -100 : (int32_t)(g() % vocab);
    const float scale = 1.0f / 7.0f;
    const float *wp = weighted ? w.data() : nullptr;
    std::vector<double> loss_r, d_r;
    xref::cross_entropy(rows, vocab, x.data(), vocab, labels.data(), scale, wp, loss_r, d_r);
    Vec loss[3], d[3];
    bool ok = true;
    for (int run = 0; run < 3; run++) {  // fp32, fp32 again, BF16
        loss[run].assign(rows, -1.0f);
        d[run].assign((size_t)rows * vocab, -1.0f);
        ok &= nmc_k_train_cross_entropy(rows, vocab, x.data(), labels.data(), scale, wp, run == 2, loss[run].data(),
                                        d[run].data()) == NMC_OK;
    }
    if (!ok) return check(false, std::string("train cross_entropy: ") + nmc_last_error());
    double big = 0;
    for (float v : x) big = std::max(big, (double)std::fabs(v));
    const double tol_d = 2e-7 * (1.0 + big);
    int64_t mismatch = 0;
    for (size_t i = 0; i < d[2].size(); i++) mismatch += d[2][i] != bf16_rne(d[0][i]);
    double e_loss = xref::rel_err(loss[0].data(), loss_r, 1.0), e_d = xref::rel_err(d[0].data(), d_r);
    bool same = loss[0] == loss[1] && d[0] == d[1] && loss[2] == loss[0];
    char buf[320];
    snprintf(buf, sizeof buf,
             "train cross_entropy rows %d vocab %d spread %g%s: loss %.2e (tol 1e-6) dlogits %.2e (tol %.1e), bf16 != "
             "rne(fp32) %lld%s", rows, vocab, spread, weighted ? " weighted" : "", e_loss, e_d, tol_d,
             (long long)mismatch, same ? ", repeat bit for bit" : ", REPEAT DIFFERS");
    check(e_loss <= 1e-6 && e_d <= tol_d && mismatch == 0 && same, buf);
}

static void tests() {
    xent_case(9, 1000, 3.0f, false, 11);
    xent_case(7, 100, 1.0f, true, 12);     // vocabulary below the 256 threads
    xent_case(6, 777, 60.0f, false, 13);   // exp overflows fp32 without the running max
    xent_case(64, 32000, 4.0f, true, 14);  // hybrid1b's vocabulary
}

}  // namespace head_test
