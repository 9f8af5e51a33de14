#!/usr/bin/env bash
# The checks and measurements of issue 18 (training on the GPU) on a GPU machine, from the
# checkout root, with the device bundle (.device/, bundle.sh):
#   plugins/backend-cuda/device/issue18.sh OUT_DIR [tests] [bench] [e2e] [rl] [speed] [distill] [curves] [sftpack]  (no section: tests bench e2e rl distill curves)
# tests: the native self-test of the trainer's kernels (nmc_train_selftest: flash attention forward
#        and dQ/dK/dV against the materialised path and a CPU reference; the FP8 fake quantiser bit
#        for bit against a CPU reference), then the GPU training tests (gradients of every tensor vs
#        the float64 host trainer, fp32 and BF16; FP8 recipe gradients vs the host's FP8 simulation;
#        one AdamW step; 20-step loss curve; interrupted-and-resumed run; DPO, GRPO and distillation
#        gradients vs the host trainer's). Another checkpoint:
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
# speed: the step time outside the scan and the scan's variants (~6 minutes, estimated): nmc_train_selftest (its "reduce" lines: the
#        row-summing backward kernels, the once-per-step GEMM weight copies, the env switches; its
#        "cross_entropy" lines: the loss head's fused kernel, fp32 and BF16 dlogits), then
#        NMC_PROFILE=1 nmc_train_bench --seq 4096 for hybrid1b bf16 and fp8 and hybrid260m bf16: the
#        JSON in OUT_DIR/speed-PRESET-DTYPE.json, the per-stage profile in OUT_DIR/speed-PRESET-DTYPE.profile
#        (compare with docs/training-step-model.md's estimate), and OUT_DIR/speed-summary.txt; then
#        hybrid1b bf16 again with NMC_TRAIN_SCAN=chunked, NMC_TRAIN_SCAN_SAVE=1 (the scan saved by the
#        forward, not recomputed), both, NMC_TRAIN_SCAN=tc-bwd (the backward's intra-chunk part on
#        tensor cores) and tc-bwd with the save (OUT_DIR/speed-scan-TAG.{json,profile}; the scan's
#        profile lines of every hybrid1b bf16 run in OUT_DIR/speed-scan-lines.txt; the self-test's
#        "ssd ... steps (ms)" lines split the chunked scan by step; docs/ssd-backward.md).
# distill: `nemotron distill` with --backend cuda (fp32, bf16; forward KL over the whole vocabulary at
#        T 2, and reverse KL on the teacher's top 32) against the host trainer: a tiny-hybrid teacher
#        pretrained on the host (30 steps), a 6-layer student from random init, 10 steps; the loss and
#        grad_norm columns side by side in OUT_DIR/distill-losses.txt (step 1 equal to rounding).
# curves: the FP8-vs-BF16 experiment: `nemotron pretrain --backend cuda --precision bf16` with and
#        without --fp8 on Moby-Dick (examples/data, real text), a ~38M-parameter hybrid
#        (examples/configs/bench-50m with the 2k BPE vocabulary), sequence 512, batch 16, seed 1;
#        the step count is what fits CURVES_SECONDS (default 150) at the BF16 rate measured by a
#        30-step calibration run (150 s: calibration + BF16 + the FP8 run, up to ~1.5x slower, stay
#        within a 10-minute device command). Writes OUT_DIR/curves/{bf16,fp8}/metrics.jsonl, the chart
#        OUT_DIR/curves/fp8-vs-bf16.png (`nemotron chart --compare`) and OUT_DIR/curves-losses.txt.
# sftpack: what packing costs and buys on the device: `nemotron sft --backend cuda --precision bf16` on
#        4,000 synthetic arithmetic chats (`data synth-arithmetic`, ~60-150 tokens each) with the ~38M
#        hybrid of `curves`, sequence 2048, batch 8, 40 steps, packed (the default: pieces per sample
#        in length buckets on the device) and --no-pack; OUT_DIR/sftpack.txt has each run's median
#        real (non-padding) tokens/s over steps 11-40 and the ratio.
# Writes logs and JSON to OUT_DIR; the loss columns of each run side by side in OUT_DIR/e2e-losses.txt.
# ISSUE18_HOST_CHECK=1 (no GPU needed): runs the distill and curves sections' exact device command
#        lines through the checkout's ./nemotron, expecting each to stop only because no CUDA device
#        is there (a flag typo fails differently), then the same sections on the host trainer with the
#        tiny model for 3 steps (no --backend/--precision), so that their scripting is exercised.
set -euo pipefail
export NCCL_NVLS_ENABLE=0  # NVLink multicast off (nmc_train_selftest's dp lines load NCCL)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:?usage: issue18.sh OUT_DIR [tests] [bench] [e2e] [rl] [speed] [distill] [curves] [sftpack]}"; shift
sections="${*:-tests bench e2e rl distill curves}"
dev="$root/.device"
host_check="${ISSUE18_HOST_CHECK:-0}"
if [ "$host_check" = 1 ]; then
  nemotron="$root/nemotron"
else
  [ -x "$dev/native/nmc_train_bench" ] || tar -C "$dev" -xJf "$dev/bundle.tar.xz"
  nemotron="$dev/nemotron"
fi
# The device flags of a run (--backend cuda ...); in the host check: the same line is first parsed and
# must fail only on the missing device, then it runs without them on the host.
device_run() {  # LOG ARGS... (the nemotron arguments, device flags included)
  local log="$1"; shift
  if [ "$host_check" != 1 ]; then
    "$nemotron" "$@" 2> "$log"
    return
  fi
  local probe rc=0
  probe="$("$nemotron" "$@" 2>&1 >/dev/null)" || rc=$?
  if [ "$rc" = 0 ] || ! grep -qi "cuda\|device\|backend" <<< "$probe" || grep -qi "unknown option\|invalid value\|must be" <<< "$probe"; then
    echo "host check: the device command line did not stop on the missing GPU (rc $rc): $*" >&2
    echo "$probe" >&2
    exit 1
  fi
  echo "host check: parsed, stops on the missing device: $(grep '^error:' <<< "$probe" | head -1)" >&2
  local args=() skip=0 a
  for a in "$@"; do
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case "$a" in --backend|--precision) skip=1 ;; *) args+=("$a") ;; esac
  done
  "$nemotron" "${args[@]}" 2> "$log"
}
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
  "$dev/run-gpu-tests.sh" TrainingGradientTest Fp8TrainingGradientTest TrainingStepTest AlignmentGradientTest DistillGradientTest 2>&1 | tee "$out/gpu-training-tests.log" \
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
    "$nemotron" pretrain "${common[@]}" --out "$out/e2e/$name" "$@" > "$out/e2e/$name.json" 2> "$out/e2e/$name.log" \
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
  "$nemotron" pretrain --model-config "$root/examples/configs/tiny-hybrid/config.json" \
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
    "$nemotron" "$stage" --init-model "$rl/base/model" --seed 1 --lr 1e-3 --warmup 0 --json --out "$rl/$name" "$@" \
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
  grep -E "^(FAIL|OK|FAILED)|reduce|conv_backward|rms_backward|dt_backward|cross_entropy|weight copies|refused|scan|steps \(ms\)" "$out/speed-selftest.log" >&2 || true
  for run in "hybrid1b bf16" "hybrid1b fp8" "hybrid260m bf16"; do
    set -- $run
    echo "== NMC_PROFILE=1 nmc_train_bench --preset $1 --dtype $2 --seq 4096" >&2
    NMC_PROFILE=1 "$dev/native/nmc_train_bench" --preset "$1" --dtype "$2" --seq 4096 --batch 1 --steps 3 \
      > "$out/speed-$1-$2.json" 2> "$out/speed-$1-$2.profile" \
      || echo "issue18.sh: nmc_train_bench --preset $1 --dtype $2 failed (see $out/speed-$1-$2.profile)" >&2
  done
  # the scan's variants at hybrid1b bf16 (the default run above: fused forward, chunked recompute
  # and backward): chunked throughout, the scan saved by the forward instead of recomputed
  # (NMC_TRAIN_SCAN_SAVE=1, with the default and with chunked), the backward's intra-chunk part on
  # tensor cores (NMC_TRAIN_SCAN=tc-bwd, without and with the save); docs/ssd-backward.md
  for variant in "chunked:NMC_TRAIN_SCAN=chunked" "save:NMC_TRAIN_SCAN_SAVE=1" \
                 "chunked-save:NMC_TRAIN_SCAN=chunked NMC_TRAIN_SCAN_SAVE=1" "tc-bwd:NMC_TRAIN_SCAN=tc-bwd" \
                 "tc-bwd-save:NMC_TRAIN_SCAN=tc-bwd NMC_TRAIN_SCAN_SAVE=1"; do
    tag="${variant%%:*}"
    echo "== ${variant#*:} NMC_PROFILE=1 nmc_train_bench --preset hybrid1b --dtype bf16 --seq 4096" >&2
    env ${variant#*:} NMC_PROFILE=1 "$dev/native/nmc_train_bench" --preset hybrid1b --dtype bf16 --seq 4096 --batch 1 \
      --steps 3 > "$out/speed-scan-$tag.json" 2> "$out/speed-scan-$tag.profile" \
      || echo "issue18.sh: nmc_train_bench ($tag) failed (see $out/speed-scan-$tag.profile)" >&2
  done
  for f in "$out"/speed-*.json; do echo "$(basename "$f" .json): $(tr -d '\n' < "$f")"; done | tee "$out/speed-summary.txt"
  for f in "$out"/speed-hybrid1b-bf16.profile "$out"/speed-scan-*.profile; do
    echo "-- $(basename "$f" .profile): the scan's profile lines"
    grep -E "scan|error" "$f" || true
  done | tee "$out/speed-scan-lines.txt" >&2
  cat "$out"/speed-hybrid1b-bf16.profile >&2 ;;
distill)
  ds="$out/distill"; rm -rf "$ds"; mkdir -p "$ds"
  tiny="$root/examples/configs/tiny-hybrid/config.json"
  sed 's/"hybrid_override_pattern": "M-M\*-M-M\*-M-"/"hybrid_override_pattern": "M-M*-M-"/' "$tiny" > "$ds/student.json"
  grep -q '"M-M\*-M-"' "$ds/student.json" || { echo "issue18.sh distill: could not derive the student config" >&2; exit 1; }
  text=(--tokenizer "$root/examples/tokenizers/nemotron-bpe-2k" --data "$root/examples/data/moby-dick.txt" --seq-len 128
    --batch 4 --seed 1 --json)
  steps=10; [ "$host_check" = 1 ] && steps=3
  echo "== distill: teacher (host pretraining, 30 steps)" >&2
  "$nemotron" pretrain --model-config "$tiny" "${text[@]}" --steps $((host_check == 1 ? 3 : 30)) --lr 3e-3 --warmup 2 \
    --out "$ds/teacher" > "$ds/teacher.json" 2> "$ds/teacher.log" \
    || { echo "distill: teacher pretraining failed:"; tail -5 "$ds/teacher.log"; }
  drun() {  # NAME ARGS...
    local name="$1"; shift
    echo "== distill $name: $*" >&2
    local cmd=(distill --teacher "$ds/teacher/model" --model-config "$ds/student.json" "${text[@]}" --steps "$steps"
      --lr 3e-3 --warmup 1 --out "$ds/$name" "$@")
    case " $* " in
      *" --backend "*) device_run "$ds/$name.log" "${cmd[@]}" > "$ds/$name.json" ;;
      *) "$nemotron" "${cmd[@]}" > "$ds/$name.json" 2> "$ds/$name.log" ;;
    esac || { echo "distill $name failed:"; tail -5 "$ds/$name.log"; }
  }
  drun host --temperature 2
  drun gpu-fp32 --temperature 2 --backend cuda
  drun gpu-bf16 --temperature 2 --backend cuda --precision bf16
  drun host-topk --divergence reverse --top-k 32
  drun gpu-topk --divergence reverse --top-k 32 --backend cuda
  {
    echo "step | forward KL T 2, whole vocabulary: host gpu-fp32 gpu-bf16 | reverse KL top-32: host gpu-fp32 | grad_norm: host gpu-fp32"
    paste -d' ' <(seq 1 "$steps") <(losses "$ds/host/metrics.jsonl") <(losses "$ds/gpu-fp32/metrics.jsonl") \
      <(losses "$ds/gpu-bf16/metrics.jsonl") <(losses "$ds/host-topk/metrics.jsonl") <(losses "$ds/gpu-topk/metrics.jsonl") \
      <(field "$ds/host/metrics.jsonl" grad_norm) <(field "$ds/gpu-fp32/metrics.jsonl" grad_norm)
  } | tee "$out/distill-losses.txt" ;;
curves)
  cv="$out/curves"; rm -rf "$cv"; mkdir -p "$cv"
  seq_len=512; batch=16; seconds="${CURVES_SECONDS:-150}"
  if [ "$host_check" = 1 ]; then
    config="$root/examples/configs/tiny-hybrid/config.json"; seq_len=64; batch=2
  else  # ~38M parameters: bench-50m's layers with the tokenizer's 2,048-token vocabulary
    sed 's/"vocab_size": 16384/"vocab_size": 2048/' "$root/examples/configs/bench-50m/config.json" > "$cv/config.json"
    config="$cv/config.json"
  fi
  base=(pretrain --model-config "$config" --tokenizer "$root/examples/tokenizers/nemotron-bpe-2k"
    --data "$root/examples/data/moby-dick.txt" --seq-len "$seq_len" --batch "$batch" --lr 1e-3 --seed 1 --json
    --backend cuda --precision bf16)
  # 1. calibration: the BF16 rate (median tokens/s of steps 16-30) -> the steps that fit `seconds`
  echo "== curves: calibration (30 BF16 steps)" >&2
  device_run "$cv/calibrate.log" "${base[@]}" --steps $((host_check == 1 ? 3 : 30)) --out "$cv/calibrate" > "$cv/calibrate.json" \
    || { echo "curves: calibration failed:"; tail -5 "$cv/calibrate.log"; }
  rate="$(field "$cv/calibrate/metrics.jsonl" tokens_per_s | tail -n 15 | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)] + 0}')"
  steps="$(awk -v r="$rate" -v s="$seconds" -v t=$((seq_len * batch)) 'BEGIN {n = int(r * s / t); if (n < 50) n = 50; if (n > 20000) n = 20000; print n}')"
  [ "$host_check" = 1 ] && steps=3
  echo "== curves: BF16 rate ${rate} tokens/s -> $steps steps of $((seq_len * batch)) tokens (${seconds} s budget)" >&2
  echo "$rate $steps" > "$cv/steps.txt"
  # 2. the same run in BF16 and with the FP8 recipe (same seed: same initial weights and data order)
  for run in bf16 fp8; do
    extra=(); [ "$run" = fp8 ] && extra=(--fp8)
    echo "== curves: pretrain $run ($steps steps)" >&2
    device_run "$cv/$run.log" "${base[@]}" "${extra[@]}" --steps "$steps" --out "$cv/$run" > "$cv/$run.json" \
      || { echo "curves: $run failed:"; tail -5 "$cv/$run.log"; }
  done
  # 3. the chart and the table (every step; the last line: the mean of the last 10% of steps)
  "$nemotron" chart --run "$cv/bf16" --compare fp8="$cv/fp8" --out "$cv/fp8-vs-bf16.png" \
    --title "pretrain on Moby-Dick, $steps steps: BF16 vs FP8 recipe" 2> "$cv/chart.log" \
    || { echo "curves: chart failed:"; tail -5 "$cv/chart.log"; }
  {
    echo "step bf16 fp8 fp8-bf16"
    paste -d' ' <(seq 1 "$steps") <(losses "$cv/bf16/metrics.jsonl") <(losses "$cv/fp8/metrics.jsonl") \
      | awk '{printf "%s %s %s %.5f\n", $1, $2, $3, $3 - $2; if ($1 > n * 0.9) {b += $2; f += $3; k++}} END {if (k) printf "mean of the last %d steps: bf16 %.5f fp8 %.5f (fp8 - bf16 %.5f, %.2f%%)\n", k, b / k, f / k, (f - b) / k, 100 * (f - b) / b}' n="$steps"
    for run in bf16 fp8; do echo "$run summary: $(tr -s ' \n' ' ' < "$cv/$run.json" 2>/dev/null)"; done
  } > "$out/curves-losses.txt"
  # on the terminal: every (steps / 20)-th step and the summary lines
  awk -v e=$(( steps / 20 > 1 ? steps / 20 : 1 )) 'NR == 1 || !/^[0-9]/ || ($1 % e == 0)' "$out/curves-losses.txt" ;;
sftpack)
  sp="$out/sftpack"; rm -rf "$sp"; mkdir -p "$sp"
  "$nemotron" data synth-arithmetic --out "$sp/chats.jsonl" --count 4000 --seed 1 > "$sp/synth.log" 2>&1 \
    || { echo "sftpack: synth-arithmetic failed:"; tail -5 "$sp/synth.log"; }
  if [ "$host_check" = 1 ]; then
    config="$root/examples/configs/tiny-hybrid/config.json"; sp_seq=256; sp_batch=2; sp_steps=3
  else
    sed 's/"vocab_size": 16384/"vocab_size": 2048/' "$root/examples/configs/bench-50m/config.json" > "$sp/config.json"
    config="$sp/config.json"; sp_seq=2048; sp_batch=8; sp_steps=40
  fi
  for run in packed unpacked; do
    extra=(); [ "$run" = unpacked ] && extra=(--no-pack)
    echo "== sftpack: sft $run" >&2
    device_run "$sp/$run.log" sft --model-config "$config" --tokenizer "$root/examples/tokenizers/nemotron-bpe-2k" \
      --data "$sp/chats.jsonl" --seq-len "$sp_seq" --batch "$sp_batch" --steps "$sp_steps" --seed 1 --json \
      --backend cuda --precision bf16 "${extra[@]}" --out "$sp/$run" > "$sp/$run.json" \
      || { echo "sftpack: $run failed:"; tail -5 "$sp/$run.log"; }
  done
  median() { field "$1" tokens_per_s | tail -n +11 | sort -g | awk '{a[NR] = $1} END {print (NR ? a[int((NR + 1) / 2)] : 0) + 0}'; }
  p="$(median "$sp/packed/metrics.jsonl")"; u="$(median "$sp/unpacked/metrics.jsonl")"
  {
    echo "sft --backend cuda --precision bf16, seq $sp_seq, batch $sp_batch, $sp_steps steps: median real tokens/s of steps 11-$sp_steps"
    echo "packed $p unpacked $u ratio $(awk -v p="$p" -v u="$u" 'BEGIN {printf "%.2f", (u > 0 ? p / u : 0)}')"
    for run in packed unpacked; do echo "$run summary: $(tr -s ' \n' ' ' < "$sp/$run.json" 2>/dev/null)"; done
  } | tee "$out/sftpack.txt" ;;
*) echo "issue18.sh: unknown section $s" >&2; exit 2 ;;
esac; done
