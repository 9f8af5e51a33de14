#!/bin/sh
# Mutation check of the fused state passes (src/kernels/train_ssd_states.cuh, NMC_TRAIN_SCAN_STATES=fused):
# each mutant below is applied to a copy of the tree and test/emu/run.sh runs only the states cases
# (SSD_EMU_STATES_ONLY=1); every mutant must FAIL, the unmutated text must pass. From
# plugins/backend-cuda/native:   sh test/emu/states_mutants.sh
set -u
F=src/kernels/train_ssd_states.cuh
run() {  # $1 name, $2 python replace (old), $3 (new); empty: unmutated
    T=$(mktemp -d)
    cp -r include src test "$T/"
    if [ -n "$2" ]; then
        python3 - "$T/$F" "$2" "$3" <<'PY' || { echo "MUTANT NOT APPLIED: $1"; exit 1; }
import sys
p, old, new = sys.argv[1:4]
s = open(p).read()
assert s.count(old) == 1, old
open(p, "w").write(s.replace(old, new))
PY
    fi
    if (cd "$T" && SSD_EMU_STATES_ONLY=1 sh test/emu/run.sh > out.txt 2>&1); then r=pass; else r=fail; fi
    echo "$1: $r ($(grep -c '^FAIL' "$T/out.txt") FAIL lines)"
    rm -rf "$T"
}
run "unmutated" "" ""
run "forward without the decay" "e * run[i][j] + loc[i][j]" "run[i][j] + loc[i][j]"
run "backward without the decay" "loc[i][j] + e * run[i][j]" "loc[i][j] + run[i][j]"
run "dacs term without e" "atomicAdd(&dacs[last], e * sum)" "atomicAdd(&dacs[last], sum)"
run "dacs dot without S_c" "dot = fmaf(run[i][j], s.v[j], dot)" "dot = fmaf(run[i][j], 1.0f, dot)"
run "the next chunk's tiles not fetched (forward)" "fetch(REVERSE ? c - 1 : c + 1)" "fetch(REVERSE ? c - 1 : c)"
run "one q short" "for (int q = 0; q < Q; q++)" "for (int q = 0; q < Q - 1; q++)"
run "V of group 0 for every head" "vcol + g * N + n0" "vcol + n0"
