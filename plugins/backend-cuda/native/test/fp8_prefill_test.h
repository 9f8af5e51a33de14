// Self-test of the FP8 prefill GEMM through cuBLASLt (nmc_k_fp8_prefill impl 1, W8A8: x quantised to
// E4M3 in 1 x 128 tiles, W in 128 x 128 blocks) against a CPU double reference on the same codes
// (x fake-quantised as the trainer's quantiser, W = Q * scale from nmc_k_quantize_fp8): <= 2e-3 of
// max |ref|, and at most a quarter of the distance of the reference path (impl 0: W dequantised to
// BF16, x unquantised) from it, so a path that skipped the activations' quantisation cannot pass.
// Included by selftest.cpp (uses its check / randn / to_bf16 and train_reference.h's fake_quant).
#pragma once

#include "train_reference.h"

static void fp8_prefill_lt_tests() {
    static char report[8192];
    int avail = nmc_fp8_gemm_status(0, report, sizeof report, nullptr, nullptr);
    if (avail != 1) {
        for (char *c = report; *c; c++) *c = *c == '\n' ? '|' : *c;
        printf("INFO fp8 prefill cuBLASLt: unavailable, the default path runs (probe: %s)\n", report);
        return;
    }
    struct Case { int rows, out, in; };
    // in 384 and 640: ceil(in/128) not a multiple of 4 (re-laid scales where the layout pads to 4);
    // in 4480 (Nemotron Nano 9B's hidden, 35 blocks) and 15680 / 336 (a partial last block)
    for (Case c : {Case{300, 384, 512}, Case{100, 256, 1024}, Case{65, 200, 512}, Case{512, 1024, 2048}, Case{96, 128, 384},
                   Case{130, 256, 640}, Case{128, 256, 4480}, Case{80, 128, 336}, Case{256, 256, 15680}}) {
        char nb[128];
        snprintf(nb, sizeof nb, "fp8 prefill cuBLASLt rows=%d out=%d in=%d", c.rows, c.out, c.in);
        std::string name = nb;
        std::vector<float> xf = randn((size_t)c.rows * c.in, 71), wf = randn((size_t)c.out * c.in, 72, 0.05f);
        for (int r = 0; r < c.rows; r += 5) xf[(size_t)r * c.in + 3] *= 30.0f;
        std::vector<uint16_t> x(xf.size()), w(wf.size());
        for (size_t i = 0; i < x.size(); i++) xf[i] = from_bf16(x[i] = to_bf16(xf[i]));
        for (size_t i = 0; i < w.size(); i++) w[i] = to_bf16(wf[i]);
        std::vector<float> y0((size_t)c.rows * c.out), y1(y0.size());
        if (nmc_k_fp8_prefill(0, c.rows, c.out, c.in, x.data(), w.data(), y0.data()) != NMC_OK) {
            check(false, name + ": reference path: " + nmc_last_error());
            continue;
        }
        if (nmc_k_fp8_prefill(1, c.rows, c.out, c.in, x.data(), w.data(), y1.data()) != NMC_OK) {
            std::string msg = nmc_last_error();
            // a contraction with a partial last 128-block runs only where the probe confirmed it
            bool partial_refused = c.in % 128 != 0 && msg.find("not a multiple of 128") != std::string::npos;
            if (partial_refused) printf("INFO %s: declined (%s); the reference path runs\n", name.c_str(), msg.c_str());
            else check(false, name + ": " + msg);
            continue;
        }
        int ob = (c.out + 127) / 128, ib = (c.in + 127) / 128;
        std::vector<uint8_t> q(w.size());
        std::vector<float> sc((size_t)ob * ib);
        if (nmc_k_quantize_fp8(w.data(), c.out, c.in, 128, q.data(), sc.data()) != NMC_OK) {
            check(false, name + ": nmc_k_quantize_fp8: " + nmc_last_error());
            continue;
        }
        std::vector<float> xq = tref::fake_quant(xf, c.rows, c.in, 1, 128).out, ref((size_t)c.rows * c.out);
        std::vector<double> wd(w.size());
        for (int o = 0; o < c.out; o++)
            for (int i = 0; i < c.in; i++)
                wd[(size_t)o * c.in + i] = tref::e4m3_decode(q[(size_t)o * c.in + i]) * sc[(size_t)(o / 128) * ib + i / 128];
        for (int r = 0; r < c.rows; r++)
            for (int o = 0; o < c.out; o++) {
                double acc = 0;
                for (int i = 0; i < c.in; i++) acc += (double)xq[(size_t)r * c.in + i] * wd[(size_t)o * c.in + i];
                ref[(size_t)r * c.out + o] = (float)acc;
            }
        double e1 = max_rel_err(y1, ref), e0 = max_rel_err(y0, ref);
        char buf[160];
        snprintf(buf, sizeof buf, ": W8A8 max err %.2e of max |ref| (tol 2e-3); the W8A16 reference path is %.2e away", e1, e0);
        check(e1 <= 2e-3 && e1 <= 0.25 * e0, name + buf);
    }
}
