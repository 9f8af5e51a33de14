#!/usr/bin/env bash
# Issue 19 (data parallelism through NCCL) on a GPU machine, from the checkout root, with the device
# bundle (.device/, bundle.sh):
#   plugins/backend-cuda/device/issue19.sh OUT_DIR [tests] [allreduce] [step]   (no section, or dp: all three)
# tests:     the GPU test DataParallelStepTest: a trainer joined into a group of one gives bit-identical
#            losses, gradient norms, weights and moments to the same trainer not joined (4 steps, one with
#            two micro-batches), whole tensors downloaded after joining; bad join arguments refused.
#            The training tests of issue 18 (TrainingStepTest, TrainingGradientTest) again: the flat
#            parameter storage must leave them green.
# allreduce: nmc_nccl_bench allreduce: fp32 all-reduce time, algBw and busBw (nccl-tests' definition,
#            busBw = algBw * 2 (n - 1) / n) for 1 MiB ... 1 GiB over 1..N of the visible GPUs, NCCL's
#            automatic choice, then NCCL_ALGO=Ring and NCCL_ALGO=Tree (where N >= 2).
# step:      nmc_nccl_bench step: the hybrid1b training step (bf16, sequence 4096, batch 1 per GPU), one
#            thread per GPU joined into one group, tokens/s and scaling efficiency at 1..N GPUs.
# GPUS=N: use the first N visible GPUs (default: every GPU nvidia-smi lists).
# NCCL: NMC_NCCL_LIBRARY, else libnccl.so.2 on the loader's path, else PyTorch's pip package
# (nvidia/nccl/lib); this script also asks python3 where nvidia.nccl is. NVLink multicast stays off:
# NCCL_NVLS_ENABLE=0 for every run (the device tool's notes). Writes logs and JSON lines to OUT_DIR.
set -euo pipefail
export NCCL_NVLS_ENABLE=0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:?usage: issue19.sh OUT_DIR [tests] [allreduce] [step]}"; shift
sections="${*:-dp}"
[ "$sections" = dp ] && sections="tests allreduce step"
dev="$root/.device"
[ -x "$dev/native/nmc_nccl_bench" ] || tar -C "$dev" -xJf "$dev/bundle.tar.xz"
if [ -z "${NMC_NCCL_LIBRARY:-}" ] && command -v python3 >/dev/null; then
  p="$(python3 -c 'import os, nvidia.nccl as n; print(os.path.join(list(n.__path__)[0], "lib", "libnccl.so.2"))' 2>/dev/null || true)"
  if [ -n "$p" ] && [ -f "$p" ]; then export NMC_NCCL_LIBRARY="$p"; fi
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/device.csv" 2>/dev/null || true
nvidia-smi topo -m > "$out/topology.txt" 2>/dev/null || true
echo "NMC_NCCL_LIBRARY=${NMC_NCCL_LIBRARY:-(unset)} NCCL_NVLS_ENABLE=$NCCL_NVLS_ENABLE" | tee "$out/env.txt" >&2
gpus="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true)"  # (CUDA_VISIBLE_DEVICES: set GPUS instead)
gpus="${GPUS:-$gpus}"
[ "${gpus:-0}" -ge 1 ] 2>/dev/null || gpus=1
for s in $sections; do
  case "$s" in
  tests)
    echo "== GPU tests: DataParallelStepTest, TrainingStepTest, TrainingGradientTest" >&2
    "$dev/run-gpu-tests.sh" DataParallelStepTest TrainingStepTest TrainingGradientTest 2>&1 | tee "$out/gpu-dp-tests.log" \
      || echo "issue19.sh: GPU tests failed (see $out/gpu-dp-tests.log)" >&2 ;;
  allreduce)
    echo "== nmc_nccl_bench allreduce --gpus $gpus" >&2
    "$dev/native/nmc_nccl_bench" allreduce --gpus "$gpus" 2> "$out/allreduce.err" | tee "$out/allreduce.jsonl" \
      || echo "issue19.sh: nmc_nccl_bench allreduce failed (see $out/allreduce.err)" >&2
    if [ "$gpus" -ge 2 ]; then
      for a in Ring Tree; do
        NCCL_ALGO=$a "$dev/native/nmc_nccl_bench" allreduce --gpus "$gpus" 2>> "$out/allreduce.err" | tee "$out/allreduce-$a.jsonl" \
          || echo "issue19.sh: nmc_nccl_bench allreduce (NCCL_ALGO=$a) failed" >&2
      done
    fi ;;
  step)
    echo "== nmc_nccl_bench step --gpus $gpus --preset hybrid1b --dtype bf16 --seq 4096" >&2
    "$dev/native/nmc_nccl_bench" step --gpus "$gpus" --preset hybrid1b --dtype bf16 --seq 4096 --batch 1 --steps 5 \
      2> "$out/step.err" | tee "$out/step.jsonl" || echo "issue19.sh: nmc_nccl_bench step failed (see $out/step.err)" >&2 ;;
  *) echo "issue19.sh: unknown section $s (tests, allreduce, step, dp)" >&2; exit 2 ;;
  esac
done
echo "issue19.sh: results in $out" >&2
