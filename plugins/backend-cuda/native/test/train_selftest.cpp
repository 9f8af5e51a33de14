// Self-test of the trainer's kernels on a GPU (issue 18), every line PASS or FAIL:
//   attention  the flash kernels (nmc_k_train_attention impl 1: forward output, logsumexp, dQ, dK,
//              dV) against the materialised reference path (impl 0, L x L scores, fp32 cuBLAS)
//              and against a CPU double reference (test/train_reference.h), causal GQA 5:1, 2:1
//              and 1:1, head_dim 16/64/80/128, L not a multiple of the 32-row tile; then one long
//              sequence (L = 4096) against the reference path with both times printed.
//   attention tc  the tensor-core flash kernels (impl 2, BF16 operands) against the materialised path
//              (out, dQ, dK, dV) and the fp32 flash (out, lse) within 2e-2 of each tensor's largest
//              value: L = 1 .. 300 with ragged tiles, B up to 3, GQA 4:1, 5:1, 1:1, head_dim 64/128;
//              then L = 4096 (32:8 hd 64, 10:2 hd 128) checked the same way with tc, fp32 flash and
//              materialised forward / backward times printed ("INFO train attention timing").
//   fp8        the FP8 fake quantiser of the trainer's FP8 GEMMs (nmc_k_fake_quant_fp8) bit for bit
//              against the CPU reference of nemotron-train's BlockQuantizer (codes, scales, values).
//   linear     the three GEMMs of a trainer linear layer (nmc_k_train_linear) in F32, BF16 and FP8
//              against CPU GEMMs on operands quantised as FakeQuantGemm's rules (which operand, which
//              axis), ragged shapes and a strided dY.
//   scan       the Mamba-2 scan (nmc_k_train_scan): chunked SSD (train_ssd.cu) in fp32 and BF16 and
//              sequential (train_scan.cu) against a CPU double reference (test/ssd_reference.h)
//              and each other, every tensor (y, dx, dB, dC, ddt, dA_log, dD), several shapes; one
//              line per case and path (test/train_selftest_scan.h); L = 4096 times printed, with
//              the chunked scan's per-step times (NMC_SCAN_STEPS); the tensor-core intra-chunk
//              backward (impl 3, ssd_tc_bwd.cu) against both; the trainer with the scan saved by
//              the forward (NMC_TRAIN_SCAN_SAVE=1) against the recompute, and NMC_TRAIN_SCAN=tc-bwd.
//   fp8 lt     the FP8 GEMMs through cuBLASLt block-scaled E4M3 (nmc_k_train_linear_fp8) against the
//              fake-quant reference: the probe's report, shapes with K and N multiples of 128, rows
//              not a multiple of 128 (and of 4), K and N not multiples of 128 (zero-padded codes).
//   fp8 quant  NMC_FP8_QUANT=fused: the one-read dual quantiser against today's two passes (ragged
//              shapes, bit for bit), a linear layer's and a trainer's FP8 GEMMs with it against unset
//              (bit for bit), INFO times of both at hybrid1b's MLP shapes (train_selftest_fp8_quant.h).
//   trainer    the trainer's gradients with NMC_TRAIN_SCAN=sequential against the chunked scan; one
//              training step of a tiny hybrid in F32 and FP8 (nmc_trainer_set_gemm_precision),
//              and the trainer's errors for bad GEMM precisions and a head_dim beyond 256; a BF16
//              trainer with NMC_TRAIN_ATTENTION = flash, tc, materialised, mma, mma-bwd, unset (and a bad value).
//   reduce     the row-summing backward kernels (conv1d, RMSNorm, dt) against double references,
//              the trainer's once-per-step GEMM weight copies (BF16, FP8) and the env switches'
//              errors (train_selftest_reduce.h).
//   mamba rows NMC_MAMBA_ELEM=rows (the Mamba gated norm, conv1d + dt backward as row kernels)
//              against today's kernels and double references, hybrid1b timing lines, the trainer
//              with the switch on vs off in F32 and BF16 (train_selftest_mamba_rows.h).
//   head       the loss head's fused cross-entropy (loss, dlogits in fp32 and BF16) against a double
//              reference (train_selftest_head.h).
//   token      the loss-agnostic head (token log-probs, per-position weights: DPO and GRPO on the
//              device) against the plain backward and finite differences of a weighted loss.
//   soft       the soft-target head (distillation on the device): its kernel against a CPU double
//              reference of DistillationLoss (forward/reverse KL, whole vocabulary/top-k), a permuted
//              full support, finite differences of the trainer's soft loss, and its refusals.
//   head       the fused cross-entropy kernel (loss and dlogits, BF16 dlogits) against a double reference.
//   dp         data parallelism (NCCL): a group of one bit-identical to not joining, the join's refusals, and
//              with two devices a group of two against one trainer with two micro-batches (train_selftest_dp.h).
// Sections live in train_selftest_{attention,fp8,fp8_quant,scan,trainer,reduce,mamba_rows,soft,head,dp}.h. Exit status 0 when all pass (2: no device).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "nemotron_cuda.h"
#include "selftest_common.h"
#include "train_reference.h"
using tref::Vec;

#include "train_selftest_scan.h"
#include "train_selftest_attention.h"
#include "train_selftest_fp8.h"
#include "train_selftest_trainer.h"
#include "train_selftest_reduce.h"
#include "train_selftest_mamba_rows.h"
#include "train_selftest_soft.h"
#include "train_selftest_head.h"
#include "train_selftest_dp.h"
#include "train_selftest_acts.h"
#include "train_selftest_scan_tf32.h"
#include "train_selftest_scan_states.h"
#include "train_selftest_fp8_quant.h"

int main() {
    int n = nmc_device_count();
    if (n <= 0) {
        printf("SKIP no CUDA device: %s\n", n < 0 ? nmc_last_error() : "0 devices");
        return 2;
    }
    char desc[256];
    nmc_device_describe(0, desc, sizeof desc);
    printf("device: %s\n", desc);
    fp8_tests();
    linear_tests();
    fp8_lt_tests();
    attention_tests();
    scan_test::tests();
    tc_attention_tests();
    trainer_tests();
    trainer_attention_tests();
    scan_test::trainer_fused_case(tiny_hybrid());
    scan_test::trainer_save_case(tiny_hybrid());
    acts_test::tests(tiny_hybrid());
    scan_tf32_test::tests(tiny_hybrid());
    scan_states_test::tests(tiny_hybrid());
    fp8_quant_test::tests(tiny_hybrid());
    static char status[8192];
    nmc_fp8_gemm_status(0, status, sizeof status, nullptr, nullptr);
    const char *last = strstr(status, "fp8 gemm: ");
    printf("INFO %s\n", last ? last : status);
    token_weight_tests();
    reduce_test::tests();
    mamba_rows_test::tests();
    soft_target_tests();
    head_test::tests();
    dp_test::tests();
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
