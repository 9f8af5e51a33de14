#!/bin/sh
# Deliberate mutations of the NMC_DECODE_FUSE kernels must fail their emulation (test/decode_fuse_emu.cpp
# --quick: widths 16 to 2568), and the unmutated text must pass it: the bit-equality of the fused
# norm + GEMV with the unfused path sees the norm's summation order and the fused x, the persistent
# loop, the gated norm's divisor and guards, mlp.up's relu2 epilogue (bias, relu, row, store), and out_proj's
# gated x (divisor, the rounds of (row, group) pairs, z's stride, the group's end), and in_proj's conv step
# (window shift, slot, channel, SiLU: the last against the double reference, the text being shared). From plugins/backend-cuda/native (after `make
# build/decode_fuse_emu`, which writes the kernel sections to build/decode_fuse_*.inc):
#   sh test/emu/decode_fuse_mutants.sh
set -e
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
B=${OUT:-build}
status=0
run() {  # name, file (decode_fuse_<file>.inc), sed expression, expected exit status (0: pass, 1: fail)
    cp "$B"/decode_fuse_*.inc "$T/"
    sed "$3" "$B/decode_fuse_$2.inc" > "$T/decode_fuse_$2.inc"
    if [ "$4" = 1 ] && cmp -s "$B/decode_fuse_$2.inc" "$T/decode_fuse_$2.inc"; then
        echo "FAIL mutant '$1': the sed expression changed nothing"; status=1; return
    fi
    g++ -std=c++20 -O2 -fno-strict-aliasing -Wno-unknown-pragmas -Iinclude -Itest -I"$T" -I"$B" test/decode_fuse_emu.cpp -o "$T/emu"
    rc=0
    "$T/emu" --quick > "$T/out" 2>&1 || rc=$?
    if [ "$4" = 0 ] && [ $rc = 0 ]; then echo "PASS unmutated kernels pass"
    elif [ "$4" = 1 ] && [ $rc != 0 ]; then echo "PASS mutant '$1' fails: $(grep -c FAIL "$T/out") FAIL lines, first: $(grep -m1 FAIL "$T/out" | cut -c1-150)"
    else echo "FAIL '$1': exit status $rc, expected $([ "$4" = 0 ] && echo pass || echo failure)"; cat "$T/out"; status=1
    fi
}
run none gemv_fusion 's/^//' 0
run "fused norm: virtual threads strided by blockDim" gemv_fusion 's/rms_part(row, n.dim, v, n.vthreads)/rms_part(row, n.dim, v, blockDim.x)/' 1
run "fused norm: the last warp partial left out" gemv_fusion 's/lane < (n.vthreads >> 5)/lane < (n.vthreads >> 5) - 1/' 1
run "fused gemv_fp8 reads x, not the norm" fp8 's/        x = xs;//' 1
run "fused gemv_bf16 reads x, not the norm" gemv 's/        x = xs;//' 1
run "fused gemv_fp8: one round of the persistent loop" fp8 's/o < f.out; o += gridDim.x \* WARPS/o < f.out; o += f.out/' 1
run "gated rows: divided by dim, not the group" norm 's/rsqrtf(block_sum(ss) \/ group_size + eps)/rsqrtf(block_sum(ss) \/ dim + eps)/' 1
run "gated rows: no guard on the last float4s" norm 's/        if (v < vecs) {/        if (true) {/' 1
run "relu2 epilogue: the bias left out" gemv_fusion 's/if (a.bias != nullptr) v = __fadd_rn(v, a.bias\[o\]);//' 1
run "relu2 epilogue: no relu (v^2)" gemv_fusion 's/const float p = fmaxf(v, 0.0f);/const float p = v;/' 1
run "fused gemv_fp8 relu2: every row into row 0" fp8 's/relu2_store(act, (int64_t)r \* f.out + o, o, v)/relu2_store(act, o, o, v)/' 1
run "fused gemv_fp8 relu2: y stored, not the epilogue" fp8 's/if (lane == 0 \&\& NORM \&\& act.out != nullptr)/if (false)/' 1
run "fused gemv_bf16 relu2: y stored, not the epilogue" gemv 's/if (lane == 0 \&\& NORM \&\& act.out != nullptr)/if (false)/' 1
run "gated x: divided by dim, not the group" gemv_fusion 's/rsqrtf(warp_sum(ss) \/ gs + n.eps)/rsqrtf(warp_sum(ss) \/ n.dim + n.eps)/' 1
run "gated x: one round of (row, group) pairs" gemv_fusion 's/pair += blockDim.x >> 5/pair += R * n.groups/' 1
run "gated x: z rows at y's stride" gemv_fusion 's/zr = n.z + (int64_t)r \* n.z_stride/zr = n.z + (int64_t)r * n.y_stride/' 1
run "gated x: no guard at the group's end" gemv_fusion 's/if (c < gs) t\[v\] = /t[v] = /' 1
run "conv epilogue: the window not shifted" gemv_fusion 's/for (int k = 0; k + 1 < km1; k++) win\[k\] = win\[k + 1\];//' 1
run "conv epilogue: every row in row 0's slot" gemv_fusion 's/s.slots\[r\]/s.slots[0]/' 1
run "conv epilogue: channels off by one" gemv_fusion 's/const int c = o - s.first;/const int c = o - s.first - 1;/' 1
run "conv step (both paths): no SiLU" gemv_fusion 's/return cv.silu ? silu(acc) : acc;/return acc;/' 1
exit $status
