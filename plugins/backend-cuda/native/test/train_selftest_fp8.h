#pragma once
// Part of nmc_train_selftest (train_selftest.cpp includes it; uses selftest_common.h, train_reference.h).
// The FP8 recipe: the fake quantiser bit for bit, the linear layer's three GEMMs, the cuBLASLt path against the fake-quant reference.

// The FP8 fake quantiser (nmc_k_fake_quant_fp8) bit for bit against the CPU reference: codes,
// scales and dequantised values, on ragged shapes with the recipe's three block shapes, rows of
// very different magnitudes, exact rounding ties, an all-zero block, NaN and +-inf, E4M3 subnormals.
static void fp8_tests() {
    const int rows = 300, cols = 200;
    Vec x = randn((size_t)rows * cols, 42);
    for (int r = 0; r < rows; r++) {
        float mag = std::ldexp(1.0f, (r % 41) - 20);  // 2^-20 .. 2^20
        for (int c = 0; c < cols; c++) x[(size_t)r * cols + c] *= mag;
    }
    // row 0, columns 0..127: amax 448 -> scale 1, then exact midpoints between E4M3 neighbours
    const float ties[] = {448, 1.0625f, 1.1875f, 17, 19, -17, 0.5f + 1.0f / 32, 3.0f / 1024, 1.0f / 1024, 240 + 8,
                          -(224 + 8), 0.0f, -0.0f};
    for (size_t i = 0; i < sizeof ties / sizeof ties[0]; i++) x[i] = ties[i];
    for (int c = 0; c < 128; c++) x[(size_t)5 * cols + c] = 0.0f;              // row 5: a zero tile
    for (int r = 128; r < 256; r++) x[(size_t)r * cols + 150] = 0.0f;         // a zero column tile
    x[(size_t)7 * cols + 3] = NAN;
    x[(size_t)8 * cols + 4] = INFINITY;
    x[(size_t)9 * cols + 140] = -INFINITY;
    for (int c = 0; c < 20; c++) x[(size_t)10 * cols + c] = std::ldexp(1.0f, -c) * (c % 2 ? 1 : -1);  // subnormal codes
    struct Block { int br, bc; };
    for (Block b : {Block{1, 128}, Block{128, 1}, Block{128, 128}, Block{1, 7}}) {
        tref::Fp8 want = tref::fake_quant(x, rows, cols, b.br, b.bc);
        std::vector<uint8_t> codes(x.size());
        Vec scales(want.scales.size()), out(x.size());
        std::string name = "fp8 fake quant " + std::to_string(rows) + "x" + std::to_string(cols) + " blocks " +
                           std::to_string(b.br) + "x" + std::to_string(b.bc);
        if (nmc_k_fake_quant_fp8(x.data(), rows, cols, b.br, b.bc, out.data(), codes.data(), scales.data()) != NMC_OK) {
            check(false, name + ": " + nmc_last_error());
            continue;
        }
        size_t bad_codes = 0, bad_out = 0, bad_scales = 0, first = SIZE_MAX;
        for (size_t i = 0; i < x.size(); i++) {
            if (codes[i] != want.codes[i]) {
                bad_codes++;
                first = std::min(first, i);
            }
            uint32_t a, w;
            memcpy(&a, &out[i], 4);
            memcpy(&w, &want.out[i], 4);
            bad_out += a != w && !(std::isnan(out[i]) && std::isnan(want.out[i]));
        }
        for (size_t i = 0; i < scales.size(); i++) bad_scales += scales[i] != want.scales[i];
        std::string detail = first == SIZE_MAX ? "" : " (first at " + std::to_string(first) + ": x " +
                             std::to_string(x[first]) + " code " + std::to_string(codes[first]) + " want " +
                             std::to_string(want.codes[first]) + ")";
        check(bad_codes == 0, name + ": E4M3 codes bit-exact, " + std::to_string(bad_codes) + " differ" + detail);
        check(bad_scales == 0, name + ": scales exact, " + std::to_string(bad_scales) + " differ");
        check(bad_out == 0, name + ": dequantised values bit-exact, " + std::to_string(bad_out) + " differ");
    }
    // the reference itself on known values (so a shared mistake cannot pass): scale 1 after amax 448
    check(tref::e4m3_encode(1.0625) == 0x38 && tref::e4m3_encode(1.1875) == 0x3a && tref::e4m3_encode(17) == 0x58 &&
              tref::e4m3_encode(19) == 0x5a && tref::e4m3_encode(464) == 0x7e && tref::e4m3_encode(-448) == 0xfe &&
              tref::e4m3_encode(std::ldexp(1.0, -9)) == 0x01 && tref::e4m3_encode(std::ldexp(1.0, -10)) == 0x00 &&
              tref::e4m3_decode(0x7e) == 448 && tref::e4m3_decode(0x08) == std::ldexp(1.0, -6),
          "fp8 CPU reference: E4M3 ties to even, saturation, subnormals");
}

// A = op(a) [m, kk] times B^T, B = op(b) [n, kk], in double: c[i, j] = sum_l a[i, l] b[j, l] with
// a, b given as row-major matrices whose element (i, l) is at a[i * sa_i + l * sa_l].
static Vec gemm_ref(int m, int n, int kk, const Vec &a, int sa_i, int sa_l, const Vec &b, int sb_j, int sb_l) {
    Vec c((size_t)m * n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double acc = 0;
            for (int l = 0; l < kk; l++) acc += (double)a[(size_t)i * sa_i + (size_t)l * sa_l] * b[(size_t)j * sb_j + (size_t)l * sb_l];
            c[(size_t)i * n + j] = (float)acc;
        }
    return c;
}

// The trainer's linear GEMMs (nmc_k_train_linear) against the CPU reference of FakeQuantGemm's
// operand rules: FP8 forward x 1x128 / W 128x128, data gradient dY 1x128 / W 128x128, weight
// gradient dY 128x1 / x 128x1; BF16 every operand rounded; F32 as given. The quantised operands are
// bit-identical (see fp8_tests), so only fp32 accumulation separates them: <= 1e-5 of max |ref|.
// The FP8 results must also differ from the unquantised GEMMs by > 1e-3 (the check discriminates).
static void linear_tests() {
    struct Case { int rows, n, k, ld_dy; };
    for (Case c : {Case{300, 200, 260, 210}, Case{64, 128, 128, 128}, Case{130, 24, 300, 40}}) {
        Vec x = randn((size_t)c.rows * c.k, 51), w = randn((size_t)c.n * c.k, 52, 0.05f);
        Vec dyw = randn((size_t)c.rows * c.ld_dy, 53, 1e-3f), dy((size_t)c.rows * c.n);
        for (int r = 0; r < c.rows; r++) std::copy_n(dyw.begin() + (size_t)r * c.ld_dy, c.n, dy.begin() + (size_t)r * c.n);
        for (int prec : {NMC_F32, NMC_BF16, NMC_FP8}) {
            const char *pn = prec == NMC_F32 ? "f32" : prec == NMC_BF16 ? "bf16" : "fp8";
            std::string name = std::string("train linear ") + pn + " rows=" + std::to_string(c.rows) + " n=" +
                               std::to_string(c.n) + " k=" + std::to_string(c.k) + " ld_dy=" + std::to_string(c.ld_dy);
            Vec y((size_t)c.rows * c.n), dx((size_t)c.rows * c.k), dw((size_t)c.n * c.k);
            if (nmc_k_train_linear(prec, c.rows, c.n, c.k, x.data(), w.data(), dyw.data(), c.ld_dy, y.data(), dx.data(),
                                   dw.data()) != NMC_OK) {
                check(false, name + ": " + nmc_last_error());
                continue;
            }
            // operands as each GEMM sees them
            auto op = [&](const Vec &a, int rows, int cols, int br, int bc) {
                if (prec == NMC_FP8) return tref::fake_quant(a, rows, cols, br, bc).out;
                Vec o = a;
                if (prec == NMC_BF16) for (float &v : o) v = bf16_round(v);
                return o;
            };
            Vec xf = op(x, c.rows, c.k, 1, 128), wf = op(w, c.n, c.k, 128, 128), gf = op(dy, c.rows, c.n, 1, 128);
            Vec gw = op(dy, c.rows, c.n, 128, 1), xw = op(x, c.rows, c.k, 128, 1);
            Vec y_ref = gemm_ref(c.rows, c.n, c.k, xf, c.k, 1, wf, c.k, 1);     // y[r, o] = sum_i x[r, i] w[o, i]
            Vec dx_ref = gemm_ref(c.rows, c.k, c.n, gf, c.n, 1, wf, 1, c.k);    // dx[r, i] = sum_o dy[r, o] w[o, i]
            Vec dw_ref = gemm_ref(c.n, c.k, c.rows, gw, 1, c.n, xw, 1, c.k);    // dw[o, i] = sum_r dy[r, o] x[r, i]
            expect_close(y, y_ref, 1e-5, name + ": y");
            expect_close(dx, dx_ref, 1e-5, name + ": dx");
            expect_close(dw, dw_ref, 1e-5, name + ": dw");
            if (prec == NMC_FP8) {
                Vec y_full = gemm_ref(c.rows, c.n, c.k, x, c.k, 1, w, c.k, 1);
                Vec dw_full = gemm_ref(c.n, c.k, c.rows, dy, 1, c.n, x, 1, c.k);
                double ey = max_rel_err(y, y_full), ew = max_rel_err(dw, dw_full);
                char buf[96];
                snprintf(buf, sizeof buf, " (y %.2e, dw %.2e of max |ref|)", ey, ew);
                check(ey > 1e-3 && ew > 1e-3, name + ": FP8 differs from the unquantised GEMMs" + std::string(buf));
            }
        }
    }
}

// The trainer's FP8 GEMMs through cuBLASLt block-scaled E4M3 (nmc_k_train_linear_fp8 impl 1 or -1)
// against the fake-quant fp32 reference (impl 0) on the same inputs: the quantised codes and scales
// are bit-identical, so only accumulation order (and the tensor cores' FP8 accumulation) separates
// them: max |lt - ref| <= 2e-3 of max |ref| per tensor, and at most a quarter of the distance of the
// unquantised GEMM from the reference (so a wrong scale layout or operand cannot pass). First the
// probe's report (library, device, which scale layouts matched, each cuBLAS status).
static void fp8_lt_tests() {
    static char report[8192];
    int64_t lt0 = 0, fb0 = 0;
    int avail = nmc_fp8_gemm_status(0, report, sizeof report, &lt0, &fb0);
    for (char *line = strtok(report, "\n"); line; line = strtok(nullptr, "\n")) printf("INFO fp8 gemm probe: %s\n", line);
    nmc_fp8_gemm_status(0, report, sizeof report, nullptr, nullptr);
    bool hopper = strstr(report, "device sm_9") != nullptr || strstr(report, "device sm_") == nullptr;
    if (avail != 1) {
        check(!hopper, std::string("cuBLASLt block-scaled FP8 GEMMs available on this device (see the probe lines)"));
        printf("INFO fp8 cuBLASLt path unavailable: the trainer's FP8 GEMMs run the fake-quant reference\n");
        return;
    }
    check(true, "cuBLASLt block-scaled FP8 GEMMs available (probe matched the host reference)");
    struct Case { int rows, n, k, ld_dy, impl; };
    // impl 1: must run on cuBLASLt; impl -1: cuBLASLt where it can (ragged shapes), the count printed
    for (Case c : {Case{256, 384, 512, 384, 1}, Case{300, 256, 384, 260, 1}, Case{1024, 512, 1024, 512, 1},
                   Case{512, 640, 1536, 1920, 1}, Case{256, 200, 260, 200, -1}, Case{130, 128, 256, 128, -1},
                   Case{64, 24, 300, 40, -1}}) {
        char nb[160];
        snprintf(nb, sizeof nb, "train linear fp8 cuBLASLt vs fake quant rows=%d n=%d k=%d ld_dy=%d (impl %d)", c.rows, c.n,
                 c.k, c.ld_dy, c.impl);
        std::string name = nb;
        Vec x = randn((size_t)c.rows * c.k, 61), w = randn((size_t)c.n * c.k, 62, 0.05f);
        Vec dyw = randn((size_t)c.rows * c.ld_dy, 63, 1e-3f);
        for (int r = 0; r < c.rows; r += 7) x[(size_t)r * c.k] *= 40.0f;  // outliers: tiles of different scales
        Vec y[2], dx[2], dw[2];
        int64_t calls[2] = {0, 0};
        bool ok = true;
        for (int i = 0; i < 2 && ok; i++) {
            y[i].resize((size_t)c.rows * c.n);
            dx[i].resize((size_t)c.rows * c.k);
            dw[i].resize((size_t)c.n * c.k);
            int impl = i == 0 ? 0 : c.impl;
            if (nmc_k_train_linear_fp8(impl, c.rows, c.n, c.k, x.data(), w.data(), dyw.data(), c.ld_dy, y[i].data(),
                                       dx[i].data(), dw[i].data(), &calls[i]) != NMC_OK) {
                check(false, name + ": impl " + std::to_string(impl) + ": " + nmc_last_error());
                ok = false;
            }
        }
        if (!ok) continue;
        printf("INFO %s: %lld of 3 GEMMs through cuBLASLt (reference run: %lld)\n", name.c_str(), (long long)calls[1],
               (long long)calls[0]);
        check(calls[0] == 0, name + ": the reference run used no cuBLASLt GEMM");
        if (c.impl == 1) check(calls[1] == 3, name + ": all three GEMMs ran through cuBLASLt");
        Vec dy((size_t)c.rows * c.n);
        for (int r = 0; r < c.rows; r++) std::copy_n(dyw.begin() + (size_t)r * c.ld_dy, c.n, dy.begin() + (size_t)r * c.n);
        Vec y_full = gemm_ref(c.rows, c.n, c.k, x, c.k, 1, w, c.k, 1);
        Vec dx_full = gemm_ref(c.rows, c.k, c.n, dy, c.n, 1, w, 1, c.k);
        Vec dw_full = gemm_ref(c.n, c.k, c.rows, dy, 1, c.n, x, 1, c.k);
        const char *what[3] = {"y", "dx", "dw"};
        const Vec *lt[3] = {&y[1], &dx[1], &dw[1]}, *ref[3] = {&y[0], &dx[0], &dw[0]}, *full[3] = {&y_full, &dx_full, &dw_full};
        for (int j = 0; j < 3; j++) {
            double e = max_rel_err(*lt[j], *ref[j]), q = max_rel_err(*full[j], *ref[j]);
            char buf[160];
            snprintf(buf, sizeof buf, ": %s max err %.2e of max |ref| (tol 2e-3), unquantised GEMM %.2e", what[j], e, q);
            check(e <= 2e-3 && e <= 0.25 * q, name + buf);
        }
    }
}
