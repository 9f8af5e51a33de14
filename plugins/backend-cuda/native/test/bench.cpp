// Native benchmark of libnemotron_cuda.so on random weights (no JVM involved), for kernel work:
// prefill tok/s at one length, decode tok/s at several batch sizes with on-device greedy
// sampling, each next to the HBM roofline measured in the same run. One JSON object per line.
// The user-facing command is `nemotron bench --backend cuda` (docs/backend-cuda.md).
//
//   nmc_bench --preset nano9b|hybrid260m|hybrid1b|attn8b [--dtype bf16|f32] [--batch 1,8,64] [--isl 128]
//             [--osl 256] [--prefill 8192] [--fp8 none|channel|block] [--graphs 0|1]
//             [--variants "NAME=V,NAME=V;NAME=V"]
// --variants: the decode batches run once per ';'-separated set of environment settings (each
// NAME=V set, NAME= unset; every name any set mentions is unset before each set), on the same
// model and bandwidth figure, e.g. "NMC_DECODE_GEMM=old;NMC_DECODE_GEMM=skinny,NMC_SKINNY_SPLIT=waves".
// attn8b: the attention-only ~8B shape of issue 16 (36 x `*-`, hidden 4096, 32/8 heads of 128,
// relu2 MLP 18432: the weight bytes of Qwen3-8B's gated MLP of 12288). --fp8 quantises the linear
// layers after the random init (nmc_model_quantize_fp8; block = 128 x 128 blocks).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench_args.h"
#include "bench_common.h"
#include "bench_presets.h"

static std::vector<std::string> split_on(const std::string &s, char sep) {
    std::vector<std::string> out;
    for (size_t pos = 0; pos <= s.size();) {
        size_t end = s.find(sep, pos);
        if (end == std::string::npos) end = s.size();
        if (end > pos) out.push_back(s.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

// Applies one --variants set (after unsetting every name in `names`).
static void apply_variant(const std::string &set, const std::vector<std::string> &names) {
    for (auto &n : names) unsetenv(n.c_str());
    for (auto &kv : split_on(set, ',')) {
        size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
            fprintf(stderr, "error: --variants item '%s' is not NAME=VALUE\n", kv.c_str());
            exit(2);
        }
        std::string v = kv.substr(eq + 1);
        if (v.empty()) unsetenv(kv.substr(0, eq).c_str());
        else setenv(kv.substr(0, eq).c_str(), v.c_str(), 1);
    }
}

static const char *env_or(const char *name, const char *fallback) {
    const char *v = getenv(name);
    return v != nullptr && *v ? v : fallback;
}

int main(int argc, char **argv) {
    std::string name = "hybrid260m", dtype_s = "bf16", batches = "1,8,64", fp8 = "none", variants;
    int isl = 128, osl = 256, prefill = 8192, graphs = 1;
    BenchArgs args;
    args.text("--preset", &name).text("--dtype", &dtype_s).text("--batch", &batches).integer("--isl", &isl);
    args.integer("--osl", &osl).integer("--prefill", &prefill).integer("--graphs", &graphs).text("--fp8", &fp8);
    args.text("--variants", &variants);
    if (!args.parse(argc, argv, 1)) return 2;
    int dtype = dtype_s == "f32" ? NMC_F32 : NMC_BF16;
    nmc_config c = preset(name, dtype);
    char desc[256];
    die(nmc_device_count() > 0 ? NMC_OK : NMC_ERR, "device");
    die(nmc_device_describe(0, desc, sizeof desc), "describe");
    double bw = 0;
    die(nmc_device_bandwidth(0, 2LL << 30, 20, &bw), "bandwidth");
    nmc_model *m = nullptr;
    die(nmc_model_create(&c, 0, &m), "model");
    die(nmc_model_init_random(m, 1), "init");
    die(nmc_model_finalize(m), "finalize");
    if (fp8 != "none") die(nmc_model_quantize_fp8(m, fp8 == "block" ? 128 : 0), "quantize fp8");
    int64_t wbytes = nmc_model_weight_bytes(m);
    int eb = dtype == NMC_F32 ? 4 : 2;
    int64_t embed_bytes = (int64_t)c.vocab_size * c.hidden_size * eb;  // gathered, not streamed (BF16 with --fp8 too)
    int n_mamba = 0, n_attn = 0;
    for (const char *p = c.pattern; *p; p++) { n_mamba += *p == 'M'; n_attn += *p == '*'; }
    int64_t state_bytes = (int64_t)n_mamba * ((int64_t)c.mamba_num_heads * c.mamba_head_dim * c.ssm_state_size +
                          ((int64_t)c.mamba_num_heads * c.mamba_head_dim + 2LL * c.n_groups * c.ssm_state_size) * (c.conv_kernel - 1)) * 4;
    printf("{\"preset\":\"%s\",\"fp8\":\"%s\",\"dtype\":\"%s\",\"device\":\"%s\",\"hbm_gb_per_s\":%.0f,\"weight_bytes\":%lld}\n", name.c_str(), fp8.c_str(),
           dtype_s.c_str(), desc, bw, (long long)wbytes);
    std::mt19937 g(3);
    auto random_tokens = [&](int n) { std::vector<int32_t> t(n); for (auto &x : t) x = (int32_t)(g() % c.vocab_size); return t; };
    if (prefill > 0) {  // prefill
        nmc_session *s = nullptr;
        die(nmc_session_create(m, 1, prefill, prefill, &s), "prefill session");
        std::vector<int32_t> t = random_tokens(prefill);
        die(nmc_prefill(s, 0, t.data(), std::min(prefill, 512), 0, nullptr), "warm-up");
        double best = 1e30;
        for (int rep = 0; rep < 3; rep++) {
            die(nmc_slot_reset(s, 0), "reset");
            double t0 = now();
            die(nmc_prefill(s, 0, t.data(), prefill, 0, nullptr), "prefill");
            best = std::min(best, now() - t0);
        }
        const char *attn = getenv("NMC_PREFILL_ATTENTION");  // which prefill attention kernel (attention_flash.cu)
        printf("{\"phase\":\"prefill\",\"tokens\":%d,\"seconds\":%.4f,\"tokens_per_s\":%.0f,\"attention\":\"%s\"}\n", prefill, best,
               prefill / best, attn != nullptr && *attn ? attn : "mma (default)");
        nmc_session_destroy(s);
    }
    std::vector<std::string> sets = split_on(variants, ';'), names;
    for (auto &set : sets)
        for (auto &kv : split_on(set, ',')) names.push_back(kv.substr(0, kv.find('=')));
    if (sets.empty()) sets.push_back("");
    for (const std::string &variant : sets) {
    if (!variant.empty()) apply_variant(variant, names);
    for (size_t pos = 0; pos < batches.size();) {
        size_t comma = batches.find(',', pos);
        int B = atoi(batches.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos).c_str());
        pos = comma == std::string::npos ? batches.size() : comma + 1;
        nmc_session *s = nullptr;
        die(nmc_session_create(m, B, isl + osl + 8, std::max(isl, 1), &s), "decode session");
        die(nmc_session_use_graphs(s, graphs), "graphs");
        std::vector<int32_t> slots(B), cur(B), next(B);
        std::vector<nmc_sampling> params(B, nmc_sampling{0.0f, 1.0f, 0});
        double t_prefill0 = now();
        for (int b = 0; b < B; b++) {
            slots[b] = b;
            std::vector<int32_t> t = random_tokens(isl);
            die(nmc_prefill(s, b, t.data(), isl, 0, nullptr), "prefill");
            cur[b] = t.back();
        }
        double t_prefill = now() - t_prefill0;
        die(nmc_decode_sample(s, B, slots.data(), cur.data(), params.data(), next.data()), "warm-up decode");  // captures the graph
        double t0 = now();
        for (int step = 1; step < osl; step++) {
            die(nmc_decode_sample(s, B, slots.data(), next.data(), params.data(), cur.data()), "decode");
            std::swap(cur, next);
        }
        double dt = now() - t0;
        int steps = osl - 1;
        double tok_s = (double)B * steps / dt;
        // bytes one decode step must move: streamed weights, B embedding rows, fp32 state read
        // and written, and the KV cache at the mean context length
        double ctx = isl + osl / 2.0;
        double kv = (double)n_attn * ctx * c.num_key_value_heads * c.head_dim * 2 * eb;
        double bytes = (double)(wbytes - (c.tie_word_embeddings ? 0 : embed_bytes)) + B * (2.0 * state_bytes + kv + c.hidden_size * eb);
        double roof = B / (bytes / (bw * 1e9));
        const char *gemm = getenv("NMC_DECODE_GEMM");  // 9-64 rows: auto (skinny for FP8 per-channel only), skinny or old
        printf("{\"phase\":\"decode\",\"batch\":%d,\"isl\":%d,\"osl\":%d,\"decode_tokens_per_s\":%.1f,\"ms_per_step\":%.3f,"
               "\"roofline_tokens_per_s\":%.1f,\"fraction_of_roofline\":%.3f,\"end_to_end_output_tokens_per_s\":%.1f,"
               "\"decode_gemm\":\"%s\",\"skinny_split\":\"%s\",\"skinny_warp\":\"%s\",\"skinny_kernel\":\"%s\",\"decode_scan\":\"%s\",\"variant\":\"%s\"}\n",
               B, isl, osl, tok_s, 1e3 * dt / steps, roof, tok_s / roof, (double)B * osl / (dt + t_prefill),
               gemm != nullptr && *gemm ? gemm : "auto", env_or("NMC_SKINNY_SPLIT", "waves"), env_or("NMC_SKINNY_WARP", "auto"), env_or("NMC_SKINNY_KERNEL", "auto"),
               env_or("NMC_DECODE_SCAN", "vec"),
               variant.c_str());
        fflush(stdout);
        nmc_session_destroy(s);
    }
    }
    nmc_model_destroy(m);
    return 0;
}
