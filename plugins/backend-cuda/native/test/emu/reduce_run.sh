#!/bin/sh
# Runs src/kernels/train_reduce.cu (the row-summing backward kernels: RMSNorm, dt, conv1d, biases)
# on the CPU (no GPU): its launches rewritten as emu::launch (every kernel cooperative: real
# threads with block barriers), checked against a double reference of the same gradients by
# test/emu/reduce_emulate.cpp. From plugins/backend-cuda/native:
#   sh test/emu/reduce_run.sh
set -e
T=$(mktemp -d)
mkdir -p "$T/src/kernels"
cp test/emu/nmc_internal.h test/emu/gemm.h "$T/src/"
cp test/emu/kernels.h src/kernels/train_kernels.h "$T/src/kernels/"
grep -v 'cuda_bf16.h\|cuda_fp16.h' src/kernels/device_math.cuh > "$T/src/kernels/device_math.cuh"
python3 test/emu/launch_rewrite.py src/kernels/train_reduce.cu "$T/src/kernels/train_reduce.cu"
g++ -std=c++20 -O2 -pthread -Wall -Wno-unused-function -Iinclude -I"$T/src/kernels" -DEMU_REDUCE="\"$T/src/kernels/train_reduce.cu\"" \
    test/emu/reduce_emulate.cpp -o "$T/reduce_emulate"
"$T/reduce_emulate"
