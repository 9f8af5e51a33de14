#!/bin/sh
# Deliberate mutations of the register-resident attention backward (src/kernels/train_flash_mma_bwd.cu)
# must fail its emulation (test/train_flash_tc_emu.cpp --mma-bwd-quick: B 2, L 77, heads 4:1, hd 64),
# and the unmutated text must pass it: the emulated comparison sees the masking, the delta term, the
# dS transpose of dQ and the cp.async wait. From plugins/backend-cuda/native:
#   sh test/emu/attn_bwd_mutants.sh
set -e
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
awk '/^using namespace nvcuda;/{on=1} /^}  \/\/ namespace$/{on=0} on' src/kernels/train_flash_tc.cu |
    sed 's/extern __shared__ __align__(128) char smem\[\];/char *smem = g_smem;/' > "$T/train_flash_tc_kernels.inc"
status=0
run() {  # name, sed expression, expected exit status (0: pass, 1: fail)
    awk '/^\/\/ emu-begin/{on=1} /^\/\/ emu-end/{on=0} on' src/kernels/train_flash_mma_bwd.cu |
        sed 's/extern __shared__ __align__(128) char smem\[\];/char *smem = g_smem;/' > "$T/orig.inc"
    sed "$2" "$T/orig.inc" > "$T/train_flash_mma_bwd_kernels.inc"
    if [ "$3" = 1 ] && cmp -s "$T/orig.inc" "$T/train_flash_mma_bwd_kernels.inc"; then
        echo "FAIL mutant '$1': the sed expression changed nothing"; status=1; return
    fi
    g++ -std=c++20 -O2 -Wno-unknown-pragmas -Itest -I"$T" test/train_flash_tc_emu.cpp -o "$T/emu"
    rc=0
    "$T/emu" --mma-bwd-quick > "$T/out" 2>&1 || rc=$?
    if [ "$3" = 0 ] && [ $rc = 0 ]; then echo "PASS unmutated kernel passes"
    elif [ "$3" = 1 ] && [ $rc != 0 ]; then echo "PASS mutant '$1' fails: $(grep -m1 FAIL "$T/out" | cut -c1-160)"
    else echo "FAIL '$1': exit status $rc, expected $([ "$3" = 0 ] && echo pass || echo failure)"; cat "$T/out"; status=1
    fi
}
run none 's/^//' 0
run "no delta in dS" 's/ - sdelta\[i\( + 1\)*\]//g' 1
run "no causal mask" 's/j > q0 + i || //; s/j > q0 + i + 1 || //' 1
run "dQ reads dS^T untransposed" 's/ldmatrix_x4_trans(sa,/ldmatrix_x4(sa,/' 1
run "no cp.async wait" 's/cp_async_wait<0>();//' 1
exit $status
