// The tensor-core SSD prefill scans (kernels/ssd_fused.cu: impl 1, NMC_PREFILL_SCAN=ssd;
// kernels/ssd2.cu: impl 2, ssd2, opt-in) in nmc_selftest (included by selftest.cpp after its
// model helpers):
//   kernel  nmc_k_prefill_scan impls 1 and 2 against the double recurrence (reference.h ref::scan) with a
//           non-zero initial state, y and final state within TOL_SSD of their largest value
//           (BF16 operands; the CPU emulation, make emu-ssd, measured 1e-3 to 4e-3), incl. the
//           Nano-9B-v2 heads (H 128, P 80, G 8, N 128), L not a multiple of 64, dt_bias/softplus
//   model   a BF16 model's prefill logits with NMC_PREFILL_SCAN unset (ssd) and =ssd2 against
//           NMC_PREFILL_SCAN=chunked within 2e-2 (the BF16 decode-vs-prefill bound), and not equal
//           (the tensor-core path ran), once more with config chunk 256 (the scan in segments
//           of 128 tokens, the workspace the chunked scan's); unset and =ssd equal bit for bit; an
//           fp32 model keeps the chunked scan (unset == chunked, bit for bit); NMC_PREFILL_SCAN=bogus
//           is refused at session creation
//   timing  INFO line, ms per layer of the three scans at the 9B prefill shape, L 8192 (not asserted)
#pragma once

constexpr double TOL_SSD = 2e-2;

struct SsdCase { int H, P, G, N, L; bool bias; };

// inputs of one prefill scan; dt raw (bias) or final
struct SsdIn {
    Vec x, dt, dtf, bias, a, B, C, D, st;
};

static SsdIn ssd_inputs(const SsdCase &c, uint32_t seed) {
    SsdIn in;
    const size_t inner = (size_t)c.H * c.P, gn = (size_t)c.G * c.N;
    in.x = randn(c.L * inner, seed);
    in.B = randn(c.L * gn, seed + 1, 0.5f);
    in.C = randn(c.L * gn, seed + 2, 0.5f);
    in.D = randn(c.H, seed + 3);
    in.st = randn(inner * c.N, seed + 4, 0.5f);
    in.bias = randn(c.H, seed + 5);
    std::mt19937 g(seed + 6);
    std::uniform_real_distribution<float> u(0.001f, 0.2f), raw(-4.0f, 1.0f);
    in.dt.resize((size_t)c.L * c.H);
    in.dtf.resize(in.dt.size());
    for (size_t i = 0; i < in.dt.size(); i++) {
        in.dt[i] = c.bias ? raw(g) : u(g);
        float v = in.dt[i] + (c.bias ? in.bias[i % c.H] : 0.0f);
        in.dtf[i] = c.bias ? std::min(std::max(v > 20.0f ? v : log1pf(expf(v)), 0.001f), 0.5f) : in.dt[i];
    }
    in.a.resize(c.H);
    for (int h = 0; h < c.H; h++) in.a[h] = -(0.5f + 0.25f * (h % 8));
    return in;
}

static bool ssd_run(int impl, const SsdCase &c, const SsdIn &in, int chunk, Vec &y, Vec &st, int reps, float *ms) {
    y.assign((size_t)c.L * c.H * c.P, 0.0f);
    st = in.st;
    int rc = nmc_k_prefill_scan(impl, c.H, c.P, c.G, c.N, c.L, chunk, in.x.data(), in.dt.data(),
                                c.bias ? in.bias.data() : nullptr, 0.001f, 0.5f, in.a.data(), in.B.data(), in.C.data(),
                                in.D.data(), st.data(), y.data(), reps, ms);
    if (rc != NMC_OK) check(false, std::string("nmc_k_prefill_scan impl ") + std::to_string(impl) + ": " + nmc_last_error());
    return rc == NMC_OK;
}

static std::string ssd_name(const SsdCase &c) {
    char buf[96];
    snprintf(buf, sizeof buf, "prefill scan H%d P%d G%d N%d L%d%s", c.H, c.P, c.G, c.N, c.L, c.bias ? " dt_bias" : "");
    return buf;
}

static void ssd_kernel_tests() {
    for (SsdCase c : {SsdCase{6, 16, 2, 16, 37, false}, SsdCase{4, 80, 2, 128, 300, true}, SsdCase{3, 5, 1, 7, 20, false},
                      SsdCase{2, 16, 2, 200, 40, true}, SsdCase{4, 64, 1, 64, 128, false},
                      SsdCase{128, 80, 8, 128, 130, true}}) {
        SsdIn in = ssd_inputs(c, 40);
        Vec st_ref = in.st, y, st;
        Vec want = ref::scan(c.H, c.P, c.G, c.N, c.L, in.x, in.dtf, in.a, in.B, in.C, in.D, st_ref);
        for (int impl : {1, 2}) {
            if (!ssd_run(impl, c, in, 0, y, st, 0, nullptr)) continue;
            double ey = max_rel_err(y, want), es = max_rel_err(st, st_ref);
            char buf[96];
            snprintf(buf, sizeof buf, ": y %.2e, final state %.2e (tol %.0e)", ey, es, TOL_SSD);
            check(ey <= TOL_SSD && es <= TOL_SSD,
                  ssd_name(c) + (impl == 1 ? " fused ssd" : " ssd2") + " (init state) vs cpu" + buf);
        }
    }
    // the 9B prefill shape: both scans, compared, timed
    SsdCase c{128, 80, 8, 128, 8192, true};
    SsdIn in = ssd_inputs(c, 41);
    Vec y0, s0, y1, s1;
    float ms[3] = {0, 0, 0};
    if (!ssd_run(0, c, in, 128, y0, s0, 5, &ms[0])) return;
    for (int impl : {1, 2}) {
        if (!ssd_run(impl, c, in, 0, y1, s1, 5, &ms[impl])) return;
        double ey = max_rel_err(y1, y0), es = max_rel_err(s1, s0);
        char buf[128];
        snprintf(buf, sizeof buf, ": y %.2e, final state %.2e (tol %.0e)", ey, es, TOL_SSD);
        check(ey <= TOL_SSD && es <= TOL_SSD, ssd_name(c) + (impl == 1 ? " fused ssd" : " ssd2") + " vs chunked fp32" + buf);
    }
    // flops of the chunked matrix form (per chunk and head: C B^T, M x, C S^T, B^T x): for the roofline
    double gflop = (double)c.H * ((c.L + 63) / 64) * 2.0 * 64 * (64.0 * c.N + 64.0 * c.P + 2.0 * c.N * c.P) / 1e9;
    printf("INFO %s ms per layer: chunked fp32 (chunk 128) %.3f, fused ssd %.3f (%.0f TFLOP/s), ssd2 %.3f (%.0f "
           "TFLOP/s; %.1f GFLOP in the chunked matrix form)\n", ssd_name(c).c_str(), ms[0], ms[1], gflop / ms[1], ms[2],
           gflop / ms[2], gflop);
    fflush(stdout);
}

static void ssd_model_tests(const Shape &s, const std::string &label, int L) {
    std::vector<int32_t> t = tokens(L, s.vocab, 7);
    auto logits = [&](nmc_model *m, const char *env, Vec &out) -> int {
        set_switch("NMC_PREFILL_SCAN", env);
        nmc_session *ss = nullptr;
        int rc = nmc_session_create(m, 1, L + 8, L, &ss);
        unsetenv("NMC_PREFILL_SCAN");
        out.assign((size_t)L * s.vocab, 0.0f);
        if (rc == NMC_OK) rc = nmc_prefill(ss, 0, t.data(), L, 1, out.data());
        if (ss) nmc_session_destroy(ss);
        return rc;
    };
    nmc_model *mb = random_model(s, NMC_BF16, 42);
    Vec fused, chunked, bogus, named;
    if (logits(mb, "chunked", chunked) == NMC_OK) {
        for (const char *mode : {(const char *)nullptr, "ssd"}) {
            if (logits(mb, mode, fused) != NMC_OK) {
                check(false, label + " BF16 prefill with NMC_PREFILL_SCAN: " + nmc_last_error());
                continue;
            }
            double e = max_rel_err(fused, chunked);
            char buf[128];
            snprintf(buf, sizeof buf, " (max err %.2e, tol 2e-02; differ: %s)", e, fused != chunked ? "yes" : "no");
            check(e < 2e-2 && fused != chunked, label + " BF16 prefill logits, " + (mode ? "ssd" : "default (ssd2)") +
                                                    " scan vs chunked" + buf);
            if (mode == nullptr && logits(mb, "ssd2", named) == NMC_OK)
                check(named == fused, label + " BF16 prefill: NMC_PREFILL_SCAN unset == ssd2 (bit for bit)");
        }
    } else {
        check(false, label + " BF16 prefill with NMC_PREFILL_SCAN=chunked: " + nmc_last_error());
    }
    expect_error(logits(mb, "bogus", bogus), "NMC_PREFILL_SCAN must be chunked, ssd, ssd2 or auto",
                 label + " NMC_PREFILL_SCAN=bogus refused");
    nmc_model_destroy(mb);
    nmc_model *mf = random_model(s, NMC_F32, 42);
    if (logits(mf, nullptr, fused) == NMC_OK && logits(mf, "chunked", chunked) == NMC_OK)
        check(fused == chunked, label + " fp32 prefill keeps the chunked scan (unset == chunked, bit for bit)");
    else
        check(false, label + " fp32 prefill: " + nmc_last_error());
    nmc_model_destroy(mf);
}
