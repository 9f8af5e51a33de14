#!/usr/bin/env bash
# IFEval-style GRPO at small scale — see docs/alignment.md "GRPO with the ifeval reward". From the starting
# model of tools/lib/alignment-arith.sh (arith_start: it knows the chat format, nothing else):
#   1. SFT data: 3,000 short answers that follow zero to two IFEval-style instructions (tools/lib/ifeval-sft-data.py;
#      its topics are not those of the GRPO prompts)
#   2. SFT: a short `nemotron sft` on them (reasoning off), so the model follows the instructions only sometimes
#   3. GRPO with the `ifeval` reward on the 50 prompts of examples/data/ifeval-prompts.jsonl: the mean reward
#      per step is the curve (OUT/ifeval-grpo/grpo_reward.png and metrics.jsonl)
#   tools/alignment-ifeval.sh [OUT_DIR]          (default runs/alignment-rl; steps already done are skipped)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/alignment-rl}"
nemotron="${NEMOTRON:-./nemotron}"
run() { nice -n 10 "$nemotron" "$@"; }
. tools/lib/alignment-arith.sh

arith_start "$out"
[ -f "$out/ifeval-sft.jsonl" ] || python3 tools/lib/ifeval-sft-data.py "$out/ifeval-sft.jsonl" 3000 3
[ -d "$out/ifeval-sft/model" ] || run sft --init-model "$out/start/model" --data "$out/ifeval-sft.jsonl" \
    --steps "${IFEVAL_SFT_STEPS:-120}" --seq-len 256 --batch 4 --lr 1e-3 --schedule constant --warmup 5 --seed 1 \
    --threads 2 --no-think-fraction 1 --out "$out/ifeval-sft"
[ -d "$out/ifeval-grpo/model" ] || run grpo --init-model "$out/ifeval-sft/model" --prompts examples/data/ifeval-prompts.jsonl \
    --reward ifeval --steps "${IFEVAL_GRPO_STEPS:-40}" --batch 8 --group 8 --max-tokens 48 --temperature 1.0 \
    --no-think-fraction 1 --beta 0.04 --epsilon 0.2 --updates-per-rollout 2 --lr 5e-4 --warmup 2 --seed 1 --threads 2 \
    --out "$out/ifeval-grpo" --json

# 4. the mean ifeval reward of the SFT and GRPO models on the same 50 prompts, 8 samples each at temperature 1
#    (make-pairs as the scorer: its mean_score; the prompts get an empty reference, which ifeval ignores),
#    and the reward curve with its moving mean (tools/AlignCompare.java)
[ -f "$out/ifeval-prompts.jsonl" ] || python3 -c "
import json, sys
for l in open('examples/data/ifeval-prompts.jsonl'):
    d = json.loads(l); d['answer'] = ''; print(json.dumps(d))" > "$out/ifeval-prompts.jsonl"
for m in sft grpo; do
  [ -f "$out/ifeval-score-$m.json" ] || run align make-pairs --model "$out/ifeval-$m/model" --prompts "$out/ifeval-prompts.jsonl" \
      --reward ifeval --samples 8 --temperature 1 --max-tokens 48 --thinking off --seed 7 \
      --out "$out/ifeval-score-$m-pairs.jsonl" --json > "$out/ifeval-score-$m.json"
done
arith_compare "$out" ifeval-grpo
