/*
 * nemotron_cuda.h: the C ABI of libnemotron_cuda.so, the native CUDA backend of the Nemotron SDK.
 *
 * Bound from Java with the FFM API (plugins/backend-cuda, dev.nemotron.backend.cuda.ffi).
 * Conventions:
 *   - every function returning int returns NMC_OK (0) on success and NMC_ERR (-1) on failure;
 *     nmc_last_error() then returns a message for the calling thread (valid until its next call);
 *   - host pointers are plain host memory (Java heap segments are not allowed: use native
 *     memory / Arena); nothing is retained after a call returns, except where stated;
 *   - tensors are dense, row-major, little-endian; shapes follow the HF checkpoint layout;
 *   - a model and its sessions are used from one thread at a time.
 */
#ifndef NEMOTRON_CUDA_H
#define NEMOTRON_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NMC_ABI_VERSION 2
#define NMC_OK 0
#define NMC_ERR (-1)

/* Element types (host tensors handed to the library, and the model's compute type). */
#define NMC_F32 0
#define NMC_BF16 1
#define NMC_F16 2
/* Training GEMM precision only (nmc_trainer_set_gemm_precision): FP8 E4M3 block-scaled operands. */
#define NMC_FP8 3

typedef struct nmc_model nmc_model;
typedef struct nmc_session nmc_session;

/* The model's hyper-parameters (HF config.json of a NemotronH model). */
typedef struct {
    int32_t abi_version;          /* NMC_ABI_VERSION */
    int32_t vocab_size;
    int32_t hidden_size;
    int32_t num_layers;
    const char *pattern;          /* num_layers chars: 'M' Mamba-2, '*' attention, '-' MLP */
    int32_t intermediate_size;    /* MLP width */
    int32_t num_attention_heads;
    int32_t num_key_value_heads;
    int32_t head_dim;
    int32_t mamba_num_heads;
    int32_t mamba_head_dim;
    int32_t n_groups;
    int32_t ssm_state_size;
    int32_t conv_kernel;
    int32_t chunk_size;           /* prefill scan chunk (tokens) */
    float norm_eps;               /* layer_norm_epsilon */
    float dt_min;                 /* time_step_limit[0] (0 = no lower clamp) */
    float dt_max;                 /* time_step_limit[1] (INFINITY = no upper clamp) */
    int32_t mamba_proj_bias;      /* 0/1: in_proj/out_proj biases */
    int32_t use_conv_bias;        /* 0/1 */
    int32_t attention_bias;       /* 0/1: q/k/v/o biases */
    int32_t mlp_bias;             /* 0/1: up/down biases */
    int32_t tie_word_embeddings;  /* 0/1 */
    int32_t compute_dtype;        /* NMC_F32 (fp32 weights, fp32 GEMMs, no TF32) or NMC_BF16
                                     (bf16 weights, bf16 GEMM inputs, fp32 accumulation,
                                     fp32 residual stream and SSM state) */
} nmc_config;

/* Per-row sampling parameters for on-device sampling. temperature <= 0 means greedy. */
typedef struct {
    float temperature;
    float top_p;                  /* (0, 1]; 1 = no nucleus cut */
    uint64_t seed;                /* the draw for a row is a function of (seed, slot length) */
} nmc_sampling;

/* ---- library and device ---- */

int nmc_abi_version(void);
const char *nmc_last_error(void);
/* Number of visible CUDA devices (>= 0), or NMC_ERR when the driver/runtime cannot be used
 * (the message says why: no driver, driver too old, ...). */
int nmc_device_count(void);
/* One line describing device `device`: name, compute capability, memory, driver and runtime
 * versions. Writes at most buflen bytes including the terminating NUL. */
int nmc_device_describe(int device, char *buf, int buflen);

/* Measured HBM bandwidth of `device`: device-to-device copies of `bytes` bytes, `iters` times,
 * timed with CUDA events; *gb_per_s counts bytes read plus bytes written (the roofline the
 * benchmarks compare decode against). */
int nmc_device_bandwidth(int device, int64_t bytes, int iters, double *gb_per_s);

/* ---- model: weights on the device ---- */

int nmc_model_create(const nmc_config *config, int device, nmc_model **out);
/* Uploads one checkpoint tensor by its HF name (e.g. "backbone.layers.3.mixer.in_proj.weight";
 * the prefixes "backbone.", "model." are both accepted), converting from `dtype` to the compute
 * type. The shape must match the config; unknown names are an error. */
int nmc_model_set_tensor(nmc_model *model, const char *name, int dtype, int ndim,
                         const int64_t *shape, const void *host_data);
/* Fills every weight with deterministic pseudo-random values generated on the device (for
 * benchmarks of shapes with no checkpoint): linear weights ~ U(-a, a) with a = 1/sqrt(fan_in),
 * norms 1, A_log = log(1..16), dt_bias ~ softplus^-1(U(0.001, 0.1)), D = 1. */
int nmc_model_init_random(nmc_model *model, uint64_t seed);
/* Checks that every weight has been set; required before sessions are created. */
int nmc_model_finalize(nmc_model *model);
/* Quantises the linear layers' weights (Mamba in/out_proj, attention q/k/v/o, MLP up/down; not
 * the embedding, nor lm_head unless asked: nmc_model_quantize_lm_head_fp8 below) to FP8 E4M3 with
 * fp32 scales, after nmc_model_finalize, before any session: block = 0 one scale per output channel, block = 128 one per 128 x 128 block (any
 * multiple of 16 from 16 to 1024). W ~ Q * scale, scale = amax / 448. The BF16 copies are freed;
 * activations stay BF16 (decode of 1-8 rows reads the FP8 weights directly; more rows dequantise
 * each matrix to BF16 for cuBLAS). Needs compute_dtype NMC_BF16; once only. */
int nmc_model_quantize_fp8(nmc_model *model, int block);
/* Quantises lm_head to FP8 E4M3 the same way (block as above, or -1: the FP8 linear layers' block,
 * quantised at load or set from an FP8 checkpoint; hidden_size a multiple of 16), after
 * nmc_model_finalize, before any session; compute_dtype NMC_BF16. Untied: in place of its BF16
 * copy (vocab x hidden bytes less). Tied to the embedding: the BF16 table stays for the token
 * lookup and the head gets an FP8 copy (vocab x hidden bytes MORE; one line on stderr says so).
 * Every logits path then reads it (decode of any rows, prefill's last or all rows) through the FP8
 * GEMVs, in pieces of at most 64 rows. A second call with the same block does nothing; another
 * block is an error. The environment switch NMC_FP8_LM_HEAD=1 (unset/0: off; another value: an
 * error) makes nmc_model_quantize_fp8, and nmc_model_finalize of an FP8 checkpoint, call it (-1). */
int nmc_model_quantize_lm_head_fp8(nmc_model *model, int block);
/* Sets one linear weight of an FP8 checkpoint (Mamba in/out_proj, attention q/k/v/o_proj, MLP
 * up/down_proj) from its E4M3 codes q [out, in] and fp32 scales [scale_rows, scale_cols]
 * (block = 0: [out, 1]; else [ceil(out/block), ceil(in/block)]), W = Q * scale, as they are: no
 * BF16 copy is made (the weight's BF16 buffer is freed). Instead of nmc_model_set_tensor for that
 * weight, before nmc_model_finalize; compute_dtype NMC_BF16; one block size for all weights. q, k
 * and v go into the fused matrix (with blocks that do not align to the q/k/v boundaries, each row
 * keeps its block's scales). Decode then reads the FP8 weights as after nmc_model_quantize_fp8. */
int nmc_model_set_fp8_tensor(nmc_model *model, const char *name, int64_t out, int64_t in, const uint8_t *q,
                             int block, int64_t scale_rows, int64_t scale_cols, const float *scale);
int64_t nmc_model_weight_bytes(const nmc_model *model);
void nmc_model_destroy(nmc_model *model);

/* ---- session: caches for up to max_slots sequences ---- */

/* max_seq_len bounds each slot's length; max_prefill_tokens bounds one prefill call. The KV cache
 * is paged: every attention layer has a pool of blocks of nmc_session_kv_block_tokens tokens, taken
 * by a slot as it grows (prefill, decode) and given back by nmc_slot_reset. nmc_session_create
 * sizes the pool for the worst case (every slot at max_seq_len, rounded up to blocks). */
int nmc_session_create(nmc_model *model, int max_slots, int max_seq_len, int max_prefill_tokens,
                       nmc_session **out);
/* As nmc_session_create with a pool of kv_blocks blocks (shared by all slots; 0 = the worst case,
 * larger values are capped to it). A prefill or decode that needs more blocks than are free fails
 * with a message and changes nothing. Ignored for models without attention layers (pool 0). */
int nmc_session_create_paged(nmc_model *model, int max_slots, int max_seq_len,
                             int max_prefill_tokens, int64_t kv_blocks, nmc_session **out);
/* Blocks of each attention layer's pool, blocks free now, tokens per block (16, the library's
 * constant: session may be NULL), and device bytes of one block over all attention layers (K and
 * V). A slot of L tokens holds ceil(L / 16) blocks. */
int64_t nmc_session_kv_blocks(const nmc_session *session);
int64_t nmc_session_kv_free_blocks(const nmc_session *session);
int nmc_session_kv_block_tokens(const nmc_session *session);
int64_t nmc_session_kv_block_bytes(const nmc_session *session);
void nmc_session_destroy(nmc_session *session);
/* Empties a slot (length 0, zero conv/SSM state) and gives its KV blocks back to the pool. */
int nmc_slot_reset(nmc_session *session, int slot);
/* Tokens seen by the slot, or NMC_ERR. */
int nmc_slot_length(nmc_session *session, int slot);
/* Device bytes held by the session's caches and work buffers. */
int64_t nmc_session_bytes(const nmc_session *session);
/* Capture decode steps as CUDA graphs (one per batch size, captured on first use); default on. */
int nmc_session_use_graphs(nmc_session *session, int enable);

/* Appends n tokens to `slot` (n <= max_prefill_tokens). When logits_out is not NULL:
 * all_logits = 0 writes the last token's logits [vocab]; all_logits = 1 writes [n, vocab]. */
int nmc_prefill(nmc_session *session, int slot, const int32_t *tokens, int n, int all_logits,
                float *logits_out);
/* One token per listed slot (distinct slots), decoded together; logits_out [n, vocab] or NULL. */
int nmc_decode(nmc_session *session, int n, const int32_t *slots, const int32_t *tokens,
               float *logits_out);
/* As nmc_decode, then samples the next token of each row on the device (params[n]); only the
 * n sampled tokens come back. */
int nmc_decode_sample(nmc_session *session, int n, const int32_t *slots, const int32_t *tokens,
                      const nmc_sampling *params, int32_t *tokens_out);

/* ---- single kernels on host arrays (copy in, run, copy out), for the Backend SPI's kernel
 * interfaces and conformance tests; slow by design. Weights: dtype NMC_F32/BF16/F16. ---- */

/* The FP8 quantisation kernel of nmc_model_quantize_fp8 on a BF16 matrix w [out, in] (raw bits):
 * q_out [out, in] E4M3 codes, scale_out [out] (block 0) or [ceil(out/block) * ceil(in/block)]. */
int nmc_k_quantize_fp8(const uint16_t *w_bf16, int out, int in, int block, uint8_t *q_out, float *scale_out);

/* Decode's FP8 GEMV on host arrays: y [rows, out] = x [rows, in] (rounded to BF16) . (q * scale)^T
 * + beta y (y in/out), q [out, in] E4M3 codes, scale as nmc_k_quantize_fp8's (block 0: per channel),
 * by the warp-per-row kernel (gemv_fp8, 1 to 8 rows). ms (nullable): device milliseconds a run, the
 * average of `reps` runs after the one whose output is returned (beta 0 then). */
int nmc_k_gemv_fp8(int rows, int in, int out, int block, const uint8_t *q, const float *scale, const float *x,
                   float beta, float *y, int reps, float *ms);

/* The decode fusions of NMC_DECODE_FUSE on host arrays (test hooks). nmc_k_norm_gemv: y [rows, out] =
 * BF16(RMSNorm(h) * norm_w) . W^T + beta y, rows 1-2, h [rows, dim]; kind 0 W BF16 bits [out, dim]
 * (gemv_bf16, 1 row), 1 E4M3 codes through gemv_fp8 (scale as nmc_k_gemv_fp8's);
 * fused 0: rms_norm then the GEMV, 1: the GEMV with the norm inside. nmc_k_gated_norm_decode: the gated
 * group RMSNorm (y [rows, dim], z rows of z_stride) by today's kernels (fused 0) or the decode-rows
 * kernel (1, rows 1-2), out in out_dtype NMC_F32 / NMC_BF16 returned as fp32. ms (nullable): device
 * milliseconds a run (of both kernels when unfused), the average of `reps` after the returned one. */
int nmc_k_norm_gemv(int fused, int kind, int rows, int dim, int out, int block, const float *h, const float *norm_w,
                    float eps, const void *w, const float *scale, float beta, float *y, int reps, float *ms);
int nmc_k_gated_norm_decode(int fused, int rows, int dim, int groups, int z_stride, const float *y, const float *z,
                            const float *w, float eps, int out_dtype, float *out, int reps, float *ms);
/* nmc_k_norm_gemv_relu2: act [rows, out] = BF16(relu(nmc_k_norm_gemv's y (beta 0) + bias)^2) returned as
 * fp32, bias [out] nullable; fused 0: rms_norm, the GEMV, add_bias, relu2; 1: the GEMV with the norm and
 * the relu2 epilogue inside (NMC_DECODE_FUSE's mlp.up). */
/* nmc_k_gated_gemv: y_out [rows, out] = BF16(gated norm of y, z (as nmc_k_gated_norm_decode's, gnorm_w,
 * `groups` groups)) . W^T + beta y_out, W as nmc_k_norm_gemv's (dim = its in); fused 0: today's gated norm
 * kernel to BF16 then the GEMV, 1: the GEMV with the gated norm inside (NMC_DECODE_FUSE's out_proj). */
/* nmc_k_norm_gemv_conv: mamba.in_proj at decode: y [rows, out] as nmc_k_norm_gemv's (beta 0), then the
 * conv1d step (conv_w [channels, conv_k], conv_b nullable, SiLU) of y's columns [first, first + channels)
 * into xbc [rows, channels], row r with the window windows[slots[r]] ([slots_n, channels, conv_k - 1],
 * in/out); fused 0: rms_norm, the GEMV, conv_step; 1: the GEMV with the norm and the conv step inside. */
int nmc_k_norm_gemv_conv(int fused, int kind, int rows, int dim, int out, int block, const float *h, const float *norm_w,
                         float eps, const void *w, const float *scale, int first, int channels, int conv_k, const float *conv_w,
                         const float *conv_b, int slots_n, const int32_t *slots, float *windows, float *y, float *xbc, int reps,
                         float *ms);
int nmc_k_gated_gemv(int fused, int kind, int rows, int dim, int groups, int z_stride, const float *y, const float *z,
                     const float *gnorm_w, float eps, int out, int block, const void *w, const float *scale, float beta,
                     float *y_out, int reps, float *ms);
int nmc_k_norm_gemv_relu2(int fused, int kind, int rows, int dim, int out, int block, const float *h, const float *norm_w,
                          float eps, const void *w, const float *scale, const float *bias, float *act, int reps, float *ms);

int nmc_k_matmul(const float *x, int rows, int in, int w_dtype, const void *w, int out_features,
                 const void *bias /* nullable, w_dtype */, float *out);
int nmc_k_rms_norm(const float *x, int rows, int dim, int w_dtype, const void *w, float eps,
                   float *out);
int nmc_k_gated_group_rms_norm(const float *y, const float *z, int rows, int dim, int groups,
                               int w_dtype, const void *w, float eps, float *out);
/* kind: 0 silu, 1 relu2, 2 softplus; in place */
int nmc_k_activation(int kind, float *x, int n);
/* window [C, K-1] nullable, in/out */
int nmc_k_causal_conv1d(const float *x, int seq_len, int channels, int kernel, int w_dtype,
                        const void *w, const void *bias /* nullable */, float *window,
                        float *out);
/* chunk_size <= 0: recurrent form; state [H,P,N] nullable, in/out; d nullable */
int nmc_k_ssm_scan(int heads, int head_dim, int groups, int state_size, int seq_len,
                   int chunk_size, const float *x, const float *dt, const float *a,
                   const float *b, const float *c, const float *d, float *state, float *y);
/* The on-device sampler on host logits [rows, vocab]: row r draws with params[r] at position
 * positions[r] (the counter of its random number); tokens_out[rows]. */
int nmc_k_sample(const float *logits, int rows, int vocab, const nmc_sampling *params,
                 const int32_t *positions, int32_t *tokens_out);
int nmc_k_causal_attention(int queries, int keys, int q_heads, int kv_heads, int head_dim,
                           float scale, const float *q, const float *k, const float *v,
                           float *out);
/* Inference prefill's causal attention of one chunk of `rows` queries after a cached prefix of len0
 * tokens, on host arrays, through a one-slot paged BF16 cache. impl 0: the fp32 kernel
 * (attention.cu), 1: wmma (attention_tc.cu; head_dim a multiple of 16 up to 128), 2: flash
 * (attention_flash.cu), 3: mma (attention_mma.cu; 2 and 3: head_dim 64 or 128, else an error), -1:
 * as env NMC_PREFILL_ATTENTION picks in a session. q [rows, q_heads head_dim] (query r at position
 * len0 + r), k, v [len0 + rows, kv_heads head_dim] (rounded to BF16 in the cache); out [rows, q_heads
 * head_dim] in out_dtype (NMC_F32 floats or NMC_BF16 bits). ms (nullable): device milliseconds a
 * run, the average of `reps` runs after the one whose output is returned. */
int nmc_k_prefill_attention(int impl, int rows, int len0, int q_heads, int kv_heads, int head_dim, float scale,
                            const float *q, const float *k, const float *v, int out_dtype, void *out, int reps,
                            float *ms);

/* The trainer's causal GQA attention on host arrays: qkv [batch * seq_len, (q_heads + 2 kv_heads)
 * head_dim] fused rows (q | k | v), scale 1/sqrt(head_dim); out [batch * seq_len, q_heads head_dim].
 * impl 0: the materialised reference (L x L scores per head, fp32 cuBLAS); impl 1: the fp32 flash
 * kernels (memory O(L); the F32 trainer's); impl 2: the flash kernels on tensor cores (BF16 operands,
 * fp32 accumulation; head_dim 64 or 128, else an error; the BF16 trainer's); impl 3: impl 2 with the
 * register-resident forward (flash_mma_tile.cuh). The trainer's choice can be forced with env
 * NMC_TRAIN_ATTENTION=flash|tc|materialised|mma. lse_out [batch, q_heads, seq_len]
 * (nullable; impl 1 to 3): the
 * logsumexp of each query row's scores. dout [batch * seq_len, q_heads head_dim] and dqkv (same
 * layout as qkv) nullable together: the backward. *ms (nullable): device time of the computation. */
/* The trainer's FP8 fake quantisation (nmc_trainer_set_gemm_precision) of x [rows, cols] in blocks of
 * block_rows x block_cols: out (dequantised values, nullable), codes (E4M3 bits, nullable), scales
 * [ceil(rows/block_rows) * ceil(cols/block_cols)] (nullable). */
int nmc_k_fake_quant_fp8(const float *x, int rows, int cols, int block_rows, int block_cols, float *out,
                         uint8_t *codes, float *scales);
/* The three GEMMs of one trainer linear layer in `precision` (NMC_F32, NMC_BF16, NMC_FP8; see
 * nmc_trainer_set_gemm_precision): x [rows, k], w [n, k], dy [rows, ld_dy] (first n columns);
 * y = x w^T [rows, n], dx = dy w [rows, k], dw = dy^T x [n, k]. */
int nmc_k_train_linear(int precision, int rows, int n, int k, const float *x, const float *w, const float *dy,
                       int ld_dy, float *y, float *dx, float *dw);
/* nmc_k_train_linear's FP8 GEMMs through impl 0 (the fake-quant reference), 1 (cuBLASLt block-scaled
 * E4M3; NMC_ERR with the reason when it cannot run) or -1 (as the trainer: cuBLASLt when available);
 * *lt_calls (nullable): how many of the three GEMMs ran through cuBLASLt. */
int nmc_k_train_linear_fp8(int impl, int rows, int n, int k, const float *x, const float *w, const float *dy,
                           int ld_dy, float *y, float *dx, float *dw, int64_t *lt_calls);
/* The trainer's causal GQA attention on host arrays (self-tests): impl 0 materialised fp32, 1 flash
 * fp32, 2 tensor cores (WMMA), 3 the register-resident forward with the WMMA backward, 4 the
 * register-resident forward and backward (NMC_TRAIN_ATTENTION=mma-bwd); *ms: device time. */
int nmc_k_train_attention(int impl, int batch, int seq_len, int q_heads, int kv_heads, int head_dim,
                          const float *qkv, const float *dout, float *out, float *lse_out, float *dqkv,
                          float *ms);
/* The trainer's Mamba-2 selective scan on host arrays. impl 0: the sequential reference (state up
 * to 256), impl 1: the chunked SSD form the trainer runs (NMC_TRAIN_SCAN=sequential selects impl 0
 * in the trainer), impl 2: the fused tensor-core forward (BF16 operands) and, with dy, the experimental fused backward (ssd_fused_bwd.cu)
 * a BF16 trainer's forward runs; impl 3: impl 1 with the backward's intra-chunk part on tensor cores
 * (ssd_tc_bwd.cu, NMC_TRAIN_SCAN=tc-bwd; head_dim a multiple of 16 up to 128); dtype NMC_F32 or NMC_BF16: impl 1's and 3's GEMM inputs. xbc [batch * seq_len, H P +
 * 2 G N] rows x | B | C, dt [batch * seq_len, H] (final dt), a_log [H] (A = -exp(a_log)), d [H];
 * y [batch * seq_len, H P] = scan + D x. dy (nullable; then dxbc, ddt, da_log, dd are required):
 * the backward: dxbc (as xbc), ddt (as dt), da_log [H], dd [H]. ms (nullable) [2]: device
 * milliseconds of the forward and of the backward. */
int nmc_k_train_scan(int impl, int dtype, int batch, int seq_len, int heads, int head_dim, int groups, int state,
                     const float *xbc, const float *dt, const float *a_log, const float *d, const float *dy,
                     float *y, float *dxbc, float *ddt, float *da_log, float *dd, float *ms);
/* Inference prefill's scan of one sequence on host arrays. impl 0: the chunked fp32 scan (chunks
 * of chunk_size; <= 0 or >= seq_len: one), impl 1: the fused tensor-core SSD (ssd_fused.cu), impl 2:
 * the split one (ssd2.cu) (BF16 operands; chunk ignored), as NMC_PREFILL_SCAN chooses in a session. x [L, H P], dt [L, H] (raw when dt_bias [H]
 * is given: dt = clamp(softplus(dt + dt_bias), dt_min, dt_max)), a [H] (negative), b, c [L, G N],
 * d [H] nullable, state [H, P, N] nullable (zeros) in/out, y [L, H P]. ms (nullable): device
 * milliseconds a run, the average of `reps` runs after the one whose outputs are returned. */
int nmc_k_prefill_scan(int impl, int heads, int head_dim, int groups, int state_size, int seq_len, int chunk_size,
                       const float *x, const float *dt, const float *dt_bias, float dt_min, float dt_max,
                       const float *a, const float *b, const float *c, const float *d, float *state, float *y,
                       int reps, float *ms);

/* The trainer's backward kernels that sum over rows (kernels/train_reduce.cu) on host arrays, dense
 * rows, for the self-test; the parameter gradients are added to what the arrays hold.
 * conv1d (depthwise, causal, kernel taps, then silu): in, dout, din [batch * seq_len, channels],
 *   w, dw [channels, kernel], bias, dbias [channels] (both nullable: no bias).
 * RMSNorm over `groups` groups of each row: x, dy, dx [rows, dim] (dx written), w, dw [dim],
 *   rstd [rows, groups] (1 / rms of each group).
 * dt = clamp(softplus(raw + bias), lo, hi): raw, ddt, draw [rows, heads], bias, dbias [heads]. */
int nmc_k_train_conv_backward(int batch, int seq_len, int channels, int kernel, const float *in, const float *w,
                              const float *bias, const float *dout, float *din, float *dw, float *dbias);
int nmc_k_train_rms_backward(int rows, int dim, int groups, const float *x, const float *w, const float *rstd,
                             const float *dy, float *dx, float *dw);
int nmc_k_train_dt_backward(int rows, int heads, float lo, float hi, const float *raw, const float *bias,
                            const float *ddt, float *draw, float *dbias);

/* The loss head's fused cross-entropy (kernels/train_xent.cu) on host arrays, for the self-test:
 * logits [rows, vocab], labels [rows] (< 0 ignored), weights [rows] (nullable: scale for every row).
 * loss [rows] = logsumexp - logit[label] (0 when ignored); dlogits (nullable: no gradient) [rows,
 * vocab] = (softmax - onehot) * (weights[r] or scale), computed in fp32 in place when bf16 is 0, or
 * written in BF16 (returned widened to float) when bf16 is 1, as the BF16 trainer's head does. */
int nmc_k_train_cross_entropy(int rows, int vocab, const float *logits, const int32_t *labels, float scale,
                              const float *weights, int bf16, float *loss, float *dlogits);

/* ---- training: fp32 master weights, gradients and AdamW moments on the device ----
 * A trainer declares its parameters from the config by their HF names ("backbone.embeddings.weight",
 * "backbone.layers.<i>.mixer.in_proj.weight", ..., "backbone.norm_f.weight", "lm_head.weight" unless
 * tied). compute_dtype picks the GEMM inputs: NMC_F32 (pedantic fp32, no TF32) or NMC_BF16 (BF16
 * inputs, fp32 accumulation); everything else is fp32. One saved forward at a time. */
typedef struct nmc_trainer nmc_trainer;
#define NMC_TRAIN_WEIGHT 0
#define NMC_TRAIN_GRAD 1
#define NMC_TRAIN_EXP_AVG 2
#define NMC_TRAIN_EXP_AVG_SQ 3

int nmc_trainer_create(const nmc_config *config, int device, nmc_trainer **out);
void nmc_trainer_destroy(nmc_trainer *trainer);
int nmc_trainer_param_count(const nmc_trainer *trainer);
/* name (NUL-terminated, name_len bytes at most), shape[4], ndim of parameter i */
int nmc_trainer_param_info(const nmc_trainer *trainer, int i, char *name, int name_len, int64_t *shape, int *ndim);
/* Uploads a weight (slot NMC_TRAIN_WEIGHT) or a moment (EXP_AVG, EXP_AVG_SQ) from dtype host data. */
int nmc_trainer_set_tensor(nmc_trainer *trainer, const char *name, int slot, int dtype, int ndim,
                           const int64_t *shape, const void *data);
/* Downloads a slot (weight, gradient sum, moments) as fp32. */
int nmc_trainer_get_tensor(nmc_trainer *trainer, const char *name, int slot, float *out);
/* Whether AdamW decays the parameter (default 1). */
int nmc_trainer_set_decay(nmc_trainer *trainer, const char *name, int decay);
int nmc_trainer_init_random(nmc_trainer *trainer, uint64_t seed);
/* ids, labels [rows, seq_len]; label -100 ignored. *loss: mean cross-entropy over the *tokens kept. */
int nmc_trainer_forward(nmc_trainer *trainer, const int32_t *ids, const int32_t *labels, int rows, int seq_len,
                        double *loss, int64_t *tokens);
/* Adds the gradients of the last forward's mean loss (or, after nmc_trainer_set_token_weights, of the
 * weighted sum below). */
int nmc_trainer_backward(nmc_trainer *trainer);
/* After a forward: out[rows * seq_len] = log p(label) per position (log-softmax of the label's logit),
 * 0 where the label is ignored. A loss L that is a function of these log-probs (DPO, GRPO) back-propagates
 * through nmc_trainer_set_token_weights with w = -dL/dlogp. */
int nmc_trainer_token_logprobs(nmc_trainer *trainer, float *out);
/* After a forward: the next backward adds the gradients of sum_r w[r] * CE_r (CE_r = -log p(label_r);
 * ignored positions add nothing) instead of the mean CE; w: rows * seq_len finite host floats, copied.
 * Cleared by the backward and by the next forward. */
int nmc_trainer_set_token_weights(nmc_trainer *trainer, const float *w);
/* Mean of the backward passes' gradients since the last step, clipped to max_norm (<= 0: none),
 * AdamW (torch's); *grad_norm: the norm before clipping (not finite: no update). Clears them. */
int nmc_trainer_step(nmc_trainer *trainer, double lr, double max_norm, double beta1, double beta2, double eps,
                     double weight_decay, double *grad_norm);
/* The GEMM precision of one linear layer (weight `name`: in/out_proj, q/k/v/o_proj, up/down_proj, an
 * untied lm_head), default the config's compute_dtype: NMC_F32, NMC_BF16, or NMC_FP8 = the Nemotron
 * Nano 2 recipe as the Java CPU simulation (FakeQuantGemm): operands fake-quantised to E4M3 with
 * scale amax/448 per block (weights 128x128; activations and gradients 1x128 along the contraction
 * axis, 128x1 over tokens for the weight gradient), then an fp32 GEMM; master weights, gradients and
 * moments stay fp32. */
int nmc_trainer_set_gemm_precision(nmc_trainer *trainer, const char *name, int precision);
/* Soft targets (logit distillation, `nemotron distill`; src/train_head_soft.cu): the NEXT
 * nmc_trainer_forward over `positions` = rows * seq_len positions, and its backward, minimise a KL
 * between a teacher's distribution and the student's at temperature T instead of the cross-entropy
 * (nemotron-compress's DistillationLoss). Per position t with label != -100 (n of them), over the
 * support S_t of k tokens: ids [positions, k] distinct token ids (NULL: k == vocab, every token in
 * order), logits [positions, k] the teacher's logits on S_t (finite, copied). u = z_student / T,
 * w = teacher / T, log p = w - lse_S(w), log q = u - lse_S(u);
 *   divergence 0 (forward): l_t = sum_S p (log p - log q);  1 (reverse): l_t = sum_S q (log q - log p)
 *   forward's *loss = sum_t T^2 l_t / n;  backward: dz[t, v] = (T / n) dl_t/du_v on S_t, 0 elsewhere.
 * Targets not used by the next forward are dropped; a forward of another size is an error. While
 * they are in use, token weights are ignored and nmc_trainer_token_logprobs returns -T^2 l_t. */
int nmc_trainer_set_soft_targets(nmc_trainer *trainer, int64_t positions, int k, const int32_t *ids,
                                 const float *logits, double temperature, int divergence);
/* The soft-target head's kernel on host arrays: student logits z [rows, vocab], labels [rows]
 * (-100: not counted), ids / teacher [rows, k] as nmc_trainer_set_soft_targets; scale = 1 / n.
 * loss [rows] = T^2 l_t (0 where not counted); dz [rows, vocab] (nullable) = T scale dl_t/du. */
int nmc_k_train_soft_targets(int rows, int vocab, int k, const float *z, const int32_t *labels, const int32_t *ids,
                             const float *teacher, double temperature, int divergence, double scale, float *loss,
                             float *dz);
int64_t nmc_trainer_steps(const nmc_trainer *trainer);
int nmc_trainer_set_steps(nmc_trainer *trainer, int64_t steps);
/* ---- data parallelism (NCCL, loaded at run time: src/nccl.cu; the trainer's side: src/train_dp.cu) ----
 * NCCL is dlopen'ed on first use: env NMC_NCCL_LIBRARY, then "libnccl.so.2" on the loader's path,
 * then PyTorch's pip layout (site-packages/nvidia/nccl/lib/libnccl.so.2 under the usual Python
 * prefixes, $VIRTUAL_ENV and $CONDA_PREFIX). Returns 1 when NCCL is usable (buf: its version),
 * 0 when not (buf: the reason, naming every place tried), NMC_ERR on bad arguments. */
int nmc_nccl_status(char *buf, size_t len);
#define NMC_DP_ID_BYTES 128
/* A fresh group id (ncclGetUniqueId: NMC_DP_ID_BYTES opaque bytes into out, len >= that) for rank 0
 * to hand to every rank of the group. */
int nmc_trainer_dp_unique_id(nmc_trainer *trainer, uint8_t *out, int len);
/* Joins group `id` as `rank` of `size` (ncclCommInitRank; blocks until every rank joined, at most
 * env NMC_NCCL_TIMEOUT_S seconds, default 600). Every rank must hold the same weights. From then on
 * each backward all-reduces (sums) the gradients over the ranks in fixed buckets as backward
 * completes them, on a communication stream; step divides by size * micro-batches, clips to the
 * global norm, runs AdamW on this rank's ZeRO-1 shard of the flat parameter space and all-gathers
 * the weights; the moments keep this rank's shard only (get_tensor of a moment gathers the whole
 * tensor: a collective, every rank calls it in the same order). size 1 gives bit-identical results
 * to not joining. Errors (a rank died, a timeout) name NCCL's error string. */
int nmc_trainer_dp_join(nmc_trainer *trainer, const uint8_t *id, int rank, int size);
/* All-reduce benchmark over devices 0..ndev-1 of this process (ncclCommInitAll; one thread drives all
 * through ncclGroupStart/End): fp32 sum of `bytes` per device, `iters` timed after 5 warm-ups;
 * *ms: mean time of one all-reduce. bus bandwidth = bytes / ms * 2 (ndev - 1) / ndev (nccl-tests). */
int nmc_nccl_bench_allreduce(int ndev, int64_t bytes, int iters, double *ms);
/* The dense GEMM peak of `device` measured now: n x n x n GEMMs in dtype (NMC_F32 pedantic, NMC_BF16
 * with fp32 accumulation), *tflops = 2 n^3 iters / seconds. The training benchmark's MFU reference. */
int nmc_gemm_peak(int device, int dtype, int n, int iters, double *tflops);
/* The block-scaled FP8 E4M3 GEMM rate of `device` through cuBLASLt (the trainer's FP8 GEMMs): n x n x n
 * (n a multiple of 128), A in 128x128-block scales, B in 1x128 scales, fp32 out; NMC_ERR naming the
 * reason when that path is unavailable (no cuBLASLt 12.9+, not Hopper, the probe failed). */
int nmc_gemm_peak_fp8(int device, int n, int iters, double *tflops);
/* The trainer's FP8 GEMM path on `device`: returns 1 when cuBLASLt block-scaled FP8 GEMMs are available
 * (probed once per process against a host reference), 0 when not (the fake-quant fp32 GEMMs run),
 * NMC_ERR on bad arguments. buf (nullable with len 0): the probe's report, one line per step, then
 * "fp8 gemm: cublaslt N, fallback M (last: reason)". *lt_calls / *fallback_calls (nullable): the
 * trainer's FP8 GEMMs so far through cuBLASLt / through the fallback. Env NMC_FP8_GEMM=fakequant
 * keeps the trainer on the reference; =cublaslt makes an unavailable cuBLASLt path an error. */
int nmc_fp8_gemm_status(int device, char *buf, size_t len, int64_t *lt_calls, int64_t *fallback_calls);

#ifdef __cplusplus
}
#endif
#endif
