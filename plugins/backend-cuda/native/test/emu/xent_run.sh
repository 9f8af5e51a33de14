#!/bin/sh
# Runs src/kernels/train_xent.cu (the loss head's fused cross-entropy) on the CPU (no GPU) against
# the double reference of test/train_xent_reference.h (test/emu/xent_emulate.cpp). From
# plugins/backend-cuda/native:
#   sh test/emu/xent_run.sh
set -e
T=$(mktemp -d)
mkdir -p "$T/src/kernels"
cp test/emu/nmc_internal.h test/emu/gemm.h "$T/src/"
cp test/emu/kernels.h src/kernels/train_kernels.h "$T/src/kernels/"
grep -v 'cuda_bf16.h\|cuda_fp16.h' src/kernels/device_math.cuh > "$T/src/kernels/device_math.cuh"
python3 test/emu/launch_rewrite.py src/kernels/train_xent.cu "$T/src/kernels/train_xent.cu"
g++ -std=c++20 -O2 -pthread -Wall -Wno-unused-function -Iinclude -I"$T/src/kernels" -DEMU_XENT="\"$T/src/kernels/train_xent.cu\"" \
    test/emu/xent_emulate.cpp -o "$T/xent_emulate"
"$T/xent_emulate"
