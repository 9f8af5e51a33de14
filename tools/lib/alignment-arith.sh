# Shared by the alignment experiments (tools/alignment-*.sh; source it after defining run()):
# the arithmetic data of the budget experiment and the eval task files over it.

# arith_data OUT: OUT/arith.jsonl (6,000 one-digit additions/subtractions with column-method
# traces, 10 % reasoning off, seed 7) and OUT/task/test.jsonl (100 test problems, seed 99).
arith_data() {
  local out="$1"
  mkdir -p "$out/task"
  [ -f "$out/arith.jsonl" ] || run data synth-arithmetic --out "$out/arith.jsonl" --count 6000 --max-digits 1 --ops +,- \
      --seed 7 --no-think-fraction 0.1
  [ -f "$out/task/test.jsonl" ] || run data synth-arithmetic --out "$out/task/test.jsonl" --count 100 --max-digits 1 \
      --ops +,- --seed 99
}

# arith_task OUT NAME DATASET TEMPERATURE DESCRIPTION [THINKING [MAX_TOKENS]]: OUT/task/NAME.yaml, chat
# prompts (reasoning on; THINKING false: off), MAX_TOKENS (128) tokens, exact match on the last
# integer of the reply.
arith_task() {
  local thinking=""
  [ -z "${6:-}" ] || thinking="
  thinking: $6"
  cat > "$1/task/$2.yaml" <<YAML
name: $2
description: "$5"
dataset: $3
prompt:
  chat: true
  template: "{{question}}"
target: "{{answer}}"
generation:
  max_tokens: ${7:-128}
  temperature: $4$thinking
filters:
  - {type: regex, pattern: "-?[0-9]+", select: last}
metrics:
  - exact_match
YAML
}

# arith_start OUT: the starting model of the RL experiments (tools/alignment-rl.sh) and its data, all
# answers without reasoning (short rollouts, a dense reward):
#   OUT/nothink/arith.jsonl  20,000 one-digit additions/subtractions, reasoning off (seed 7; the loader seeds
#                            its order with the dataset's name, "arith": keep it for bit-identical runs)
#   OUT/task/test.jsonl      the 100 test problems (seed 99, 75 distinct questions)
#   OUT/prompts.jsonl        the 80 distinct training questions that are NOT test questions, as
#                            {"prompt", "answer"} (the GRPO and DPO prompts); OUT/task/train80.jsonl the same
#   OUT/task/{arith1,train80}_nothink.yaml   greedy, reasoning off, 16 tokens; arith1_nothink_t1 the
#                            test at temperature 1 (run with --repeats 8)
#   OUT/start/model          the tiny hybrid trained on the chat-rendered problems (pretrain, all tokens)
#                            for 225 steps of a 400-step WSD schedule: answers that depend on the
#                            question, right about a quarter of the time (step 400: ~80 %, step 150: ~12 %)
arith_start() {
  local out="$1"
  mkdir -p "$out/task"
  mkdir -p "$out/nothink"
  [ -f "$out/nothink/arith.jsonl" ] || run data synth-arithmetic --out "$out/nothink/arith.jsonl" --count 20000 \
      --max-digits 1 --ops +,- --seed 7 --no-think-fraction 1
  [ -f "$out/task/test.jsonl" ] || run data synth-arithmetic --out "$out/task/test.jsonl" --count 100 --max-digits 1 \
      --ops +,- --seed 99
  [ -f "$out/prompts.jsonl" ] || python3 - "$out/nothink/arith.jsonl" "$out/task/test.jsonl" "$out/prompts.jsonl" \
      "$out/task/train80.jsonl" <<'PY'
import json, sys
test = {json.loads(l)["question"] for l in open(sys.argv[2])}
seen, prompts, task = set(), [], []
for l in open(sys.argv[1]):
    d = json.loads(l)
    q = d["question"]
    if q in test or q in seen:
        continue
    seen.add(q)
    prompts.append(json.dumps({"prompt": q, "answer": d["answer"]}))
    task.append(json.dumps({"question": q, "answer": d["answer"]}))
open(sys.argv[3], "w").write("\n".join(prompts) + "\n")
open(sys.argv[4], "w").write("\n".join(task) + "\n")
print(f"{len(prompts)} training prompts ({len(test)} test questions held out)")
PY
  arith_task "$out" arith1_nothink test.jsonl 0 "the 100 test problems, reasoning off, greedy" false 16
  arith_task "$out" train80_nothink train80.jsonl 0 "the 80 training questions (GRPO/DPO prompts), reasoning off, greedy" false 16
  arith_task "$out" arith1_nothink_t1 test.jsonl 1.0 "the 100 test problems, reasoning off, temperature 1 (avg@8)" false 16
  if [ ! -d "$out/start/model" ]; then
    [ -d "$out/start-pretrain/model" ] || run pretrain --model-config examples/configs/tiny-hybrid/config.json \
        --tokenizer examples/tokenizers/nemotron-bpe-2k --data "$out/nothink/arith.jsonl" --steps 400 --stop-at 225 \
        --seq-len 256 --batch 4 --lr 3e-3 --warmup 20 --seed 1 --threads 2 --eval-fraction 0.02 --eval-every 50 \
        --checkpoint-every 75 --out "$out/start-pretrain"
    mkdir -p "$out/start" && cp -r "$out/start-pretrain/model" "$out/start/model"
  fi
}

# arith_eval OUT MODEL NAME: OUT/eval-NAME/greedy (test and training questions, greedy) and
# OUT/eval-NAME/sampled (the test at temperature 1, 8 samples each) with `nemotron eval run`.
arith_eval() {
  [ -f "$1/eval-$3/greedy/results.json" ] || run eval run --model "$2" --task-file "$1/task/arith1_nothink.yaml" \
      --task-file "$1/task/train80_nothink.yaml" --out "$1/eval-$3/greedy"
  [ -f "$1/eval-$3/sampled/results.json" ] || run eval run --model "$2" --task-file "$1/task/arith1_nothink_t1.yaml" \
      --repeats 8 --out "$1/eval-$3/sampled"
}

# arith_compare OUT NAME: the before/after table and charts (tools/AlignCompare.java) in OUT/compare-NAME.
arith_compare() {
  . .mvn/find-jdk.sh
  "$JAVA_HOME/bin/java" --module-path nemotron-cli/target/lib \
      --add-modules dev.nemotron.train,org.jfree.jfreechart,java.desktop,jdk.incubator.vector,com.fasterxml.jackson.databind \
      -Djava.awt.headless=true tools/AlignCompare.java "$1" "$1/compare-$2" "$2" 2>&1 | grep -v "^WARNING: Using incubator"
}
