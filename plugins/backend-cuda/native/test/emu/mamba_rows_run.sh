#!/bin/sh
# The Mamba row kernels (src/kernels/train_mamba_rows.cu, NMC_MAMBA_ELEM=rows) on the CPU next to
# today's kernels (train_kernels.cu, train_reduce.cu), each file's launches rewritten by
# test/emu/launch_rewrite.py (real threads with block barriers), checked by
# test/emu/mamba_rows_emulate.cpp. From plugins/backend-cuda/native:
#   sh test/emu/mamba_rows_run.sh                 the kernels as they are
#   sh test/emu/mamba_rows_run.sh 'SED EXPR' [--quick]   train_mamba_rows.cu mutated by the sed
#       expression, the emulator's first two cases only with --quick (test/emu/mamba_rows_mutants.sh;
#       MAMBA_ROWS_OBJ=DIR keeps today's two compiled files there between runs)
set -e
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/src/kernels"
cp test/emu/nmc_internal.h test/emu/gemm.h "$T/src/"
cp test/emu/kernels.h src/kernels/train_kernels.h "$T/src/kernels/"
grep -v 'cuda_bf16.h\|cuda_fp16.h' src/kernels/device_math.cuh > "$T/src/kernels/device_math.cuh"
printf '#include <algorithm>\n#include <cmath>\ninline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }\n' > "$T/prelude.h"
for f in mamba_rows reduce kernels; do
    python3 test/emu/launch_rewrite.py "src/kernels/train_$f.cu" "$T/src/kernels/train_$f.cu"
done
if [ -n "$1" ]; then
    cp "$T/src/kernels/train_mamba_rows.cu" "$T/orig.cu"
    sed -i "$1" "$T/src/kernels/train_mamba_rows.cu"
    if cmp -s "$T/orig.cu" "$T/src/kernels/train_mamba_rows.cu"; then echo "error: the mutation changed nothing" >&2; exit 3; fi
fi
O=${MAMBA_ROWS_OBJ:-$T}
CXX="g++ -std=c++20 -O2 -pthread -Wall -Wno-unused-function -Wno-unknown-pragmas -Wno-maybe-uninitialized -Iinclude -I$T/src/kernels -include $T/prelude.h"
$CXX -x c++ -c "$T/src/kernels/train_mamba_rows.cu" -o "$T/mamba_rows.o"
for f in reduce kernels; do
    [ -f "$O/$f.o" ] && [ "$O/$f.o" -nt "src/kernels/train_$f.cu" ] || $CXX -x c++ -c "$T/src/kernels/train_$f.cu" -o "$O/$f.o"
done
$CXX test/emu/mamba_rows_emulate.cpp "$T/mamba_rows.o" "$O/reduce.o" "$O/kernels.o" -o "$T/emu"
"$T/emu" $2
