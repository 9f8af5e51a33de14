#!/usr/bin/env bash
# GRPO at small scale (Nemotron Nano 2 §3.2: RL with verifiable rewards after SFT) — see docs/alignment.md
# "GRPO: a small experiment". From the starting model of tools/lib/alignment-arith.sh (arith_start: the tiny
# hybrid trained on one-digit additions/subtractions answered without reasoning, right about a quarter of
# the time), GRPO with the `math` reward on the 80 training questions that are NOT among the 100 test
# problems; then the held-out accuracy before and after with the same `nemotron eval run` (greedy, and 8
# samples at temperature 1), the table and chart (tools/AlignCompare.java), and GRPO's own reward / KL /
# length / time charts in OUT/grpo.
#   tools/alignment-grpo.sh [OUT_DIR]     (default runs/alignment-rl; steps already done are skipped)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/alignment-rl}"
nemotron="${NEMOTRON:-./nemotron}"
run() { nice -n 10 "$nemotron" "$@"; }
. tools/lib/alignment-arith.sh

# 1. data, task files and the starting model
arith_start "$out"

# 2. GRPO: 30 steps of 8 prompts x 8 samples (temperature 1, reasoning off, <= 16 new tokens), math reward,
#    beta 0.04, epsilon 0.2, 2 updates per rollout, constant LR 1e-4 after 2 warmup updates (5e-4 raised the
#    training questions as much but lost accuracy on the test questions: docs/alignment.md)
[ -d "$out/grpo/model" ] || run grpo --init-model "$out/start/model" --prompts "$out/prompts.jsonl" --reward math \
    --steps "${GRPO_STEPS:-30}" --batch 8 --group 8 --max-tokens 16 --temperature 1.0 --no-think-fraction 1 --beta 0.04 \
    --epsilon 0.2 --updates-per-rollout 2 --lr "${GRPO_LR:-1e-4}" --warmup 2 --seed 1 --threads 2 --out "$out/grpo" --json

# 3. held-out accuracy before and after, the comparison
arith_eval "$out" "$out/start/model" sft
arith_eval "$out" "$out/grpo/model" grpo
arith_compare "$out" grpo
