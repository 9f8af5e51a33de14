#!/usr/bin/env bash
# DPO on on-policy pairs at small scale (Nemotron Nano 2 §3.2: DPO on the model's own samples scored by a verifiable
# environment) — see docs/alignment.md "DPO". From the arithmetic base of tools/alignment-budget.sh:
#   1. data: the budget experiment's 6,000 one-digit problems (SFT), its 100 test problems (seed 99), and pair
#      prompts from another seed with every test question removed (so the test is held out from DPO)
#   2. base: the budget experiment's pretraining (step 30 of a 120-step WSD schedule)
#   3. SFT: 60 steps of 4 x 256 tokens at constant LR 1e-3 (twice SFT-A's)
#   4. on-policy pairs: `nemotron align make-pairs` — 6 samples per prompt at temperature 1 from the SFT model,
#      scored by the `math` reward, best vs worst, ties dropped
#   5. DPO: `nemotron dpo` from the SFT model (also the frozen reference) on those pairs
#   6. scores of SFT and DPO with `nemotron eval run`: greedy exact match on the 100 held-out problems and on 100
#      pair prompts, and exact match over 8 samples at temperature 1 (avg@8) on the held-out problems
#   7. the table and charts (tools/DpoCompare.java)
#   tools/alignment-dpo.sh [OUT_DIR]          (default runs/alignment-dpo; steps already done are skipped)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/alignment-dpo}"
nemotron="${NEMOTRON:-./nemotron}"
run() { nice -n 10 "$nemotron" "$@"; }
. tools/lib/alignment-arith.sh
mkdir -p "$out/task"

# 1. data
arith_data "$out"
[ -f "$out/pool.jsonl" ] || run data synth-arithmetic --out "$out/pool.jsonl" --count 600 --max-digits 1 --ops +,- --seed 11
if [ ! -f "$out/prompts.jsonl" ]; then
  grep -o '"question":"[^"]*"' "$out/task/test.jsonl" | sort -u > "$out/test_questions.txt"
  grep -vFf "$out/test_questions.txt" "$out/pool.jsonl" | head -300 > "$out/prompts.jsonl"
fi
[ -f "$out/task/train100.jsonl" ] || head -100 "$out/prompts.jsonl" > "$out/task/train100.jsonl"
arith_task "$out" arith1 test.jsonl 0 "100 held-out one-digit additions and subtractions (reasoning on), greedy, exact match on the last integer"
arith_task "$out" arith1_t1 test.jsonl 1.0 "the same 100 problems sampled at temperature 1 (run with --repeats 8: avg@8)"
arith_task "$out" arith1_train train100.jsonl 0 "100 of the DPO pair prompts, greedy, exact match on the last integer"

# 2. base (the budget experiment's command; bit-identical to its base)
[ -d "$out/base/model" ] || run pretrain --model-config examples/configs/tiny-hybrid/config.json \
    --tokenizer examples/tokenizers/nemotron-bpe-2k --data "$out/arith.jsonl" --steps 120 --stop-at 30 --seq-len 256 \
    --batch 4 --lr 3e-3 --warmup 12 --seed 1 --threads 2 --eval-fraction 0.02 --eval-every 30 --checkpoint-every 30 \
    --out "$out/base"

# 3. SFT
[ -d "$out/sft/model" ] || run sft --init-model "$out/base/model" --data "$out/arith.jsonl" --steps 60 --seq-len 256 \
    --batch 4 --lr 1e-3 --seed 1 --threads 2 --no-think-fraction 0.1 --eval-fraction 0.02 --eval-every 20 \
    --schedule constant --warmup 3 --out "$out/sft"

# 4. on-policy pairs from the SFT model
[ -f "$out/pairs.jsonl" ] || run align make-pairs --model "$out/sft/model" --prompts "$out/prompts.jsonl" --reward math \
    --samples 6 --temperature 1 --max-tokens 128 --seed 1 --out "$out/pairs.jsonl" --json > "$out/pairs_counts.json"

# 5. DPO (beta 0.1, sigmoid loss): 40 steps of 8 pairs at constant LR 3e-4
[ -d "$out/dpo/model" ] || run dpo --init-model "$out/sft/model" --data "$out/pairs.jsonl" --steps 40 --seq-len 256 \
    --batch 8 --lr 3e-4 --schedule constant --warmup 2 --seed 1 --threads 2 --beta 0.1 --out "$out/dpo"

# 6. scores
for m in sft dpo; do
  [ -f "$out/eval-$m/greedy/results.json" ] || run eval run --model "$out/$m/model" --task-file "$out/task/arith1.yaml" \
      --task-file "$out/task/arith1_train.yaml" --out "$out/eval-$m/greedy"
  [ -f "$out/eval-$m/sampled/results.json" ] || run eval run --model "$out/$m/model" --task-file "$out/task/arith1_t1.yaml" \
      --repeats 8 --out "$out/eval-$m/sampled"
done

# 7. comparison
. .mvn/find-jdk.sh
"$JAVA_HOME/bin/java" --module-path nemotron-cli/target/lib --add-modules dev.nemotron.train,org.jfree.jfreechart,java.desktop,jdk.incubator.vector,com.fasterxml.jackson.databind \
    -Djava.awt.headless=true tools/DpoCompare.java "$out" "$out/compare" 2>&1 | grep -v "^WARNING: Using incubator"
