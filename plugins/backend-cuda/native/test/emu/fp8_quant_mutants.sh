#!/bin/sh
# Deliberate mutations of the dual FP8 quantiser (src/kernels/fp8_lt_dual.cu) must fail its
# emulation (test/emu/fp8_quant_run.sh --quick: dY and W at 300 x 200 and 130 x 257), and the
# unmutated text must pass it. From plugins/backend-cuda/native:  sh test/emu/fp8_quant_mutants.sh
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
status=0
run() {  # name, sed expression ('' none), expected exit status (0: pass, 1: fail)
    rc=0
    sh test/emu/fp8_quant_run.sh "$2" --quick > "$D/out" 2>&1 || rc=$?
    if [ "$3" = 0 ] && [ $rc = 0 ]; then echo "PASS unmutated kernel passes"
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
exit $status
