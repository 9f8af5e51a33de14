#!/usr/bin/env bash
# The small-scale Minitron experiment of docs/compression-experiment.md, end to end:
#   1. teacher: tools/compression-experiment/teacher.yaml (14-layer hybrid, 1.9M parameters, Moby-Dick)
#   2. importance (layers by logit MSE when removed, iteratively; channels, neurons, heads from activations)
#   3. prune: depth only (drop 2, 4, 6 of 14 layers) and width only (hidden 128->112, FFN 384->256,
#      Mamba heads 8->6), ranked by that importance
#   4. distil every pruned model from the teacher (forward KL, T = 1) for the same token budget, and
#      train the depth-6 and width shapes from scratch on the same tokens
#   5. results.json + charts (held-out loss over steps; the depth ladder)
# Runs are skipped when their model is already there, so a rerun resumes where it stopped.
#   tools/compression-experiment/run.sh [RUN_DIR]      (default runs/cx; STEPS=24 student steps)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
R="${1:-runs/cx}"
STEPS="${STEPS:-24}"
PAR="${PAR:-3}"          # student runs at once
here=tools/compression-experiment
mkdir -p "$R"

# 0. one build, then a frozen copy of the module path (rebuilding the checkout cannot touch a running run)
if [ ! -d "$R/lib" ]; then
  ./mvnw -q -B -o -DskipTests -pl nemotron-cli -am package
  cp -r nemotron-cli/target/lib "$R/lib"
fi
export NEM_LIB="$root/$R/lib"
nem() { "$here/nem.sh" "$@"; }

# 1. data and teacher
[ -f "$R/moby-dick/manifest.json" ] || nem data tokenize --text examples/data/moby-dick.txt \
  --tokenizer examples/tokenizers/nemotron-bpe-2k --name moby-dick --out "$R/moby-dick"
[ -f "$R/teacher/model/config.json" ] || nem pretrain --config "$here/teacher.yaml" --data "$R/moby-dick" \
  --out "$R/teacher" --resume --json > "$R/teacher.json"
T="$R/teacher/model"
TRAIN="$R/teacher/data/moby-dick-train"
HELD="$R/teacher/data/moby-dick-heldout"

# 2. importance (a small calibration set: the machine is 2 shared cores)
[ -f "$R/importance.json" ] || nem compress importance --model "$T" --calibration "$TRAIN" --samples 8 \
  --seq-len 64 --out "$R/importance.json" > "$R/importance.log"

# 3. pruning
prune() { # name, flags...
  local name=$1; shift
  [ -f "$R/$name/config.json" ] || nem compress prune --model "$T" --importance "$R/importance.json" --out "$R/$name" "$@" \
    > "$R/$name.prune.log"
}
prune depth-2 --num-layers 12
prune depth-4 --num-layers 10
prune depth-6 --num-layers 8
prune width --hidden-size 112 --intermediate-size 256 --mamba-num-heads 6

# 4. the same token budget for every student: STEPS x 8 x 256 tokens, the teacher's data and held-out set
common=(--data "$TRAIN" --eval-data "$HELD" --steps "$STEPS" --seq-len 256 --batch 8 --warmup 3
        --eval-every 8 --threads 2 --seed 2)
distill() { # name
  [ -f "$R/kd-$1/model/config.json" ] || nem distill --config "$here/student.yaml" --teacher "$T" --student "$R/$1" \
    "${common[@]}" --lr 1e-3 --out "$R/kd-$1" --resume --json > "$R/kd-$1.json"
}
scratch() { # name
  [ -f "$R/scratch-$1/model/config.json" ] || nem pretrain --config "$here/student.yaml" --model-config "$R/$1/config.json" \
    "${common[@]}" --lr 3e-3 --out "$R/scratch-$1" --resume --json > "$R/scratch-$1.json"
}
jobs_list=("distill depth-6" "distill width" "scratch depth-6" "scratch width" "distill depth-2" "distill depth-4")
for ((i = 0; i < ${#jobs_list[@]}; i += PAR)); do
  for ((j = i; j < i + PAR && j < ${#jobs_list[@]}; j++)); do
    ${jobs_list[$j]} &
  done
  wait
done

# 5. results and charts
java_opts=(--module-path "$NEM_LIB" --add-modules dev.nemotron.train,org.jfree.jfreechart,java.desktop,jdk.incubator.vector
           --add-opens=java.base/java.nio=org.apache.arrow.memory.core --sun-misc-unsafe-memory-access=allow
           --add-modules org.apache.arrow.memory.unsafe
           -Djava.awt.headless=true)
. .mvn/find-jdk.sh
"$JAVA_HOME/bin/java" "${java_opts[@]}" "$here/Results.java" "$R" docs/img 2>&1 | grep -v '^WARNING: Using incubator'
