#!/bin/sh
# Deliberate mutations of the Mamba row kernels (src/kernels/train_mamba_rows.cu) must fail their
# emulation (test/emu/mamba_rows_run.sh --quick: the gated norm at rows 37, dim 48, 2 groups and
# the conv1d + dt backward at B 2, L 70, C 40, K 4, H 5 with clamping), and the unmutated text must
# pass it. From plugins/backend-cuda/native:  sh test/emu/mamba_rows_mutants.sh
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
export MAMBA_ROWS_OBJ="$D"
status=0
run() {  # name, sed expression ('' none), expected exit status (0: pass, 1: fail)
    rc=0
    sh test/emu/mamba_rows_run.sh "$2" --quick > "$D/out" 2>&1 || rc=$?
    if [ "$3" = 0 ] && [ $rc = 0 ]; then echo "PASS unmutated kernels pass"
    elif [ "$3" = 1 ] && [ $rc = 1 ]; then echo "PASS mutant '$1' fails: $(grep -m1 FAIL "$D/out" | cut -c1-170)"
    else echo "FAIL '$1': exit status $rc, expected $([ "$3" = 0 ] && echo pass || echo failure)"; cat "$D/out"; status=1
    fi
}
run none '' 0
run "forward sums tg, not tg^2" 's/ss += tv\[k\] \* tv\[k\];/ss += tv[k];/' 1
run "backward without the mean term" 's/ - tv\[k\] \* kk;/;/' 1
run "conv without its K-1 steps of halo" 's/t < t1 + K - 1; t++/t < t1; t++/' 1
run "dt clamp ignored" 's/(sp < lo || sp > hi) ? 0.0f : //' 1
run "weight partials of the first tile only" 's/for (int i = 0; i < tiles; i++) s +=/for (int i = 0; i < 1; i++) s +=/' 1
exit $status
