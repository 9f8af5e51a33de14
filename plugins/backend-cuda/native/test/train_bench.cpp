// Native training benchmark of libnemotron_cuda.so (nmc_trainer_*) on random weights: tokens/s of
// full training steps (forward, backward, AdamW) and the model FLOP utilisation against the dense
// GEMM peak measured in the same process (nmc_gemm_peak, same dtype). One JSON object per line.
//
//   nmc_train_bench --preset hybrid260m|hybrid1b [--dtype f32|bf16|fp8] [--seq 4096] [--batch 1] [--steps 3]
//                   [--accum 1]
//
// --accum K: K micro-batches of --batch sequences (forward and backward each, gradients summed) before
// each optimizer step, as a global batch of K x batch sequences is trained; "step_ms" is then the time
// of the K micro-batches and the one AdamW step, and tokens/s and MFU count K x batch x seq tokens.
//
// NMC_TRAIN_ATTENTION=flash|tc|materialised|mma|mma-bwd picks the attention kernels (default: tensor cores for
// bf16, fp32 flash otherwise; printed as "attention"). NMC_TRAIN_SCAN=fused|chunked|sequential|tc-bwd picks
// the scan's forward (default: the fused tensor-core forward for bf16, kernels/ssd_fused.cu; the
// recompute before backward is chunked; tc-bwd: the default forward, the backward's intra-chunk part
// on tensor cores, kernels/ssd_tc_bwd.cu; printed on stderr). The chunked scan's forward is kept for
// the backward where it fits (the default; NMC_TRAIN_SCAN_SAVE=0 recomputes it instead; the forward
// then runs it chunked, on TF32 unless NMC_TRAIN_SCAN_FWD=fp32; src/train_mamba.cu scan_save_decide;
// printed on stderr).
// fp8: the FP8 recipe (nmc_trainer_set_gemm_precision): the first and last 4 linear layers (model
// order, lm_head last) BF16, the others FP8 E4M3: cuBLASLt block-scaled FP8 GEMMs when available,
// else fake-quantised operands with fp32 GEMMs (env NMC_FP8_GEMM=fakequant forces those); the
// trainer's compute type BF16 (attention on tensor cores, as the recipe keeps BF16 outside the FP8
// layers; until 2026-12-06 23:20 UTC it was F32, which put the attention on the fp32 kernels). MFU against the BF16 peak; "fp8_gemm" names the path the FP8 GEMMs took (counts of
// cuBLASLt and fallback GEMMs over the run) and "fp8_peak_tflops" is the 8192^3 block-scaled FP8
// GEMM rate measured in the same process (0 when that path is unavailable).
//
// Model FLOPs per token (the usual MFU convention: useful work only, no recompute, causal half of
// the attention scores): 6 * (parameters of every matrix multiplied: the linear layers and the LM
// head) + per attention layer 6 * q_heads * head_dim * seq (QK^T and PV over L/2 keys on average,
// forward and twice that backward). The scan and element-wise work are not counted.
// The presets: test/bench_presets.h (shared with nmc_bench).
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

// Test hook of the library (src/train_mamba.cu, not in the public header): whether the trainer's
// last forward saved its scans for the backward (NMC_TRAIN_SCAN_SAVE=1 and room).
extern "C" int nmc_trainer_scan_saved(const nmc_trainer *t);

int main(int argc, char **argv) {
    std::string name = "hybrid260m", dtype_name = "bf16";
    int seq = 4096, batch = 1, steps = 3, accum = 1;
    BenchArgs args;
    args.text("--preset", &name).text("--dtype", &dtype_name).integer("--seq", &seq).integer("--batch", &batch);
    args.integer("--steps", &steps).integer("--accum", &accum);
    if (!args.parse(argc, argv, 1)) return 2;
    if (dtype_name != "f32" && dtype_name != "bf16" && dtype_name != "fp8") {
        fprintf(stderr, "error: --dtype must be f32, bf16 or fp8\n");
        return 2;
    }
    bool fp8 = dtype_name == "fp8";
    int dtype = dtype_name == "f32" ? NMC_F32 : NMC_BF16;  // fp8: a BF16 trainer (attention, scan, edge layers)
    if (seq < 1 || batch < 1 || steps < 1 || accum < 1 || accum > 1024) {
        fprintf(stderr, "error: --seq, --batch and --steps must be positive and --accum between 1 and 1024\n");
        return 2;
    }
    // 1. the dense peak, measured now
    double peak = 0;
    int peak_dtype = fp8 ? NMC_BF16 : dtype;
    die(nmc_gemm_peak(0, peak_dtype, 8192, peak_dtype == NMC_F32 ? 5 : 20, &peak), "nmc_gemm_peak");
    double fp8_peak = 0;
    std::string fp8_peak_error;
    if (fp8 && nmc_gemm_peak_fp8(0, 8192, 20, &fp8_peak) != NMC_OK) fp8_peak_error = nmc_last_error();
    // 2. the trainer on random weights
    nmc_config c = preset(name, dtype);
    nmc_trainer *t = nullptr;
    die(nmc_trainer_create(&c, 0, &t), "nmc_trainer_create");
    die(nmc_trainer_init_random(t, 42), "nmc_trainer_init_random");
    int n = nmc_trainer_param_count(t);
    double params = 0, matmul_params = 0;
    std::vector<std::string> linear;  // model order, lm_head last
    for (int i = 0; i < n; i++) {
        char pname[256];
        int64_t shape[4];
        int ndim = 0;
        die(nmc_trainer_param_info(t, i, pname, sizeof pname, shape, &ndim), "nmc_trainer_param_info");
        double numel = 1;
        for (int k = 0; k < ndim; k++) numel *= (double)shape[k];
        params += numel;
        bool embed = strcmp(pname, "backbone.embeddings.weight") == 0;
        if (ndim == 2 && (!embed || c.tie_word_embeddings)) matmul_params += numel;
        std::string pn = pname;
        if (ndim == 2 && !embed) linear.push_back(pn);
    }
    int fp8_layers = 0;
    for (size_t i = 0; fp8 && i < linear.size(); i++) {
        bool edge = i < 4 || i + 4 >= linear.size();
        fp8_layers += !edge;
        die(nmc_trainer_set_gemm_precision(t, linear[i].c_str(), edge ? NMC_BF16 : NMC_FP8), "nmc_trainer_set_gemm_precision");
    }
    int attn_layers = 0;
    for (const char *p = c.pattern; *p; p++) attn_layers += *p == '*';
    double flops_per_token = 6.0 * matmul_params + 6.0 * attn_layers * c.num_attention_heads * c.head_dim * (double)seq;
    // 3. random tokens, next-token labels
    std::mt19937 rng(7);
    int64_t rows = (int64_t)batch * seq;
    std::vector<int32_t> ids(rows), labels(rows);
    for (int64_t i = 0; i < rows; i++) ids[i] = (int32_t)(rng() % c.vocab_size);
    for (int64_t i = 0; i < rows; i++) labels[i] = (i + 1) % seq == 0 ? -100 : ids[i + 1];
    auto step = [&](double *loss_out) {
        double loss = 0, norm = 0;
        int64_t tokens = 0;
        for (int a = 0; a < accum; a++) {  // the same tokens each micro-batch: the work is what is timed
            die(nmc_trainer_forward(t, ids.data(), labels.data(), batch, seq, &loss, &tokens), "nmc_trainer_forward");
            die(nmc_trainer_backward(t), "nmc_trainer_backward");
        }
        die(nmc_trainer_step(t, 1e-4, 1.0, 0.9, 0.95, 1e-8, 0.1, &norm), "nmc_trainer_step");
        if (loss_out) *loss_out = loss;
    };
    double first_loss = 0, last_loss = 0;
    step(&first_loss);  // warm-up (allocates the work buffers)
    double t0 = now();
    for (int s = 0; s < steps; s++) step(&last_loss);
    const char *attention = getenv("NMC_TRAIN_ATTENTION");  // unset: tc for bf16 (head_dim 64), else fp32 flash
    double seconds = (now() - t0) / steps;
    int64_t lt_calls = 0, fallback_calls = 0;
    static char status[8192];
    int lt_available = nmc_fp8_gemm_status(0, status, sizeof status, &lt_calls, &fallback_calls);
    const char *last = strstr(status, "fp8 gemm: ");
    std::string path = !fp8 ? "none" : fallback_calls == 0 && lt_calls > 0 ? "cublaslt" : lt_calls == 0 ? "fakequant" : "mixed";
    double tokens_per_s = (double)rows * accum / seconds;
    double achieved = flops_per_token * tokens_per_s / 1e12;
    printf("{\"preset\": \"%s\", \"dtype\": \"%s\", \"seq\": %d, \"batch\": %d, \"accum\": %d, \"params\": %.0f, "
           "\"matmul_params\": %.0f, \"step_ms\": %.1f, \"tokens_per_s\": %.0f, \"model_tflops\": %.2f, "
           "\"peak_tflops\": %.2f, \"peak_dtype\": \"%s\", \"mfu\": %.4f, \"fp8_layers\": %d, \"loss_first\": %.4f, "
           "\"loss_last\": %.4f, \"attention\": \"%s\", \"fp8_gemm\": \"%s\", \"fp8_lt_calls\": %lld, "
           "\"fp8_fallback_calls\": %lld, \"fp8_peak_tflops\": %.2f}\n",
           name.c_str(), dtype_name.c_str(), seq, batch, accum, params, matmul_params, seconds * 1e3, tokens_per_s, achieved,
           peak, peak_dtype == NMC_F32 ? "f32" : "bf16", achieved / peak, fp8_layers, first_loss, last_loss,
           attention ? attention : "default", path.c_str(), (long long)lt_calls, (long long)fallback_calls, fp8_peak);
    const char *scan = getenv("NMC_TRAIN_SCAN");
    const char *save = getenv("NMC_TRAIN_SCAN_SAVE");
    // NMC_TRAIN_SCAN_SAVE unset or 1: saved where it fits (the default); 0: recomputed
    const bool off = save && strcmp(save, "0") == 0, saved = nmc_trainer_scan_saved(t) == 1;
    fprintf(stderr, "scan forward: %s; scan for backward: %s\n",
            scan ? scan : dtype == NMC_F32 ? "chunked (default)" : "fused, tc backward (default)",
            saved ? "saved by the forward"
            : off ? "recomputed (NMC_TRAIN_SCAN_SAVE=0)"
                  : "recomputed: the saved scan did not fit or does not apply");
    if (fp8) {
        fprintf(stderr, "fp8 GEMM path: %s (cuBLASLt %s); %s\n", path.c_str(), lt_available == 1 ? "available" : "unavailable",
                last ? last : status);
        if (!fp8_peak_error.empty()) fprintf(stderr, "fp8 peak: %s\n", fp8_peak_error.c_str());
    }
    nmc_trainer_destroy(t);
    return 0;
}
