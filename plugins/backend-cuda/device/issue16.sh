#!/usr/bin/env bash
# The measurements of issue 16 (FP8 weights, long-context decode attention, Figure 1) on a GPU
# machine, from the checkout root, with the device bundle (.device/, bundle.sh):
#   plugins/backend-cuda/device/issue16.sh OUT_DIR [fp8] [attention] [figure1] [figure1-uncapped] [figure1-settings]
#     [prefill-gemm] [ssd] [prefill] [decode64]
# (no section: fp8 attention figure1). Each run writes one JSON file to OUT_DIR; nmc_bench prints
# the HBM roofline (device-to-device copies) measured in the same process next to each decode
# figure, `nemotron bench` the same through the CLI. Recorded in docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:?usage: issue16.sh OUT_DIR [sections...]}"; shift
sections="${*:-fp8 attention figure1}"
nemotron="${NEMOTRON:-$root/.device/nemotron}"
native="$root/.device/native"
[ -x "$native/nmc_bench" ] || tar -C "$root/.device" -xJf "$root/.device/bundle.tar.xz"
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv > "$out/device.csv" 2>/dev/null || true
run() {  # NAME COMMAND...
  local name="$1"; shift
  echo "== $name: $*" >&2
  local t0=$SECONDS
  "$@" > "$out/$name.json"
  cat "$out/$name.json"
  echo "   ($((SECONDS - t0)) s)" >&2
}
configs="$root/examples/configs"
for s in $sections; do case "$s" in
fp8)  # (1) decode at batch 1, 8 and 64 of the Nano-9B-v2 shape: BF16, FP8 per-channel, FP8 128x128
      # blocks; then FP8 blocks at batch 64 with one 16-row tile per warp (NMC_FP8_MMA_MT=1), and with
      # the tensor-core GEMV off (NMC_FP8_MMA=0: the CUDA-core GEMV up to 8 rows, dequantise + cuBLAS beyond)
  for w in none channel block; do
    run "fp8-nano9b-$w" "$native/nmc_bench" --preset nano9b --fp8 "$w" --batch 1,8,64 --isl 128 --osl 128 --prefill 0
  done
  NMC_FP8_MMA_MT=1 run fp8-nano9b-block-one-tile "$native/nmc_bench" --preset nano9b --fp8 block --batch 64 --isl 128 \
    --osl 128 --prefill 0
  NMC_FP8_MMA=0 run fp8-nano9b-block-cuda-cores "$native/nmc_bench" --preset nano9b --fp8 block --batch 8,64 --isl 128 \
    --osl 128 --prefill 0 ;;
attention)  # (2) the attention-only ~8B shape at ISL 8k, batch 8: the fp32 decode kernel vs the BF16 one
  NMC_ATTN_DECODE=0 run attn8b-isl8k-old "$native/nmc_bench" --preset attn8b --batch 8 --isl 8192 --osl 64 --prefill 0
  run attn8b-isl8k-new "$native/nmc_bench" --preset attn8b --batch 1,8 --isl 8192 --osl 64 --prefill 0
  run nano9b-isl8k-new "$native/nmc_bench" --preset nano9b --batch 8 --isl 8192 --osl 64 --prefill 0 ;;
figure1)  # (3) Figure 1 at G = 22 GiB: batch sized for ISL/OSL 8k/16k (24,576 tokens), decode measured
          # over the first 256 output tokens after an 8k prompt
  for m in nemotron-nano-9b-v2 attention-8b; do
    run "figure1-g22-$m" "$nemotron" bench --backend cuda --random-weights --model-config "$configs/$m/config.json" \
      --memory-budget-gib 22 --budget-context 24576 --isl 8192 --osl 256 --prefill 0 --json
  done ;;
figure1-uncapped)  # the same without the 22 GiB cap: G = 70 GiB (what an 80 GB H100 holds besides work buffers)
  for m in nemotron-nano-9b-v2 attention-8b; do
    run "figure1-g70-$m" "$nemotron" bench --backend cuda --random-weights --model-config "$configs/$m/config.json" \
      --memory-budget-gib 70 --budget-context 24576 --isl 8192 --osl 256 --prefill 0 --json
  done ;;
figure1-settings)  # the paper's other settings at G = 22 GiB: ISL/OSL 1k/8k and 8k/1k (context 9,216 tokens;
                   # decode timed over 256 tokens after the ISL prompt)
  for io in 1024:8192 8192:1024; do
    isl="${io%%:*}"; osl="${io#*:}"
    for m in nemotron-nano-9b-v2 attention-8b; do
      run "figure1-g22-isl$isl-osl$osl-$m" "$nemotron" bench --backend cuda --random-weights \
        --model-config "$configs/$m/config.json" --memory-budget-gib 22 --budget-context $((isl + osl)) --isl "$isl" \
        --osl 256 --prefill 0 --json
    done
  done ;;
prefill-gemm)  # (4) the inference self-test (prefill attention: flash vs wmma vs fp32, chunked, decode; the
               # skinny decode GEMM at 9-64 rows), then prefill of 8,192 tokens of the Nano-9B-v2 shape with
               # the FlashAttention-2 tensor-core kernel (default) and the previous WMMA kernel
               # (NMC_PREFILL_ATTENTION=wmma), each also with the per-stage profile (NMC_PROFILE=1, stderr ->
               # NAME.profile.txt); then batch-64 decode, BF16 / FP8 per-channel / FP8 blocks, with the old
               # GEMMs (NMC_DECODE_GEMM=old: cuBLAS, fp8_mma.cu) and the skinny one (default)
  "$native/nmc_selftest" > "$out/selftest.txt" 2>&1 || true
  grep -E "^(FAIL|OK|FAILED)|prefill|flash|skinny|GEMM" "$out/selftest.txt" || true
  for impl in wmma flash; do
    NMC_PREFILL_ATTENTION=$impl run "prefill-nano9b-8k-$impl" "$native/nmc_bench" --preset nano9b --batch 1 --isl 128 \
      --osl 2 --prefill 8192
    NMC_PREFILL_ATTENTION=$impl NMC_PROFILE=1 "$native/nmc_bench" --preset nano9b --batch 1 --isl 128 --osl 2 \
      --prefill 8192 > /dev/null 2> "$out/prefill-nano9b-8k-$impl.profile.txt"
    grep -E "profile|attn.attention" "$out/prefill-nano9b-8k-$impl.profile.txt" || true
  done
  for w in none channel block; do
    for g in old skinny; do
      NMC_DECODE_GEMM=$g run "decode-nano9b-b64-$w-$g" "$native/nmc_bench" --preset nano9b --fp8 "$w" --batch 64 --isl 128 \
        --osl 64 --prefill 0
    done
  done ;;
ssd)  # (5) the fused tensor-core SSD scan (kernels/ssd_fused.cu): its self-test lines (inference and
      # trainer; the INFO lines time old vs new at the 9B prefill and the training shape), then
      # prefill of the Nano-9B-v2 shape at 8192 tokens with the old chunked fp32 scan and the fused
      # one (default for BF16), and training steps of hybrid1b BF16 with the fused forward (default)
      # and the cuBLAS chunked one (NMC_TRAIN_SCAN=chunked). The experimental fused backward
      # (ssd_fused_bwd.cu; opt-in NMC_TRAIN_SCAN=fused-bwd: the last run) shows in the train
      # self-test's "fused backward" lines and its "INFO scan B1 L4096 ... backward ... fused" line.
  "$native/nmc_selftest" > "$out/ssd-selftest.txt" 2>&1 || true
  grep -i "ssd\|prefill scan\|FAIL\|failure" "$out/ssd-selftest.txt" >&2 || true
  "$native/nmc_train_selftest" > "$out/ssd-train-selftest.txt" 2>&1 || true
  grep -i "fused\|INFO scan\|FAIL\|failure" "$out/ssd-train-selftest.txt" >&2 || true
  NMC_PREFILL_SCAN=chunked run ssd-prefill-nano9b-chunked "$native/nmc_bench" --preset nano9b --batch 1 --isl 128 \
    --osl 16 --prefill 8192
  run ssd-prefill-nano9b-fused "$native/nmc_bench" --preset nano9b --batch 1 --isl 128 --osl 16 --prefill 8192
  NMC_TRAIN_SCAN=chunked run ssd-train-hybrid1b-chunked "$native/nmc_train_bench" --preset hybrid1b --dtype bf16 \
    --seq 4096 --batch 1 --steps 3
  run ssd-train-hybrid1b-fused "$native/nmc_train_bench" --preset hybrid1b --dtype bf16 --seq 4096 --batch 1 --steps 3
  NMC_TRAIN_SCAN=fused-bwd run ssd-train-hybrid1b-fused-bwd "$native/nmc_train_bench" --preset hybrid1b --dtype bf16 \
    --seq 4096 --batch 1 --steps 3 ;;
prefill)  # (6) prefill of 8,192 tokens of the Nano-9B-v2 shape with each Mamba scan: the chunked fp32
          # one, the fused tensor-core one (ssd_fused.cu, NMC_PREFILL_SCAN=ssd) and the split one (ssd2.cu,
          # opt-in; the default is ssd), tok/s (NAME.json), then each again with the per-stage profile (NMC_PROFILE=1,
          # stderr -> NAME.profile.txt; the profile's syncs make those runs slower); first the
          # self-test's scan lines (ssd2 and fused vs cpu and vs chunked, the INFO ms-per-layer line)
  "$native/nmc_selftest" > "$out/prefill-selftest.txt" 2>&1 || true
  grep -E "prefill scan|prefill logits|PREFILL_SCAN|^FAIL|failure" "$out/prefill-selftest.txt" >&2 || true
  for scan in chunked ssd ssd2; do
    NMC_PREFILL_SCAN=$scan run "prefill-nano9b-8k-scan-$scan" "$native/nmc_bench" --preset nano9b --batch 1 --isl 128 \
      --osl 2 --prefill 8192
    NMC_PREFILL_SCAN=$scan NMC_PROFILE=1 "$native/nmc_bench" --preset nano9b --batch 1 --isl 128 --osl 2 \
      --prefill 8192 > /dev/null 2> "$out/prefill-nano9b-8k-scan-$scan.profile.txt"
    grep -m1 -A14 "^nmc profile" "$out/prefill-nano9b-8k-scan-$scan.profile.txt" >&2 || true  # the prefill session's
  done ;;
decode64)  # (6) batch-64 decode of the Nano-9B-v2 shape toward the roofline (issue 16 item 2), ~1 min:
           # per weight type (BF16, FP8 per-channel, FP8 128x128 blocks) one process, one model, one
           # bandwidth figure, five variants (nmc_bench --variants): the old GEMM (cuBLAS / fp8_mma.cu)
           # with the old and the vector state update (NMC_DECODE_SCAN=vec, kernels/ssm_step.cu), the
           # skinny GEMM with its first split rule, with the wave cost model (NMC_SKINNY_SPLIT=waves),
           # and with that and 32 outputs per warp (NMC_SKINNY_WARP=32: half the shared reads of x).
           # Each JSON line: decode_tokens_per_s, fraction_of_roofline, variant. Then one per-stage
           # profile (NMC_PROFILE=1 --graphs 0; stderr -> decode64-profile.txt, "decode ..." rows are
           # the decode steps), BF16, old vs all-new; the self-test lines for these paths are in
           # nmc_selftest (section prefill-gemm or ssd): "state update", "waves split".
  # (every switch named: the defaults changed on 2026-12-07 after this section's first run; the last
  # variant, no switch at all, is the default: vec, cuBLAS for BF16, skinny waves for FP8, 32 a warp for blocks)
  v="NMC_DECODE_GEMM=old,NMC_DECODE_SCAN=old;NMC_DECODE_GEMM=old,NMC_DECODE_SCAN=vec"
  v="$v;NMC_DECODE_GEMM=skinny,NMC_SKINNY_SPLIT=fill,NMC_SKINNY_WARP=16,NMC_DECODE_SCAN=vec"
  v="$v;NMC_DECODE_GEMM=skinny,NMC_SKINNY_SPLIT=waves,NMC_SKINNY_WARP=16,NMC_DECODE_SCAN=vec"
  v="$v;NMC_DECODE_GEMM=skinny,NMC_SKINNY_SPLIT=waves,NMC_SKINNY_WARP=32,NMC_DECODE_SCAN=vec;NMC_DECODE_SCAN="
  for w in none channel block; do
    run "decode64-nano9b-$w" "$native/nmc_bench" --preset nano9b --fp8 "$w" --batch 64 --isl 128 --osl 32 --prefill 0 \
      --variants "$v"
  done
  # the register-streamed skinny GEMM (NMC_SKINNY_KERNEL=wreg: W global -> registers, exact E4M3 -> BF16
  # by bits), 32 and 16 outputs per warp, after the default in the same process (JSON: skinny_kernel)
  vw="NMC_SKINNY_KERNEL=;NMC_DECODE_GEMM=skinny,NMC_SKINNY_KERNEL=wreg,NMC_SKINNY_WARP=32"
  vw="$vw;NMC_DECODE_GEMM=skinny,NMC_SKINNY_KERNEL=wreg,NMC_SKINNY_WARP=16"
  vw="$vw;NMC_DECODE_GEMM=skinny,NMC_SKINNY_KERNEL=wreg,NMC_SKINNY_WARP=32,NMC_SKINNY_SPLIT=fill"
  for w in none channel block; do
    run "decode64-nano9b-$w-wreg" "$native/nmc_bench" --preset nano9b --fp8 "$w" --batch 64 --isl 128 --osl 32 --prefill 0 \
      --variants "$vw"
  done
  NMC_SKINNY_KERNEL=wreg run decode-nano9b-channel-wreg-batches "$native/nmc_bench" --preset nano9b --fp8 channel \
    --batch 9,16,32,64 --isl 128 --osl 32 --prefill 0
  NMC_PROFILE=1 "$native/nmc_bench" --preset nano9b --batch 64 --isl 128 --osl 8 --prefill 0 --graphs 0 \
    --variants "NMC_DECODE_GEMM=old,NMC_DECODE_SCAN=old;NMC_DECODE_GEMM=skinny,NMC_SKINNY_SPLIT=waves,NMC_SKINNY_WARP=32,NMC_DECODE_SCAN=vec" \
    > "$out/decode64-profile.json" 2> "$out/decode64-profile.txt" || true
  cat "$out/decode64-profile.json"; grep -E "profile|^  decode" "$out/decode64-profile.txt" || true ;;
*) echo "issue16.sh: unknown section $s" >&2; exit 2 ;;
esac; done
