#!/usr/bin/env bash
# DPO on on-policy pairs at small scale (Nemotron Nano 2 §3.2: DPO on the model's own samples scored by a
# verifiable environment) — see docs/alignment.md "DPO on on-policy pairs at small scale". From the starting
# model of tools/lib/alignment-arith.sh (arith_start, shared with tools/alignment-grpo.sh):
#   1. data, task files and the starting model (arith_start)
#   2. on-policy pairs: `nemotron align make-pairs` — 8 samples per prompt at temperature 1 from the starting
#      model, scored by the `math` reward, best vs worst, ties dropped; the prompts are the 80 training
#      questions (none of the test's) four times over (each copy sampled with other seeds)
#   3. DPO: `nemotron dpo` from the starting model (also the frozen reference) on those pairs
#   4. the same evaluations as GRPO's (greedy on the test and training questions, 8 samples at T = 1)
#   5. the table and charts (tools/AlignCompare.java)
#   tools/alignment-dpo.sh [OUT_DIR]          (default runs/alignment-rl; steps already done are skipped)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/alignment-rl}"
nemotron="${NEMOTRON:-./nemotron}"
run() { nice -n 10 "$nemotron" "$@"; }
. tools/lib/alignment-arith.sh

# 1.
arith_start "$out"
[ -f "$out/pair-prompts.jsonl" ] || for i in 1 2 3 4; do cat "$out/prompts.jsonl"; done > "$out/pair-prompts.jsonl"

# 2. on-policy pairs from the starting model
[ -f "$out/pairs.jsonl" ] || run align make-pairs --model "$out/start/model" --prompts "$out/pair-prompts.jsonl" \
    --reward math --samples 8 --temperature 1 --max-tokens 16 --thinking off --seed 1 --out "$out/pairs.jsonl" \
    --json > "$out/pairs_counts.json"

# 3. DPO (beta 0.1, sigmoid loss): 60 steps of 8 pairs (2 epochs) at constant LR 3e-5 after 2 warmup steps
#    (at 3e-4 the chosen answers fell with the rejected ones, at 1e-4 they stayed flat: both lost accuracy;
#    docs/alignment.md)
[ -d "$out/dpo/model" ] || run dpo --init-model "$out/start/model" --data "$out/pairs.jsonl" --steps "${DPO_STEPS:-60}" \
    --seq-len 128 --batch 8 --lr "${DPO_LR:-3e-5}" --schedule constant --warmup 2 --seed 1 --threads 2 --beta 0.1 \
    --out "$out/dpo"

# 4. and 5.
arith_eval "$out" "$out/start/model" sft
arith_eval "$out" "$out/dpo/model" dpo
arith_compare "$out" dpo
