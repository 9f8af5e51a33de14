#!/usr/bin/env bash
# Merging at small scale (Nemotron Nano 2 §3: a reasoning-tuned and a chat-tuned checkpoint merged
# by linear interpolation) — see docs/alignment.md "Merging: the trade-off at small scale".
# From the pretrained arithmetic base of tools/alignment-budget.sh (the same commands):
#   reasoning model: its SFT-B (arithmetic chat with traces, 10% reasoning off, half the traces cut)
#   story model:     the same SFT recipe on Moby-Dick chat turns ("Continue the story:" + 24 words
#                    -> the next 48 words), from the first 90% of the book
# then `nemotron merge --alpha A` (A = the story model's weight) for A in 0, .25, .5, .75, 1, and
# both tasks scored on every merge:
#   reasoning: 100 held-apart problems, greedy, full budget: accuracy and well-formed replies
#              (tools/BudgetCompare.java's definition), and the held-out loss of the reference
#              replies (reasoning + answer, nats per token)
#   story:     the held-out loss (nats per token) of 60 passages from the last 10% of the book, in
#              the chat format the story model was tuned on and as plain text
# Outputs: OUT/merge_sweep.{json,csv,md}, OUT/merge_tradeoff.png (tools/MergeSweep.java).
#   tools/alignment-merge-sweep.sh [OUT_DIR]     (default runs/alignment-merge; steps already done are skipped)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/alignment-merge}"
nemotron="${NEMOTRON:-./nemotron}"
run() { nice -n 10 "$nemotron" "$@"; }
. tools/lib/alignment-arith.sh
mkdir -p "$out/task"

# 1. data: the budget experiment's arithmetic (training and test), Moby-Dick chat turns and held-out passages
arith_data "$out"
[ -f "$out/story.jsonl" ] || python3 tools/alignment_story_data.py /work/shared/data/moby-dick.txt "$out/story.jsonl" \
    "$out/task/story_heldout.jsonl" 60
arith_task "$out" arith1 test.jsonl 0 "100 one-digit additions and subtractions as chat (reasoning on), exact match on the last integer"
# the held-out losses: log P(reference | prompt) with the prompt written in the Nemotron chat format
# (what the chat template renders, as in the data's "text" field) or as plain text
cat > "$out/task/arith_loss.yaml" <<'YAML'
name: arith_loss
description: log-likelihood of the reference reply (reasoning, answer, end of turn) of 100 held-apart problems
dataset: test.jsonl
output: loglikelihood
prompt:
  chat: false
  template: "<SPECIAL_10>System\n\n<SPECIAL_11>User\n{{question}}\n<SPECIAL_11>Assistant\n<think>\n"
  target_delimiter: ""
target: "{{reasoning}}\n</think>\n{{answer}}\n<SPECIAL_12>\n"
metrics:
  - loglikelihood
YAML
cat > "$out/task/story_chat_loss.yaml" <<'YAML'
name: story_chat_loss
description: log-likelihood of 60 held-out Moby-Dick continuations (48 words) asked for in the chat format
dataset: story_heldout.jsonl
output: loglikelihood
prompt:
  chat: false
  template: "<SPECIAL_10>System\n\n<SPECIAL_11>User\nContinue the story:\n{{context}}\n<SPECIAL_11>Assistant\n<think></think>"
  target_delimiter: ""
target: "{{text}}\n<SPECIAL_12>\n"
metrics:
  - loglikelihood
YAML
cat > "$out/task/story_text_loss.yaml" <<'YAML'
name: story_text_loss
description: log-likelihood of 60 held-out Moby-Dick continuations (48 words) after 24 words of plain text
dataset: story_heldout.jsonl
output: loglikelihood
prompt:
  chat: false
  template: "{{context}}"
  target_delimiter: " "
target: "{{text}}"
metrics:
  - loglikelihood
YAML

# 2. the base: tools/alignment-budget.sh's pretraining (step 30 of a 120-step WSD schedule)
[ -d "$out/base/model" ] || run pretrain --model-config examples/configs/tiny-hybrid/config.json \
    --tokenizer examples/tokenizers/nemotron-bpe-2k --data "$out/arith.jsonl" --steps 120 --stop-at 30 --seq-len 256 \
    --batch 4 --lr 3e-3 --warmup 12 --seed 1 --threads 2 --eval-fraction 0.02 --eval-every 30 --checkpoint-every 30 \
    --out "$out/base"

# 3. the two fine-tunes, same recipe (30 steps of 4 x 256 tokens, LR 1e-3, seed 1)
common=(--init-model "$out/base/model" --steps 30 --seq-len 256 --batch 4 --lr 1e-3 --seed 1 --threads 2
        --no-think-fraction 0.1 --eval-fraction 0.02 --eval-every 10)
[ -d "$out/sft-b/model" ] || run sft "${common[@]}" --data "$out/arith.jsonl" --truncate-trace 4:24 \
    --truncate-fraction 0.5 --out "$out/sft-b"
[ -d "$out/story/model" ] || run sft "${common[@]}" --data "$out/story.jsonl" --out "$out/story"

# 4. the merges (A = reasoning, B = story; alpha = B's weight) and their scores
for a in 0 0.25 0.5 0.75 1; do
  m="$out/merge-$a"
  [ -d "$m/model" ] || run merge --model "$out/sft-b/model" --model "$out/story/model" --alpha "$a" --out "$m/model"
  [ -f "$m/sweep/budget_sweep.json" ] || run eval budget-sweep --model "$m/model" --task-file "$out/task/arith1.yaml" \
      --task arith1 --budgets 64 --limit 100 --out "$m/sweep"
  [ -f "$m/loss/results.json" ] || run eval run --model "$m/model" --task-file "$out/task/arith_loss.yaml" \
      --task-file "$out/task/story_chat_loss.yaml" --task-file "$out/task/story_text_loss.yaml" --out "$m/loss"
done

# the pretrained base's losses, for reference
[ -f "$out/base-eval/loss/results.json" ] || run eval run --model "$out/base/model" --task-file "$out/task/arith_loss.yaml" \
    --task-file "$out/task/story_chat_loss.yaml" --task-file "$out/task/story_text_loss.yaml" --out "$out/base-eval/loss"

# 5. the trade-off: well-formed/accuracy per merge (BudgetCompare), losses, table, JSON, CSV, chart
args=()
for a in 0 0.25 0.5 0.75 1; do args+=("alpha$a=$out/merge-$a/sweep"); done
java -cp "nemotron-cli/target/lib/*" tools/BudgetCompare.java "$out/compare" "${args[@]}"
args=()
for a in 0 0.25 0.5 0.75 1; do args+=("$a=$out/merge-$a"); done
java -cp "nemotron-cli/target/lib/*" tools/MergeSweep.java "$out" "$out/compare/budget_compare.json" "${args[@]}" \
    "ref:base=$out/base-eval"
