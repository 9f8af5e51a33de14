#!/usr/bin/env bash
# The paper's budget-control result (Nemotron Nano 2, §3 / Figure 5) at small scale — see
# docs/alignment.md. From one pretrained arithmetic-reasoning model (the tiny hybrid,
# examples/configs/tiny-hybrid), two SFT runs that differ only in truncated traces:
#   SFT-A: full traces (10% of conversations with reasoning off)
#   SFT-B: the same, with half of the traces cut at 4-24 tokens and closed with </think>
# then a thinking-budget sweep of both on 100 held-apart problems, and the comparison
# (well-formed replies, answer length, accuracy) with tools/BudgetCompare.java.
#   tools/alignment-budget.sh [OUT_DIR]          (default runs/alignment-budget; steps already done are skipped)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/alignment-budget}"
nemotron="${NEMOTRON:-./nemotron}"
run() { nice -n 10 "$nemotron" "$@"; }
. tools/lib/alignment-arith.sh
mkdir -p "$out"

# 1. data: 6,000 one-digit additions/subtractions with column-method traces; 100 test problems (another seed)
arith_data "$out"
arith_task "$out" arith1 test.jsonl 0 "100 one-digit additions and subtractions as chat (reasoning on), exact match on the last integer"

# 2. pretraining on the arithmetic text (reasoning on and off), stopped at step 30 of a 120-step WSD schedule
[ -d "$out/base/model" ] || run pretrain --model-config examples/configs/tiny-hybrid/config.json \
    --tokenizer examples/tokenizers/nemotron-bpe-2k --data "$out/arith.jsonl" --steps 120 --stop-at 30 --seq-len 256 \
    --batch 4 --lr 3e-3 --warmup 12 --seed 1 --threads 2 --eval-fraction 0.02 --eval-every 30 --checkpoint-every 30 \
    --out "$out/base"

# 3. SFT-A and SFT-B: 30 steps of 4 x 256 tokens, constant LR 1e-3, the same seed and data order
common=(--init-model "$out/base/model" --data "$out/arith.jsonl" --steps 30 --seq-len 256 --batch 4 --lr 1e-3 --seed 1
        --threads 2 --no-think-fraction 0.1 --eval-fraction 0.02 --eval-every 10)
[ -d "$out/sft-a/model" ] || run sft "${common[@]}" --out "$out/sft-a"
[ -d "$out/sft-b/model" ] || run sft "${common[@]}" --truncate-trace 4:24 --truncate-fraction 0.5 --out "$out/sft-b"

# 4. thinking-budget sweeps (greedy). Default grace: the engine closes the reasoning at the first
#    newline after the budget; --thinking-grace 0: </think> is forced exactly at the budget (mid-line)
for m in sft-a sft-b; do
  [ -f "$out/sweep-$m/budget_sweep.json" ] || run eval budget-sweep --model "$out/$m/model" \
      --task-file "$out/task/arith1.yaml" --task arith1 --budgets 0,4,8,16,24,32,64 --limit 100 --out "$out/sweep-$m"
  [ -f "$out/sweep0-$m/budget_sweep.json" ] || run eval budget-sweep --model "$out/$m/model" \
      --task-file "$out/task/arith1.yaml" --task arith1 --budgets 0,4,8,16,24,32,64 --limit 100 --thinking-grace 0 \
      --out "$out/sweep0-$m"
done

# 5. the comparisons: table, JSON, three charts each
java -cp "nemotron-cli/target/lib/*" tools/BudgetCompare.java "$out/compare" SFT-A="$out/sweep-sft-a" SFT-B="$out/sweep-sft-b"
java -cp "nemotron-cli/target/lib/*" tools/BudgetCompare.java "$out/compare-exact" SFT-A="$out/sweep0-sft-a" SFT-B="$out/sweep0-sft-b"
