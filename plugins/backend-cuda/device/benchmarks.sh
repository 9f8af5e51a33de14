#!/usr/bin/env bash
# The CUDA backend's recorded benchmarks (docs/benchmarks.md, "CUDA backend"), on a GPU machine,
# through the nemotron command: `.device/nemotron` from the device bundle (bundle.sh), or
# NEMOTRON=./nemotron on a machine with JDK 25 and the library installed (docs/backend-cuda.md).
#   plugins/backend-cuda/device/benchmarks.sh [OUT_DIR]      (default: bench-cuda)
# Writes one JSON file per run and the device's nvidia-smi line to OUT_DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:-bench-cuda}"
nemotron="${NEMOTRON:-$root/.device/nemotron}"
mkdir -p "$out"
configs="$root/examples/configs"
bench() {  # NAME ARGS...
  local name="$1"; shift
  echo "== $name: nemotron bench --backend cuda $*" >&2
  "$nemotron" bench --backend cuda --random-weights --json "$@" > "$out/$name.json"
  cat "$out/$name.json"
}
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv > "$out/device.csv" 2>/dev/null || true
# (a) the Nano-9B-v2 shape, random BF16 weights: decode at batch 1, 8, 64 and prefill of 8k tokens
bench nano9b --model-config "$configs/nemotron-nano-9b-v2/config.json" --batch 1,8,64 --isl 128 --osl 256 --prefill 8192
# (b) the ~260M hybrid at the settings of the HF transformers figures (14.0 tok/s at batch 1 with
#     ISL 128 / OSL 256; 216 tok/s at batch 16 with ISL 1024 / OSL 512), and its 8k prefill
bench hybrid260m-b1 --model-config "$configs/hybrid-260m/config.json" --batch 1 --isl 128 --osl 256 --prefill 8192
bench hybrid260m-b16 --model-config "$configs/hybrid-260m/config.json" --batch 16 --isl 1024 --osl 512 --prefill 0
