#!/usr/bin/env bash
# GRPO at small scale (Nemotron Nano 2 §3.2: RL with verifiable rewards after SFT) — see
# docs/alignment.md "GRPO: a small experiment". From the budget experiment's SFT-B (the tiny hybrid,
# pretrained on one-digit arithmetic, then SFT with truncated traces; tools/alignment-budget.sh, the
# same commands), GRPO with the `math` reward on one-digit additions/subtractions whose questions are
# NOT among the 100 held-apart test problems; then the held-out accuracy before and after with the
# eval command of the SFT experiments (`eval budget-sweep` of the arith1 task at the full budget,
# greedy, scored by tools/BudgetCompare.java), and the run's reward / KL / length / time charts.
#   tools/alignment-grpo.sh [OUT_DIR]     (default runs/alignment-grpo; steps already done are skipped)
#   SFT_MODEL=DIR tools/alignment-grpo.sh   (start from an existing SFT-B model instead of training it)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/alignment-grpo}"
nemotron="${NEMOTRON:-./nemotron}"
run() { nice -n 10 "$nemotron" "$@"; }
. tools/lib/alignment-arith.sh
mkdir -p "$out/task"

# 1. data: the budget experiment's arithmetic (training and test)
arith_data "$out"
arith_task "$out" arith1 test.jsonl 0 "100 one-digit additions and subtractions as chat (reasoning on), exact match on the last integer"
# GRPO prompts: each distinct training question once, those of the test set left out (held out)
[ -f "$out/prompts.jsonl" ] || python3 - "$out/arith.jsonl" "$out/task/test.jsonl" "$out/prompts.jsonl" <<'PY'
import json, sys
test = {json.loads(l)["question"] for l in open(sys.argv[2])}
seen, out = set(), []
for l in open(sys.argv[1]):
    d = json.loads(l)
    q = d["question"]
    if q in test or q in seen:
        continue
    seen.add(q)
    out.append(json.dumps({"prompt": q, "answer": d["answer"]}))
open(sys.argv[3], "w").write("\n".join(out) + "\n")
print(f"{len(out)} GRPO prompts ({len(test)} test questions held out)")
PY

# 2. the SFT model: SFT-B of tools/alignment-budget.sh (the same commands), unless given
sft="${SFT_MODEL:-$out/sft-b/model}"
if [ ! -d "$sft" ]; then
  [ -d "$out/base/model" ] || run pretrain --model-config examples/configs/tiny-hybrid/config.json \
      --tokenizer examples/tokenizers/nemotron-bpe-2k --data "$out/arith.jsonl" --steps 120 --stop-at 30 --seq-len 256 \
      --batch 4 --lr 3e-3 --warmup 12 --seed 1 --threads 2 --eval-fraction 0.02 --eval-every 30 --checkpoint-every 30 \
      --out "$out/base"
  run sft --init-model "$out/base/model" --data "$out/arith.jsonl" --steps 30 --seq-len 256 --batch 4 --lr 1e-3 --seed 1 \
      --threads 2 --no-think-fraction 0.1 --eval-fraction 0.02 --eval-every 10 --truncate-trace 4:24 --truncate-fraction 0.5 \
      --out "$out/sft-b"
fi

# 3. GRPO: 24 steps of 4 prompts x 8 samples (10% of the prompts with reasoning off), math reward,
#    beta 0.04, epsilon 0.2, 2 updates per rollout, constant LR 3e-4 after 4 warmup updates
[ -d "$out/grpo/model" ] || run grpo --init-model "$sft" --prompts "$out/prompts.jsonl" --reward math --steps "${STEPS:-24}" \
    --batch 4 --group 8 --max-tokens 64 --temperature 1.0 --no-think-fraction 0.1 --beta 0.04 --epsilon 0.2 \
    --updates-per-rollout 2 --lr 3e-4 --warmup 4 --seed 1 --threads 2 --out "$out/grpo" --json

# 4. held-out accuracy before and after: the SFT experiments' eval (greedy, full budget 64, max_tokens 128)
for m in sft:"$sft" grpo:"$out/grpo/model"; do
  name="${m%%:*}"; dir="${m#*:}"
  [ -f "$out/eval-$name/budget_sweep.json" ] || run eval budget-sweep --model "$dir" --task-file "$out/task/arith1.yaml" \
      --task arith1 --budgets 64 --limit 100 --out "$out/eval-$name"
done
java -cp "nemotron-cli/target/lib/*" tools/BudgetCompare.java "$out/compare" SFT-B="$out/eval-sft" GRPO="$out/eval-grpo"
