#!/usr/bin/env bash
# The quickstart: an end-to-end run on the embedded default model (examples/configs/tiny-hybrid,
# a 12-layer hybrid of Mamba-2, attention and MLP layers). Builds the project on first use.
#   ./examples/quickstart.sh [OUT_DIR]        (default: runs/quickstart)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/quickstart}"
rm -rf "$out"
mkdir -p "$out"

step() { printf '\n== %s\n' "$*" >&2; }

step "backends found on the module path"
./nemotron backends

step "the tiny hybrid model: layers, parameters, inference memory"
./nemotron inspect examples/configs/tiny-hybrid --context 4096

step "initialise it (HF layout: config.json + model.safetensors)"
./nemotron init --config examples/configs/tiny-hybrid/config.json --out "$out/model" --seed 42

step "prefill forward pass: logits and every hidden state"
./nemotron forward --model "$out/model" --ids 1,5,17,42,7,99,3,250 --out "$out/forward.safetensors" --hidden

step "NVIDIA-Nemotron-Nano-9B-v2 at 128k context, batch 1 (config only, no weights needed)"
./nemotron inspect examples/configs/nemotron-nano-9b-v2 --context 131072 --batch 1

printf '\nquickstart done: outputs in %s\n' "$out" >&2
