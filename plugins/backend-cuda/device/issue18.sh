#!/usr/bin/env bash
# The checks and measurements of issue 18 (training on the GPU) on a GPU machine, from the
# checkout root, with the device bundle (.device/, bundle.sh):
#   plugins/backend-cuda/device/issue18.sh OUT_DIR [tests] [bench] [e2e] [rl] [speed]  (no section: the first four)
# tests: the native self-test of the trainer's kernels (nmc_train_selftest: flash attention forward
#        and dQ/dK/dV against the materialised path and a CPU reference; the FP8 fake quantiser bit
#        for bit against a CPU reference), then the GPU training tests (gradients of every tensor vs
#        the float64 host trainer, fp32 and BF16; FP8 recipe gradients vs the host's FP8 simulation;
#        one AdamW step; 20-step loss curve; interrupted-and-resumed run; DPO and GRPO gradients vs
#        the host trainer's). Another checkpoint:
#        NEMOTRON_JAVA_OPTS=-Dnemotron.gputrain.model=DIR (an HF NemotronH directory).
# bench: training tokens/s and MFU of the ~260M and ~0.9B hybrids at sequence 4096, fp32, BF16 and
#        FP8-recipe GEMMs, next to the dense GEMM peak measured in the same process (nmc_train_bench).
# e2e:   `nemotron pretrain --backend cuda` on the tiny hybrid against the host trainer, a run split
#        with --stop-at/--resume on the GPU, a GPU checkpoint resumed on the host, and --fp8 on the
#        host (simulation) and on the GPU.
# rl:    `nemotron dpo` and `nemotron grpo` with --backend cuda (fp32, and BF16 for DPO) against the host
#        trainer from a tiny base model (host-pretrained 2 steps): the loss and grad_norm columns side by
#        side in OUT_DIR/rl-dpo.txt and OUT_DIR/rl-grpo.txt (step 1 equal to rounding; GRPO's later
#        rollouts sample from the updated weights and may drift apart).
# speed: the step time outside the scan (~3 minutes): nmc_train_selftest (its "reduce" lines: the
#        row-summing backward kernels, the once-per-step GEMM weight copies, the env switches; its
#        "cross_entropy" lines: the loss head's fused kernel, fp32 and BF16 dlogits), then
#        NMC_PROFILE=1 nmc_train_bench --seq 4096 for hybrid1b bf16 and fp8 and hybrid260m bf16: the
#        JSON in OUT_DIR/speed-PRESET-DTYPE.json, the per-stage profile in OUT_DIR/speed-PRESET-DTYPE.profile
#        (compare with docs/training-step-model.md's estimate), and OUT_DIR/speed-summary.txt.
# Writes logs and JSON to OUT_DIR; the loss columns of each run side by side in OUT_DIR/e2e-losses.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:?usage: issue18.sh OUT_DIR [tests] [bench] [e2e] [rl]}"; shift
sections="${*:-tests bench e2e rl}"
dev="$root/.device"
[ -x "$dev/native/nmc_train_bench" ] || tar -C "$dev" -xJf "$dev/bundle.tar.xz"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv > "$out/device.csv" 2>/dev/null || true
losses() {  # metrics.jsonl -> one loss per line
  sed -n 's/.*"loss":\([-0-9.eE]*\).*/\1/p' "$1"
}
field() {  # metrics.jsonl FIELD -> one value per line
  sed -n "s/.*\"$2\":\([-0-9.eE]*\).*/\1/p" "$1"
}
for s in $sections; do case "$s" in
tests)
  echo "== nmc_train_selftest" >&2
  "$dev/native/nmc_train_selftest" 2>&1 | tee "$out/train-selftest.log" \
    || echo "issue18.sh: nmc_train_selftest failed (see $out/train-selftest.log)" >&2
  echo "== GPU training tests" >&2
  "$dev/run-gpu-tests.sh" TrainingGradientTest Fp8TrainingGradientTest TrainingStepTest AlignmentGradientTest 2>&1 | tee "$out/gpu-training-tests.log" \
    || echo "issue18.sh: GPU training tests failed (see $out/gpu-training-tests.log)" >&2
  echo "== the FP8 recipe's reference path (fake quant + fp32 GEMMs) against the host, strict bounds" >&2
  NMC_FP8_GEMM=fakequant "$dev/run-gpu-tests.sh" Fp8TrainingGradientTest 2>&1 | tee "$out/gpu-fp8-reference.log" \
    || echo "issue18.sh: Fp8TrainingGradientTest (fakequant) failed (see $out/gpu-fp8-reference.log)" >&2 ;;
bench)
  for p in hybrid260m hybrid1b; do for d in f32 bf16 fp8; do
    echo "== nmc_train_bench --preset $p --dtype $d --seq 4096" >&2
    "$dev/native/nmc_train_bench" --preset "$p" --dtype "$d" --seq 4096 --batch 1 --steps 3 | tee "$out/train-$p-$d.json" \
      || echo "issue18.sh: nmc_train_bench --preset $p --dtype $d failed" >&2
  done; done ;;
e2e)
  common=(--model-config "$root/examples/configs/tiny-hybrid/config.json"
    --tokenizer "$root/examples/tokenizers/nemotron-bpe-2k" --data "$root/examples/data/moby-dick.txt"
    --steps 20 --seq-len 256 --batch 8 --lr 3e-3 --warmup 2 --seed 1 --json)
  rm -rf "$out/e2e"; mkdir -p "$out/e2e"
  run() {  # NAME ARGS...
    local name="$1"; shift
    echo "== pretrain $name: $*" >&2
    "$dev/nemotron" pretrain "${common[@]}" --out "$out/e2e/$name" "$@" > "$out/e2e/$name.json" 2> "$out/e2e/$name.log" \
      || { echo "pretrain $name failed:"; tail -5 "$out/e2e/$name.log"; }
  }
  run host
  run gpu-fp32 --backend cuda
  run gpu-bf16 --backend cuda --precision bf16
  run gpu-split --backend cuda --stop-at 10
  run gpu-split --backend cuda --resume
  run gpu-then-host --backend cuda --stop-at 10
  run gpu-then-host --resume
  run host-fp8 --fp8
  run gpu-fp8 --backend cuda --fp8
  {
    echo "step host gpu-fp32 gpu-bf16 gpu-split(stop 10, resume) gpu-then-host(host from 11) host-fp8 gpu-fp8"
    paste -d' ' <(seq 1 20) <(losses "$out/e2e/host/metrics.jsonl") <(losses "$out/e2e/gpu-fp32/metrics.jsonl") \
      <(losses "$out/e2e/gpu-bf16/metrics.jsonl") <(losses "$out/e2e/gpu-split/metrics.jsonl") \
      <(losses "$out/e2e/gpu-then-host/metrics.jsonl") <(losses "$out/e2e/host-fp8/metrics.jsonl") \
      <(losses "$out/e2e/gpu-fp8/metrics.jsonl")
  } | tee "$out/e2e-losses.txt" ;;
rl)
  rl="$out/rl"; rm -rf "$rl"; mkdir -p "$rl"
  echo "== rl: base model (host pretraining, 2 steps)" >&2
  "$dev/nemotron" pretrain --model-config "$root/examples/configs/tiny-hybrid/config.json" \
    --tokenizer "$root/examples/tokenizers/nemotron-bpe-2k" --data "$root/examples/data/moby-dick.txt" \
    --steps 2 --seq-len 64 --batch 2 --seed 1 --json --out "$rl/base" > "$rl/base.json" 2> "$rl/base.log" \
    || { echo "rl: base pretraining failed:"; tail -5 "$rl/base.log"; }
  for i in $(seq 0 15); do a=$((i % 9)); b=$((i * 7 % 9))
    printf '{"prompt": "What is %d + %d?", "chosen": "The answer is %d.", "rejected": "I think it is %d, maybe."}\n' \
      "$a" "$b" $((a + b)) $((a + b + 1))
  done > "$rl/pairs.jsonl"
  for i in $(seq 0 7); do a=$((i % 9)); b=$((i * 5 % 9))
    printf '{"prompt": "What is %d + %d?", "answer": "%d"}\n' "$a" "$b" $((a + b))
  done > "$rl/prompts.jsonl"
  rlrun() {  # STAGE NAME ARGS...
    local stage="$1" name="$2"; shift 2
    echo "== $stage $name: $*" >&2
    "$dev/nemotron" "$stage" --init-model "$rl/base/model" --seed 1 --lr 1e-3 --warmup 0 --json --out "$rl/$name" "$@" \
      > "$rl/$name.json" 2> "$rl/$name.log" || { echo "$stage $name failed:"; tail -5 "$rl/$name.log"; }
  }
  dpo=(--data "$rl/pairs.jsonl" --steps 5 --seq-len 128 --batch 4)
  rlrun dpo dpo-host "${dpo[@]}"
  rlrun dpo dpo-gpu-fp32 "${dpo[@]}" --backend cuda
  rlrun dpo dpo-gpu-bf16 "${dpo[@]}" --backend cuda --precision bf16
  grpo=(--prompts "$rl/prompts.jsonl" --reward format --reward-option format.max_chars=24 --no-think-fraction 1
    --steps 3 --batch 2 --group 4 --max-tokens 8)
  rlrun grpo grpo-host "${grpo[@]}"
  rlrun grpo grpo-gpu-fp32 "${grpo[@]}" --backend cuda
  {
    echo "step | loss: host gpu-fp32 gpu-bf16 | grad_norm: host gpu-fp32 gpu-bf16 | reward_accuracy: host gpu-fp32"
    paste -d' ' <(seq 1 5) <(losses "$rl/dpo-host/metrics.jsonl") <(losses "$rl/dpo-gpu-fp32/metrics.jsonl") \
      <(losses "$rl/dpo-gpu-bf16/metrics.jsonl") <(field "$rl/dpo-host/metrics.jsonl" grad_norm) \
      <(field "$rl/dpo-gpu-fp32/metrics.jsonl" grad_norm) <(field "$rl/dpo-gpu-bf16/metrics.jsonl" grad_norm) \
      <(field "$rl/dpo-host/metrics.jsonl" reward_accuracy) <(field "$rl/dpo-gpu-fp32/metrics.jsonl" reward_accuracy)
  } | tee "$out/rl-dpo.txt"
  {
    echo "step | loss: host gpu-fp32 | grad_norm: host gpu-fp32 | reward_mean: host gpu-fp32 | kl: host gpu-fp32"
    paste -d' ' <(seq 1 3) <(losses "$rl/grpo-host/metrics.jsonl") <(losses "$rl/grpo-gpu-fp32/metrics.jsonl") \
      <(field "$rl/grpo-host/metrics.jsonl" grad_norm) <(field "$rl/grpo-gpu-fp32/metrics.jsonl" grad_norm) \
      <(field "$rl/grpo-host/metrics.jsonl" reward_mean) <(field "$rl/grpo-gpu-fp32/metrics.jsonl" reward_mean) \
      <(field "$rl/grpo-host/metrics.jsonl" kl) <(field "$rl/grpo-gpu-fp32/metrics.jsonl" kl)
  } | tee "$out/rl-grpo.txt" ;;
speed)
  echo "== nmc_train_selftest (speed)" >&2
  "$dev/native/nmc_train_selftest" > "$out/speed-selftest.log" 2>&1 \
    || echo "issue18.sh: nmc_train_selftest failed (see $out/speed-selftest.log)" >&2
  grep -E "^(FAIL|OK|FAILED)|reduce|conv_backward|rms_backward|dt_backward|cross_entropy|weight copies|refused" "$out/speed-selftest.log" >&2 || true
  for run in "hybrid1b bf16" "hybrid1b fp8" "hybrid260m bf16"; do
    set -- $run
    echo "== NMC_PROFILE=1 nmc_train_bench --preset $1 --dtype $2 --seq 4096" >&2
    NMC_PROFILE=1 "$dev/native/nmc_train_bench" --preset "$1" --dtype "$2" --seq 4096 --batch 1 --steps 3 \
      > "$out/speed-$1-$2.json" 2> "$out/speed-$1-$2.profile" \
      || echo "issue18.sh: nmc_train_bench --preset $1 --dtype $2 failed (see $out/speed-$1-$2.profile)" >&2
  done
  for f in "$out"/speed-*.json; do echo "$(basename "$f" .json): $(tr -d '\n' < "$f")"; done | tee "$out/speed-summary.txt"
  cat "$out"/speed-hybrid1b-bf16.profile >&2 ;;
*) echo "issue18.sh: unknown section $s" >&2; exit 2 ;;
esac; done
