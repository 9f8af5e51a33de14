// Self-test of libnemotron_cuda.so on a GPU: every kernel against the CPU reference
// (test/reference.h), then whole-model consistency on random weights: prefill logits against
// token-by-token decode, pieces, batched against single decode, graphs on and off, on-device
// greedy sampling, BF16 against FP32, the paged KV cache (scattered and reused blocks, a full
// pool), and error messages. Exit status 0 when all pass.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "nemotron_cuda.h"
#include "reference.h"
#include "selftest_common.h"

using ref::Vec;

// ---------------------------------------------------------------- kernels

static void kernel_tests() {
    {  // matmul, fp32 and bf16 weights, with bias
        int rows = 5, in = 67, out = 33;
        Vec x = randn(rows * in, 1), w = randn(out * in, 2, 0.1f), b = randn(out, 3);
        Vec y(rows * out);
        ok_or_die(nmc_k_matmul(x.data(), rows, in, NMC_F32, w.data(), out, b.data(), y.data()), "matmul");
        expect_close(y, ref::matmul(x, rows, in, w, out, &b), 1e-5, "matmul f32");
        std::vector<uint16_t> wb(w.size()), bb(b.size());
        Vec wr(w.size()), br(b.size());
        for (size_t i = 0; i < w.size(); i++) wr[i] = from_bf16(wb[i] = to_bf16(w[i]));
        for (size_t i = 0; i < b.size(); i++) br[i] = from_bf16(bb[i] = to_bf16(b[i]));
        ok_or_die(nmc_k_matmul(x.data(), rows, in, NMC_BF16, wb.data(), out, bb.data(), y.data()), "matmul bf16");
        expect_close(y, ref::matmul(x, rows, in, wr, out, &br), 1e-5, "matmul bf16 weights");
    }
    {
        int rows = 3, dim = 100;
        Vec x = randn(rows * dim, 4), w = randn(dim, 5), y(rows * dim);
        ok_or_die(nmc_k_rms_norm(x.data(), rows, dim, NMC_F32, w.data(), 1e-5f, y.data()), "rms_norm");
        expect_close(y, ref::rms_norm(x, rows, dim, w, 1e-5), 1e-5, "rms_norm");
        // group 24 and 1280 (Nano-9B-v2's): the warp kernel (norm.cu gated_norm_warp); 30 (not a
        // multiple of 4) and 2048 (over its 1536): the block kernel
        for (auto [gdim, groups] : {std::pair{96, 4}, std::pair{10240, 8}, std::pair{90, 3}, std::pair{4096, 2}}) {
            Vec gy = randn(rows * gdim, 6), gz = randn(rows * gdim, 7), gw = randn(gdim, 8), go(rows * gdim);
            ok_or_die(nmc_k_gated_group_rms_norm(gy.data(), gz.data(), rows, gdim, groups, NMC_F32, gw.data(), 1e-5f, go.data()), "gated");
            expect_close(go, ref::gated_norm(gy, gz, rows, gdim, groups, gw, 1e-5), 1e-5,
                         "gated group rms_norm group " + std::to_string(gdim / groups));
        }
    }
    {
        Vec x = randn(1000, 9, 8.0f);
        for (int kind = 0; kind < 3; kind++) {
            Vec y = x;
            ok_or_die(nmc_k_activation(kind, y.data(), (int)y.size()), "activation");
            Vec want(x.size());
            for (size_t i = 0; i < x.size(); i++) {
                double v = x[i];
                want[i] = (float)(kind == 0 ? ref::silu(v) : kind == 1 ? (v > 0 ? v * v : 0) : ref::softplus(v));
            }
            expect_close(y, want, 1e-6, std::string("activation ") + (kind == 0 ? "silu" : kind == 1 ? "relu2" : "softplus"));
        }
    }
    for (auto [L, K] : {std::pair{19, 4}, std::pair{2, 4}, std::pair{70, 4}, std::pair{40, 3}, std::pair{33, 5}}) {
        // conv1d with a window, also shorter than the window; K 2-4: conv_prefill_fixed, 5: the generic kernel
        int C = 37;
        Vec x = randn(L * C, 10), w = randn(C * K, 11), b = randn(C, 12), win = randn(C * (K - 1), 13);
        Vec win_ref = win, out(L * C);
        Vec want = ref::conv1d(x, L, C, K, w, &b, win_ref);
        ok_or_die(nmc_k_causal_conv1d(x.data(), L, C, K, NMC_F32, w.data(), b.data(), win.data(), out.data()), "conv1d");
        expect_close(out, want, 1e-5, "conv1d L=" + std::to_string(L) + " K=" + std::to_string(K));
        expect_close(win, win_ref, 0, "conv1d window update L=" + std::to_string(L) + " K=" + std::to_string(K));
    }
    struct ScanCase { int H, P, G, N, L, chunk; };
    for (ScanCase sc : {ScanCase{6, 16, 2, 16, 37, 8}, ScanCase{4, 80, 2, 128, 300, 64}, ScanCase{4, 64, 1, 64, 50, 0},
                        ScanCase{2, 8, 2, 5, 9, 4}, ScanCase{3, 5, 1, 7, 20, 6}, ScanCase{2, 16, 2, 200, 40, 16}}) {
        int inner = sc.H * sc.P, gn = sc.G * sc.N;
        Vec x = randn((size_t)sc.L * inner, 14), B = randn((size_t)sc.L * gn, 15), C = randn((size_t)sc.L * gn, 16);
        Vec dt(sc.L * sc.H), a(sc.H), D = randn(sc.H, 17), st = randn((size_t)inner * sc.N, 18, 0.5f);
        std::mt19937 g(19);
        std::uniform_real_distribution<float> u(0.001f, 0.2f);
        for (float &v : dt) v = u(g);
        for (int h = 0; h < sc.H; h++) a[h] = -(1.0f + h);
        Vec st_ref = st, y((size_t)sc.L * inner);
        Vec want = ref::scan(sc.H, sc.P, sc.G, sc.N, sc.L, x, dt, a, B, C, D, st_ref);
        ok_or_die(nmc_k_ssm_scan(sc.H, sc.P, sc.G, sc.N, sc.L, sc.chunk, x.data(), dt.data(), a.data(), B.data(), C.data(),
                                 D.data(), st.data(), y.data()), "scan");
        std::string name = "ssm scan H=" + std::to_string(sc.H) + " P=" + std::to_string(sc.P) + " N=" +
                           std::to_string(sc.N) + " L=" + std::to_string(sc.L) + " chunk=" + std::to_string(sc.chunk);
        expect_close(y, want, 1e-4, name + " y");
        expect_close(st, st_ref, 1e-4, name + " state");
    }
    struct AttnCase { int Q, K, qH, kvH, hd; };
    for (AttnCase ac : {AttnCase{7, 20, 4, 2, 16}, AttnCase{70, 70, 5, 1, 128}, AttnCase{1, 300, 8, 8, 64}, AttnCase{33, 90, 2, 1, 80}}) {
        Vec q = randn((size_t)ac.Q * ac.qH * ac.hd, 20), k = randn((size_t)ac.K * ac.kvH * ac.hd, 21), v = randn((size_t)ac.K * ac.kvH * ac.hd, 22);
        Vec out((size_t)ac.Q * ac.qH * ac.hd);
        double scale = 1.0 / std::sqrt((double)ac.hd);
        ok_or_die(nmc_k_causal_attention(ac.Q, ac.K, ac.qH, ac.kvH, ac.hd, (float)scale, q.data(), k.data(), v.data(), out.data()), "attention");
        expect_close(out, ref::attention(ac.Q, ac.K, ac.qH, ac.kvH, ac.hd, scale, q, k, v), 1e-5,
                     "attention Q=" + std::to_string(ac.Q) + " K=" + std::to_string(ac.K) + " hd=" + std::to_string(ac.hd));
    }
}

// The sampler against the distribution it should draw from: counts of 40,000 draws (one row
// each, positions 0..N-1) against softmax(logits / T) restricted to the nucleus.
static void sampling_tests() {
    const int V = 50, N = 40000;
    Vec logits = randn(V, 30, 1.5f);
    for (float T : {1.0f, 0.7f}) {
        for (float top_p : {1.0f, 0.6f}) {
            // expected probabilities
            std::vector<double> p(V);
            double mx = -1e30, sum = 0;
            for (int i = 0; i < V; i++) mx = std::max(mx, (double)logits[i] / T);
            for (int i = 0; i < V; i++) sum += (p[i] = std::exp(logits[i] / T - mx));
            for (double &x : p) x /= sum;
            std::vector<int> order(V);
            for (int i = 0; i < V; i++) order[i] = i;
            std::sort(order.begin(), order.end(), [&](int a, int b) { return p[a] > p[b]; });
            std::vector<bool> kept(V, false);
            double mass = 0;
            for (int i : order) {  // smallest set of most likely tokens with mass >= top_p
                if (mass >= top_p) break;
                kept[i] = true;
                mass += p[i];
            }
            Vec rows((size_t)N * V);
            std::vector<nmc_sampling> params(N, nmc_sampling{T, top_p, 1234});
            std::vector<int32_t> positions(N), out(N);
            for (int r = 0; r < N; r++) {
                std::copy(logits.begin(), logits.end(), rows.begin() + (size_t)r * V);
                positions[r] = r;
            }
            ok_or_die(nmc_k_sample(rows.data(), N, V, params.data(), positions.data(), out.data()), "sample");
            std::vector<int> count(V, 0);
            bool outside = false;
            for (int t : out) {
                if (t < 0 || t >= V || !kept[t]) outside = true;
                else count[t]++;
            }
            double chi2 = 0;
            int dof = -1;
            for (int i = 0; i < V; i++) {
                if (!kept[i]) continue;
                double e = N * p[i] / mass;
                chi2 += (count[i] - e) * (count[i] - e) / e;
                dof++;
            }
            // chi-square: mean dof, sd sqrt(2 dof); 5 sd is a false alarm once in millions
            double limit = dof + 5 * std::sqrt(2.0 * std::max(dof, 1));
            char buf[160];
            snprintf(buf, sizeof buf, "sampling T=%.1f top_p=%.1f: %d draws follow the nucleus distribution (chi2 %.1f, %d dof, limit %.1f)",
                     T, top_p, N, chi2, dof, limit);
            check(!outside && chi2 < limit, buf);
        }
    }
    // greedy: the first index of the maximum
    Vec tie(V, 0.0f);
    tie[7] = tie[31] = 3.0f;
    nmc_sampling greedy{0.0f, 1.0f, 0};
    int32_t pos = 0, tok = -1;
    ok_or_die(nmc_k_sample(tie.data(), 1, V, &greedy, &pos, &tok), "sample greedy");
    check(tok == 7, "greedy sampling takes the first of tied maxima");
}

// ---------------------------------------------------------------- model

struct Shape {
    int vocab, d, mlp, qH, kvH, hd, mH, P, G, N, chunk;
    const char *pattern;
};

static nmc_model *random_model(const Shape &s, int dtype, uint64_t seed, int tied = 0, bool finalize = true) {
    nmc_config c{};
    c.abi_version = NMC_ABI_VERSION;
    c.vocab_size = s.vocab;
    c.hidden_size = s.d;
    c.num_layers = (int)strlen(s.pattern);
    c.pattern = s.pattern;
    c.intermediate_size = s.mlp;
    c.num_attention_heads = s.qH;
    c.num_key_value_heads = s.kvH;
    c.head_dim = s.hd;
    c.mamba_num_heads = s.mH;
    c.mamba_head_dim = s.P;
    c.n_groups = s.G;
    c.ssm_state_size = s.N;
    c.conv_kernel = 4;
    c.chunk_size = s.chunk;
    c.norm_eps = 1e-5f;
    c.dt_min = 0.0f;
    c.dt_max = INFINITY;
    c.use_conv_bias = 1;
    c.compute_dtype = dtype;
    c.tie_word_embeddings = tied;
    nmc_model *m = nullptr;
    ok_or_die(nmc_model_create(&c, 0, &m), "model create");
    ok_or_die(nmc_model_init_random(m, seed), "init random");
    if (finalize) ok_or_die(nmc_model_finalize(m), "finalize");
    return m;
}

static std::vector<int32_t> tokens(int n, int vocab, uint32_t seed) {
    std::mt19937 g(seed);
    std::vector<int32_t> t(n);
    for (int32_t &x : t) x = (int32_t)(g() % vocab);
    return t;
}

static Vec rows_of(const Vec &all, int first, int count, int vocab) {
    return Vec(all.begin() + (size_t)first * vocab, all.begin() + (size_t)(first + count) * vocab);
}

static int argmax(const float *row, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) if (row[i] > row[best]) best = i;
    return best;
}

static void model_tests(const Shape &s, const std::string &label, int L, int split, int max_seq) {
    int V = s.vocab;
    nmc_model *m = random_model(s, NMC_F32, 42);
    nmc_session *ss = nullptr;
    ok_or_die(nmc_session_create(m, 4, max_seq, 64, &ss), "session");
    std::vector<int32_t> t = tokens(L, V, 7);
    // a. all logits of one prefill (in pieces of 64)
    Vec all((size_t)L * V);
    ok_or_die(nmc_prefill(ss, 0, t.data(), L, 1, all.data()), "prefill all");
    check(nmc_slot_length(ss, 0) == L, label + " slot length after prefill");
    // b. prefill `split`, then decode the rest one token at a time
    Vec last(V), step(V);
    ok_or_die(nmc_prefill(ss, 1, t.data(), split, 0, last.data()), "prefill split");
    expect_close(last, rows_of(all, split - 1, 1, V), 2e-4, label + " last-token logits of a prefill");
    double worst = 0;
    for (int i = split; i < L; i++) {
        int32_t slot = 1;
        ok_or_die(nmc_decode(ss, 1, &slot, &t[i], step.data()), "decode");
        worst = std::max(worst, max_rel_err(step, rows_of(all, i, 1, V)));
    }
    char buf[96];
    snprintf(buf, sizeof buf, " (max err %.2e)", worst);
    check(worst < 5e-4, label + " decode token by token equals prefill" + buf);
    // c. batched decode of 3 slots with different lengths equals single decodes
    int lens[3] = {10, 17, 3};
    int32_t slots[3] = {0, 2, 3};
    nmc_session *single = nullptr;
    ok_or_die(nmc_session_create(m, 4, max_seq, 64, &single), "session 2");
    for (int j = 0; j < 3; j++) {
        ok_or_die(nmc_slot_reset(ss, slots[j]), "reset");
        ok_or_die(nmc_prefill(ss, slots[j], t.data() + j, lens[j], 0, nullptr), "prefill batch");
        ok_or_die(nmc_prefill(single, slots[j], t.data() + j, lens[j], 0, nullptr), "prefill single");
    }
    worst = 0;
    for (int stepi = 0; stepi < 5; stepi++) {
        int32_t next[3] = {t[20 + stepi], t[30 + stepi], t[5 + stepi]};
        Vec batch((size_t)3 * V);
        ok_or_die(nmc_decode(ss, 3, slots, next, batch.data()), "batched decode");
        for (int j = 0; j < 3; j++) {
            ok_or_die(nmc_decode(single, 1, &slots[j], &next[j], step.data()), "single decode");
            worst = std::max(worst, max_rel_err(rows_of(batch, j, 1, V), step));
        }
    }
    snprintf(buf, sizeof buf, " (max err %.2e)", worst);
    check(worst < 1e-5, label + " batched decode equals single decodes" + buf);
    // d. graphs off gives the same logits bit for bit
    ok_or_die(nmc_session_use_graphs(single, 0), "graphs off");
    for (int j = 0; j < 3; j++) {
        ok_or_die(nmc_slot_reset(ss, slots[j]), "reset");
        ok_or_die(nmc_slot_reset(single, slots[j]), "reset");
        ok_or_die(nmc_prefill(ss, slots[j], t.data(), 12, 0, nullptr), "prefill");
        ok_or_die(nmc_prefill(single, slots[j], t.data(), 12, 0, nullptr), "prefill");
    }
    Vec with_graph((size_t)3 * V), without((size_t)3 * V);
    int32_t next[3] = {1, 2, 3};
    ok_or_die(nmc_decode(ss, 3, slots, next, with_graph.data()), "decode graph");
    ok_or_die(nmc_decode(single, 3, slots, next, without.data()), "decode no graph");
    check(with_graph == without, label + " decode with and without CUDA graphs identical");
    // e. on-device greedy sampling equals the argmax of the logits
    nmc_sampling greedy[3] = {{0.0f, 1.0f, 1}, {0.0f, 1.0f, 2}, {0.0f, 1.0f, 3}};
    int32_t sampled[3];
    int32_t next2[3] = {4, 5, 6};
    ok_or_die(nmc_decode_sample(ss, 3, slots, next2, greedy, sampled), "decode sample");
    ok_or_die(nmc_decode(single, 3, slots, next2, without.data()), "decode");
    bool same = true;
    for (int j = 0; j < 3; j++) same &= sampled[j] == argmax(without.data() + (size_t)j * V, V);
    check(same, label + " on-device greedy sampling equals argmax");
    // f. nucleus sampling: top_p -> 0 keeps only the most likely token; top_p 1 stays in range
    nmc_sampling nucleus[3] = {{1.0f, 1e-6f, 9}, {0.7f, 1e-6f, 9}, {1.0f, 1.0f, 9}};
    int32_t next3[3] = {7, 8, 9};
    ok_or_die(nmc_decode_sample(ss, 3, slots, next3, nucleus, sampled), "decode sample top-p");
    ok_or_die(nmc_decode(single, 3, slots, next3, without.data()), "decode");
    check(sampled[0] == argmax(without.data(), V) && sampled[1] == argmax(without.data() + V, V) && sampled[2] >= 0 &&
              sampled[2] < V, label + " top-p sampling keeps the nucleus");
    nmc_session_destroy(single);
    nmc_session_destroy(ss);
    // g. BF16 weights and GEMM inputs stay close to FP32 (same random weights, rounded)
    nmc_model *mb = random_model(s, NMC_BF16, 42);
    ok_or_die(nmc_session_create(mb, 1, max_seq, 64, &ss), "session bf16");
    Vec allb((size_t)L * V);
    ok_or_die(nmc_prefill(ss, 0, t.data(), L, 1, allb.data()), "prefill bf16");
    expect_close(allb, all, 5e-2, label + " BF16 logits close to FP32");
    // the BF16 decode path (skinny GEMM kernel) against the BF16 prefill (cuBLAS)
    ok_or_die(nmc_slot_reset(ss, 0), "reset bf16");
    ok_or_die(nmc_prefill(ss, 0, t.data(), split, 0, nullptr), "prefill bf16 split");
    worst = 0;
    for (int i = split; i < std::min(L, split + 20); i++) {
        int32_t slot = 0;
        ok_or_die(nmc_decode(ss, 1, &slot, &t[i], step.data()), "decode bf16");
        worst = std::max(worst, max_rel_err(step, rows_of(allb, i, 1, V)));
    }
    snprintf(buf, sizeof buf, " (max err %.2e)", worst);
    check(worst < 2e-2, label + " BF16 decode token by token close to BF16 prefill" + buf);
    nmc_session_destroy(ss);
    // BF16 batched decode (cuBLAS) against single decodes (the one-row GEMV): the fp32 sums differ
    // in order, and a last-bit difference can flip the BF16 rounding of a GEMM input, so the
    // tolerance is BF16's, as for decode against prefill

    ok_or_die(nmc_session_create(mb, 4, max_seq, 64, &ss), "session bf16 batch");
    ok_or_die(nmc_session_create(mb, 4, max_seq, 64, &single), "session bf16 single");
    for (int j = 0; j < 3; j++) {
        ok_or_die(nmc_prefill(ss, slots[j], t.data() + j, lens[j], 0, nullptr), "prefill bf16 batch");
        ok_or_die(nmc_prefill(single, slots[j], t.data() + j, lens[j], 0, nullptr), "prefill bf16 single");
    }
    worst = 0;
    for (int stepi = 0; stepi < 4; stepi++) {
        int32_t nx[3] = {t[40 + stepi], t[50 + stepi], t[60 + stepi]};
        Vec batch((size_t)3 * V);
        ok_or_die(nmc_decode(ss, 3, slots, nx, batch.data()), "bf16 batched decode");
        for (int j = 0; j < 3; j++) {
            ok_or_die(nmc_decode(single, 1, &slots[j], &nx[j], step.data()), "bf16 single decode");
            worst = std::max(worst, max_rel_err(rows_of(batch, j, 1, V), step));
        }
    }
    snprintf(buf, sizeof buf, " (max err %.2e)", worst);
    check(worst < 2e-2, label + " BF16 batched decode close to single decodes" + buf);
    nmc_session_destroy(single);
    nmc_session_destroy(ss);
    nmc_model_destroy(mb);
    nmc_model_destroy(m);
}

// FP8 weights (nmc_model_quantize_fp8) against the same BF16 model: prefill logits (the
// dequantise + cuBLAS path) close to BF16, greedy agreement reported; decode token by token (the
// FP8 GEMV, 1 row) and batched decode of 2 to 64 rows (the CUDA-core and tensor-core GEMVs) equal to prefill up to
// BF16 rounding of the dequantised weights; the call's errors.
static void fp8_tests(const Shape &s, const std::string &label, int L, int split, int max_seq, int block) {
    int V = s.vocab;
    std::vector<int32_t> t = tokens(L, V, 11);
    nmc_model *ref = random_model(s, NMC_BF16, 5);
    nmc_session *ss = nullptr;
    ok_or_die(nmc_session_create(ref, 4, max_seq, 64, &ss), "session bf16");
    Vec want((size_t)L * V);
    ok_or_die(nmc_prefill(ss, 0, t.data(), L, 1, want.data()), "prefill bf16");
    nmc_session_destroy(ss);
    int64_t bf16_bytes = nmc_model_weight_bytes(ref);
    nmc_model_destroy(ref);
    nmc_model *m = random_model(s, NMC_BF16, 5);
    std::string name = label + (block ? " fp8 block " + std::to_string(block) : " fp8 per-channel");
    ok_or_die(nmc_model_quantize_fp8(m, block), "quantize");
    check(nmc_model_weight_bytes(m) < bf16_bytes * 3 / 4, name + ": weights smaller than BF16");
    ok_or_die(nmc_session_create(m, 4, max_seq, 64, &ss), "session fp8");
    Vec all((size_t)L * V);
    ok_or_die(nmc_prefill(ss, 0, t.data(), L, 1, all.data()), "prefill fp8");
    double num = 0, den = 0;
    int agree = 0;
    for (int i = 0; i < L; i++) {
        agree += argmax(all.data() + (size_t)i * V, V) == argmax(want.data() + (size_t)i * V, V);
    }
    for (size_t i = 0; i < all.size(); i++) {
        num += ((double)all[i] - want[i]) * ((double)all[i] - want[i]);
        den += (double)want[i] * want[i];
    }
    char buf[128];
    snprintf(buf, sizeof buf, " (relative error %.3f, greedy agreement %d/%d)", std::sqrt(num / den), agree, L);
    check(std::sqrt(num / den) < 0.3, name + ": prefill logits close to BF16" + buf);
    ok_or_die(nmc_prefill(ss, 1, t.data(), split, 0, nullptr), "prefill fp8 split");
    double worst = 0;
    Vec step(V);
    for (int i = split; i < std::min(L, split + 12); i++) {
        int32_t slot = 1;
        ok_or_die(nmc_decode(ss, 1, &slot, &t[i], step.data()), "decode fp8");
        worst = std::max(worst, max_rel_err(step, rows_of(all, i, 1, V)));
    }
    snprintf(buf, sizeof buf, " (max err %.2e)", worst);
    check(worst < 2e-2, name + ": decode (FP8 GEMV) close to prefill (dequantised + cuBLAS)" + buf);
    nmc_session_destroy(ss);
    // batched decode of R rows: the CUDA-core GEMV (2 rows; 3-8 where `in` is no multiple of 64)
    // and the tensor-core one (3-64 rows), each row equal to prefill's row up to BF16 rounding
    ok_or_die(nmc_session_create(m, 64, max_seq, 64, &ss), "session fp8 64 slots");
    for (int R : {2, 3, 5, 8, 11, 16, 24, 40, 64}) {
        std::vector<int32_t> slots(R), next(R, t[split + 12]);
        for (int j = 0; j < R; j++) {
            slots[j] = 63 - j;  // slots in descending order: rows of x are not slots in order
            ok_or_die(nmc_slot_reset(ss, slots[j]), "reset fp8 rows");
            ok_or_die(nmc_prefill(ss, slots[j], t.data(), split + 12, 0, nullptr), "prefill fp8 rows");
        }
        Vec batch((size_t)R * V);
        ok_or_die(nmc_decode(ss, R, slots.data(), next.data(), batch.data()), "decode fp8 rows");
        worst = 0;
        for (int j = 0; j < R; j++) worst = std::max(worst, max_rel_err(rows_of(batch, j, 1, V), rows_of(all, split + 12, 1, V)));
        snprintf(buf, sizeof buf, " (max err %.2e)", worst);
        check(worst < 2e-2, name + ": " + std::to_string(R) + "-row decode close to prefill" + buf);
    }
    nmc_session_destroy(ss);
    expect_error(nmc_model_quantize_fp8(m, block), "FP8 already", name + ": second quantisation rejected");
    int64_t shape[1] = {s.d};
    std::vector<float> w(s.d, 1.0f);
    expect_error(nmc_model_set_tensor(m, "backbone.norm_f.weight", NMC_F32, 1, shape, w.data()), "quantised", name + ": set_tensor after quantisation rejected");
    nmc_model_destroy(m);
    nmc_model *f32 = random_model(s, NMC_F32, 5);
    expect_error(nmc_model_quantize_fp8(f32, 0), "NMC_BF16", "fp8 needs BF16 compute");
    nmc_model *bf16 = random_model(s, NMC_BF16, 6);
    expect_error(nmc_model_quantize_fp8(bf16, 100), "multiple of 16", "fp8 block size checked");
    nmc_model_destroy(bf16);
    nmc_model_destroy(f32);
}

// Paged KV cache: two sequences grown in interleaved pieces (so their blocks alternate in the pool)
// give bit-identical logits to the same calls made one sequence after the other (blocks in order);
// a pool exhausted mid-decode fails that call with a message and changes nothing; a reset slot's
// blocks go back to the pool and serve the retried call, whose logits match again.
static void paged_tests(const Shape &s, int dtype, const std::string &label) {
    int V = s.vocab;
    nmc_model *m = random_model(s, dtype, 17);
    const int piece = 10, pieces = 3, steps = 24;
    std::vector<int32_t> t = tokens(piece * pieces + steps, V, 21), u = tokens(piece * pieces + steps, V, 22);
    nmc_session *P = nullptr, *R = nullptr;
    ok_or_die(nmc_session_create_paged(m, 3, 128, 64, 9, &P), "session paged");
    ok_or_die(nmc_session_create(m, 3, 128, 64, &R), "session full pool");
    int B = nmc_session_kv_block_tokens(P);
    check(B == 16 && nmc_session_kv_blocks(P) == 9 && nmc_session_kv_free_blocks(P) == 9 &&
              nmc_session_kv_blocks(R) == 3 * ((128 + B - 1) / B),
          label + " paged: pool sizes (9 asked; default = slots x ceil(max_seq / 16))");
    check(nmc_session_kv_block_bytes(P) > 0, label + " paged: block bytes reported");
    // slot 2 takes blocks 0-1 in P
    ok_or_die(nmc_prefill(P, 2, t.data(), 20, 0, nullptr), "prefill slot 2");
    ok_or_die(nmc_prefill(R, 2, t.data(), 20, 0, nullptr), "prefill slot 2 (R)");
    check(nmc_session_kv_free_blocks(P) == 7, label + " paged: 20 tokens hold 2 blocks");
    // P: slots 0 and 1 alternate piece by piece; R: all of slot 0, then all of slot 1
    Vec p0(V), p1(V), r0(V), r1(V);
    std::vector<Vec> pp0, pp1;
    for (int i = 0; i < pieces; i++) {
        ok_or_die(nmc_prefill(P, 0, t.data() + i * piece, piece, 0, p0.data()), "prefill P0");
        ok_or_die(nmc_prefill(P, 1, u.data() + i * piece, piece, 0, p1.data()), "prefill P1");
        pp0.push_back(p0);
        pp1.push_back(p1);
    }
    bool same = true;
    for (int i = 0; i < pieces; i++) {
        ok_or_die(nmc_prefill(R, 0, t.data() + i * piece, piece, 0, r0.data()), "prefill R0");
        same &= r0 == pp0[i];
    }
    for (int i = 0; i < pieces; i++) {
        ok_or_die(nmc_prefill(R, 1, u.data() + i * piece, piece, 0, r1.data()), "prefill R1");
        same &= r1 == pp1[i];
    }
    check(same, label + " paged: interleaved prefill pieces equal contiguous ones (bit for bit)");
    check(nmc_session_kv_free_blocks(P) == 3, label + " paged: 30 tokens each hold 2 blocks");
    // batched decode of slots 0 and 1 across block boundaries; P runs out at the 4th block
    int32_t slots[2] = {0, 1};
    Vec pb((size_t)2 * V), rb((size_t)2 * V);
    bool equal = true, failed_cleanly = false, retried = false;
    for (int step = 0; step < steps; step++) {
        int32_t next[2] = {t[piece * pieces + step], u[piece * pieces + step]};
        ok_or_die(nmc_decode(R, 2, slots, next, rb.data()), "decode R");
        int len = nmc_slot_length(P, 0);
        if (nmc_decode(P, 2, slots, next, pb.data()) != NMC_OK) {
            std::string msg = nmc_last_error();
            failed_cleanly = len == 48 && msg.find("KV cache is full") != std::string::npos &&
                             msg.find("pool's 9") != std::string::npos && nmc_slot_length(P, 0) == len &&
                             nmc_slot_length(P, 1) == len && nmc_session_kv_free_blocks(P) == 1;
            printf("     (expected) %s\n", msg.c_str());
            ok_or_die(nmc_slot_reset(P, 2), "reset slot 2");
            retried = nmc_session_kv_free_blocks(P) == 3;
            ok_or_die(nmc_decode(P, 2, slots, next, pb.data()), "decode P after reset");
        }
        equal &= pb == rb;
    }
    check(failed_cleanly, label + " paged: decode beyond the pool fails with a message, lengths and free blocks unchanged");
    check(retried, label + " paged: a reset slot's blocks return to the pool");
    check(equal, label + " paged: batched decode over scattered and reused blocks equals the full pool (bit for bit)");
    check(nmc_session_kv_free_blocks(P) == 1, label + " paged: 54 tokens each hold 4 blocks");
    int32_t long_prompt[40] = {0};
    expect_error(nmc_prefill(P, 2, long_prompt, 40, 0, nullptr), "KV cache is full", label + " paged: prefill beyond the pool rejected");
    check(nmc_slot_length(P, 2) == 0 && nmc_session_kv_free_blocks(P) == 1, label + " paged: rejected prefill changes nothing");
    ok_or_die(nmc_slot_reset(P, 0), "reset 0");
    ok_or_die(nmc_slot_reset(P, 1), "reset 1");
    check(nmc_session_kv_free_blocks(P) == 9, label + " paged: every block free after the resets");
    nmc_session_destroy(P);
    nmc_session_destroy(R);
    nmc_model_destroy(m);
}

static void error_tests() {
    Shape s{100, 32, 64, 2, 1, 16, 4, 8, 1, 8, 8, "M*-"};
    nmc_config c{};
    c.abi_version = NMC_ABI_VERSION;
    c.vocab_size = 100;
    c.hidden_size = 32;
    c.num_layers = 3;
    c.pattern = "MX-";
    c.compute_dtype = NMC_F32;
    nmc_model *m = nullptr;
    expect_error(nmc_model_create(&c, 0, &m), "'X'", "unknown layer type rejected");
    m = random_model(s, NMC_F32, 1);
    float w[32] = {0};
    int64_t bad_shape[1] = {33};
    expect_error(nmc_model_set_tensor(m, "backbone.norm_f.weight", NMC_F32, 1, bad_shape, w), "[32]", "wrong shape rejected");
    int64_t shape[1] = {32};
    expect_error(nmc_model_set_tensor(m, "backbone.layers.9.norm.weight", NMC_F32, 1, shape, w), "layers.9", "unknown tensor rejected");
    check(nmc_model_set_tensor(m, "backbone.norm_f.weight", NMC_F32, 1, shape, w) == NMC_OK, "prefixed name accepted");
    nmc_session *ss = nullptr;
    ok_or_die(nmc_session_create(m, 2, 16, 8, &ss), "session");
    int32_t toks[20] = {0};
    expect_error(nmc_prefill(ss, 0, toks, 20, 0, nullptr), "allows 16", "overlong prefill rejected");
    int32_t bad = 100;
    expect_error(nmc_prefill(ss, 0, &bad, 1, 0, nullptr), "outside the vocabulary", "token outside vocab rejected");
    int32_t slots[2] = {1, 1}, tk[2] = {1, 2};
    expect_error(nmc_decode(ss, 2, slots, tk, nullptr), "listed twice", "duplicate slot rejected");
    nmc_model *unfinished = nullptr;
    nmc_config c2 = c;
    c2.pattern = "M*-";
    c2.intermediate_size = 64; c2.num_attention_heads = 2; c2.num_key_value_heads = 1; c2.head_dim = 16;
    c2.mamba_num_heads = 4; c2.mamba_head_dim = 8; c2.n_groups = 1; c2.ssm_state_size = 8; c2.conv_kernel = 4;
    ok_or_die(nmc_model_create(&c2, 0, &unfinished), "model create");
    expect_error(nmc_model_finalize(unfinished), "missing", "finalize names missing weights");
    nmc_model_destroy(unfinished);
    nmc_session_destroy(ss);
    nmc_model_destroy(m);
}

#include "selftest_prefill.h"
#include "selftest_decode_gemm.h"
#include "selftest_gemv_fp8.h"
#include "selftest_lm_head_fp8.h"
#include "selftest_decode_fuse.h"
#include "selftest_decode_pdl.h"
#include "selftest_decode_scan.h"
#include "selftest_ssd.h"

int main() {
    int n = nmc_device_count();
    if (n <= 0) {
        printf("SKIP no CUDA device: %s\n", n < 0 ? nmc_last_error() : "0 devices");
        return 2;
    }
    char desc[256];
    nmc_device_describe(0, desc, sizeof desc);
    printf("device: %s\n", desc);
    kernel_tests();
    sampling_tests();
    model_tests(Shape{300, 64, 96, 4, 2, 16, 8, 16, 2, 16, 8, "M*-M-*M-"}, "tiny", 100, 37, 128);
    model_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, "nano-like heads", 300, 200, 600);
    prefill_attention_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, "nano-like heads bf16", 300, 200, 600);
    prefill_attention_tests(Shape{512, 256, 512, 8, 2, 64, 8, 80, 2, 128, 64, "M-*M-M*"}, "hd 64 bf16", 200, 150, 400);
    prefill_attention_kernel_tests();
    for (int block : {-1, 0, 128})
        decode_gemm_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, "nano-like heads", 100, block);
    gemv_fp8_kernel_tests();
    for (int block : {0, 128}) {
        for (bool tied : {false, true}) {
            lm_head_fp8_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, "nano-like heads", block, tied);
        }
        // hidden 80 (no multiple of 64): the head past 8 rows in 8-row CUDA-core GEMV pieces
        lm_head_fp8_tests(Shape{300, 80, 96, 4, 2, 16, 8, 16, 2, 16, 8, "M*-M-*M-"}, "hidden 80", block, false);
    }
    lm_head_fp8_error_tests(Shape{300, 64, 96, 4, 2, 16, 8, 16, 2, 16, 8, "M*-M-*M-"});
    lm_head_fp8_timing();
    decode_fuse_kernel_tests();
    decode_fuse_gated_tests();
    decode_fuse_gated_gemv_tests();
    decode_fuse_conv_tests();
    for (int block : {-1, 0, 128})
        decode_fuse_model_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, "nano-like heads", 100, block);
    for (int block : {-1, 0, 128})
        decode_pdl_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, "nano-like heads", 100, block);
    for (int block : {-1, 0, 128})
        decode_scan_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, "nano-like heads", 100, block);
    fp8_tests(Shape{300, 64, 96, 4, 2, 16, 8, 16, 2, 16, 8, "M*-M-*M-"}, "tiny", 80, 40, 128, 0);
    fp8_tests(Shape{300, 64, 96, 4, 2, 16, 8, 16, 2, 16, 8, "M*-M-*M-"}, "tiny", 80, 40, 128, 16);
    fp8_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, "nano-like heads", 300, 200, 600, 128);
    fp8_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, "nano-like heads", 300, 200, 600, 0);
    paged_tests(Shape{300, 64, 96, 4, 2, 16, 8, 16, 2, 16, 8, "M*-M-*M-"}, NMC_F32, "tiny");
    paged_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, NMC_BF16, "nano-like heads bf16");
    error_tests();
    ssd_kernel_tests();
    ssd_model_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 64, "M-*M-M*"}, "nano-like heads", 300);
    // config chunk 256: the chunked scan's workspace holds 2 fused chunks, so the fused scan runs in
    // segments of 128 tokens (forward.cu prefill_scan), each continuing from the state
    ssd_model_tests(Shape{512, 256, 512, 10, 2, 128, 8, 80, 2, 128, 256, "M-*M-M*"}, "nano-like heads chunk 256 (segments)", 300);
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
