#!/bin/sh
# The FP8 operand quantisers on the CPU: the one-read dual quantiser (src/kernels/fp8_lt_dual.cu,
# NMC_FP8_QUANT=fused) next to today's two passes (src/kernels/fp8_lt_quant.cu), each file's
# launches rewritten by test/emu/launch_rewrite.py (real threads with barriers), E4M3 conversion by
# the CPU reference (test/emu/fp8/cuda_fp8.h), checked by test/emu/fp8_quant_emulate.cpp.
# From plugins/backend-cuda/native:
#   sh test/emu/fp8_quant_run.sh                          the kernels as they are
#   sh test/emu/fp8_quant_run.sh 'SED EXPR' [--quick]     fp8_lt_dual.cu mutated by the sed expression,
#       the first two shapes only with --quick (test/emu/fp8_quant_mutants.sh)
set -e
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/src/kernels"
cp test/emu/nmc_internal.h "$T/src/"
cp src/kernels/fp8_lt.h src/kernels/fp8_block.cuh "$T/src/kernels/"
printf '#include <algorithm>\n#include <cmath>\n' > "$T/prelude.h"
for f in fp8_lt_quant fp8_lt_dual; do python3 test/emu/launch_rewrite.py "src/kernels/$f.cu" "$T/src/kernels/$f.cu"; done
if [ -n "$1" ]; then
    cp "$T/src/kernels/fp8_lt_dual.cu" "$T/orig.cu"
    sed -i "$1" "$T/src/kernels/fp8_lt_dual.cu"
    if cmp -s "$T/orig.cu" "$T/src/kernels/fp8_lt_dual.cu"; then echo "error: the mutation changed nothing" >&2; exit 3; fi
fi
CXX="g++ -std=c++20 -O2 -pthread -fno-strict-aliasing -Wall -Wno-unused-function -Wno-unknown-pragmas -Iinclude -Itest/emu/fp8 -I$T/src/kernels -include $T/prelude.h"
for f in fp8_lt_quant fp8_lt_dual; do $CXX -x c++ -c "$T/src/kernels/$f.cu" -o "$T/$f.o"; done
$CXX test/emu/fp8_quant_emulate.cpp "$T/fp8_lt_quant.o" "$T/fp8_lt_dual.o" -o "$T/emu"
"$T/emu" $2
