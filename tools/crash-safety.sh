#!/usr/bin/env bash
# Crash safety of training checkpoints (docs/robustness.md): a small pretraining run on the tiny
# hybrid config, checkpointing every step, is killed with SIGKILL KILLS times at random moments —
# half of them while a checkpoint is being written (its staging directory exists), half at any
# moment. After each kill the checkpoint named by `latest` must be complete and load (the next
# --resume loads it); at the end the resumed run must equal an uninterrupted one bit for bit:
# the same loss, lr, grad norm and token count at every step (metrics.jsonl), and byte-identical
# final weights and training state.
#   tools/crash-safety.sh [WORK_DIR]     (default runs/crash-safety; KILLS=20 STEPS=40 SEED=1)
# NEMOTRON names the launcher (default ./nemotron).
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-runs/crash-safety}"
kills="${KILLS:-20}"
steps="${STEPS:-40}"
seed="${SEED:-1}"
nemotron="${NEMOTRON:-./nemotron}"
export NEMOTRON_SKIP_BUILD="${NEMOTRON_SKIP_BUILD:-0}"
rm -rf "$work"
mkdir -p "$work"
log="$work/crash-safety.log"
say() { printf '%s\n' "$*" | tee -a "$log" >&2; }

data="$work/data"
"$nemotron" data tokenize --tokenizer examples/tokenizers/nemotron-bpe-2k --text examples/data/moby-dick.txt \
  --out "$data" > /dev/null
# ./nemotron execs the JVM: started with & below, $! is the training JVM itself
train=(pretrain --model-config examples/configs/tiny-hybrid --data "$data" --steps "$steps" --seq-len 64
  --batch 2 --threads 1 --seed "$seed" --warmup 2 --checkpoint-every 1 --out)
# metrics without the wall-clock fields: what a bit-identical resume reproduces
metrics() { python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        m = json.loads(line); m.pop("tokens_per_s", None); print(json.dumps(m, sort_keys=True))' "$1"; }

say "reference: $steps steps uninterrupted"
t0=$(date +%s.%N)
"$nemotron" "${train[@]}" "$work/reference" > /dev/null 2>> "$log"
run_s=$(python3 -c "print(max(2.0, $(date +%s.%N) - $t0))")
say "  took ${run_s}s"

victim="$work/victim"
ok=0
for i in $(seq 1 "$kills"); do
  resume=(); [ -f "$victim/metrics.jsonl" ] && resume=(--resume)
  touch "$work/started"
  "$nemotron" "${train[@]}" "$victim" "${resume[@]}" > /dev/null 2>> "$log" &
  pid=$!
  if [ $((i % 2)) -eq 1 ]; then
    # during a checkpoint save: wait for a staging directory, then a random 0-30 ms into the save
    mode="during a save"
    for _ in $(seq 1 20000); do
      # a staging directory made by this run (a killed run's stays until the next save replaces it)
      [ -n "$(find "$victim" -maxdepth 1 -name '.checkpoint-*.tmp' -newer "$work/started" 2>/dev/null)" ] && break
      kill -0 $pid 2>/dev/null || break
      sleep 0.005
    done
    sleep "0.0$(printf '%02d' $((RANDOM % 30)))"
  else
    mode="at a random moment"
    sleep "$(python3 -c "import random; print(round(random.uniform(0.5, $run_s / 3), 3))")"
  fi
  if kill -9 $pid 2>/dev/null; then
    wait $pid 2>/dev/null || true
    if kill -0 $pid 2>/dev/null || pgrep -f -- "--out $victim" > /dev/null; then
      say "FAIL kill $i: the training JVM survived"; exit 1
    fi
    staged=$(compgen -G "$victim/.checkpoint-*.tmp" || true)
    latest=$(cat "$victim/latest" 2>/dev/null || echo "(none)")
    if [ "$latest" != "(none)" ]; then
      for f in config.json model.safetensors train_state.safetensors trainer.json; do
        [ -s "$victim/$latest/$f" ] || { say "FAIL kill $i: $latest lacks $f"; exit 1; }
      done
    fi
    say "kill $i ($mode): latest=$latest${staged:+, staging directory ${staged##*/} left behind}"
    ok=$((ok + 1))
  else
    wait $pid || { say "FAIL: run $i exited with an error before the kill"; exit 1; }
    say "kill $i: the run had already finished"
    break
  fi
done

say "final: --resume to the end"
"$nemotron" "${train[@]}" "$victim" --resume > /dev/null 2>> "$log"
if ! diff <(metrics "$work/reference/metrics.jsonl") <(metrics "$victim/metrics.jsonl") > "$work/metrics.diff"; then
  say "FAIL: the resumed run's metrics differ from the reference (see $work/metrics.diff)"
  exit 1
fi
last="checkpoint-$steps"
for f in model.safetensors train_state.safetensors trainer.json; do
  cmp -s "$work/reference/$last/$f" "$victim/$last/$f" || { say "FAIL: $last/$f differs"; exit 1; }
done
say "PASS: $ok kills (SIGKILL), every latest checkpoint complete and loaded by --resume; $steps steps of" \
  "metrics and the final model/train state bit-identical to the uninterrupted run"
