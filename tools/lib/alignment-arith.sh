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

# arith_task OUT NAME DATASET TEMPERATURE DESCRIPTION: OUT/task/NAME.yaml, chat prompts (reasoning
# on), 128 tokens, exact match on the last integer of the reply.
arith_task() {
  cat > "$1/task/$2.yaml" <<YAML
name: $2
description: "$5"
dataset: $3
prompt:
  chat: true
  template: "{{question}}"
target: "{{answer}}"
generation:
  max_tokens: 128
  temperature: $4
filters:
  - {type: regex, pattern: "-?[0-9]+", select: last}
metrics:
  - exact_match
YAML
}
