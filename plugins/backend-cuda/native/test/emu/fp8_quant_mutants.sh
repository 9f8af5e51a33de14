#!/bin/sh
# Deliberate mutations of the dual FP8 quantiser (src/kernels/fp8_lt_dual.cu) must fail its
# emulation (test/emu/fp8_quant_run.sh --quick: dY and W at 300 x 200 and 130 x 257), mutations of
# the fused path's host wiring (src/train_linear_lt.cu) the wiring check (test/emu/fp8_wiring_run.sh),
# and the unmutated texts must pass them. From plugins/backend-cuda/native:  sh test/emu/fp8_quant_mutants.sh
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
status=0
runner=test/emu/fp8_quant_run.sh
run() {  # name, sed expression ('' none), expected exit status (0: pass, 1: fail); on $runner
    rc=0
    sh $runner "$2" --quick > "$D/out" 2>&1 || rc=$?
    if [ "$3" = 0 ] && [ $rc = 0 ]; then echo "PASS unmutated text passes $runner"
    elif [ "$3" = 1 ] && [ $rc = 1 ]; then echo "PASS mutant '$1' fails: $(grep -m1 FAIL "$D/out" | cut -c1-170)"
    else echo "FAIL '$1': exit status $rc, expected $([ "$3" = 0 ] && echo pass || echo failure)"; cat "$D/out"; status=1
    fi
}
run none '' 0
run "column maxima without the last warp's rows" 's/for (int w = 0; w < WARPS; w++)/for (int w = 0; w < WARPS - 1; w++)/' 1
run "row maxima over half the lanes" 's/for (int o = 16; o > 0; o >>= 1) m = fmaxf/for (int o = 16; o > 1; o >>= 1) m = fmaxf/' 1
run "weight's block max over the first 32 columns" 's/for (int i = 0; i < CPL; i++) m = fmaxf(m, cmax\[i\]);/for (int i = 0; i < 1; i++) m = fmaxf(m, cmax[i]);/' 1
run "transposed codes of every row tile at the first" 's/ld_t + r0 + 4 \* wd)/ld_t + 4 * wd)/' 1
run "transposed words packed high row first" 's/word |= (uint32_t)q << (8 \* b);/word |= (uint32_t)q << (8 * (3 - b));/' 1
runner=test/emu/fp8_wiring_run.sh
run none '' 0
run "dY's column-tile scale strides swapped (lt_linear_bwd)" 's/g_cols.scales, g_cols.sk, g_cols.so/g_cols.scales, g_cols.so, g_cols.sk/' 1
run "the weight's transposed scale strides swapped (the dual pass)" 's/d.scales, d.sk, d.so, t->stream));/d.scales, d.so, d.sk, t->stream));/' 1
run "the weight copies not remade when only the transposed one is stale" 's/if (stale_f || stale_d) {/if (stale_f) {/' 1
run "the data gradient's beta dropped (lt_linear_bwd)" 's/\*rc_dx = run(t, w, g_rows, np, beta,/*rc_dx = run(t, w, g_rows, np, 0.0f,/' 1
exit $status
