#!/bin/sh
# Runs one of the trainer's kernel files, src/kernels/train_NAME.cu, on the CPU (no GPU): its
# launches rewritten as emu::launch (every kernel cooperative: real threads with block barriers) by
# test/emu/launch_rewrite.py, checked against double references by test/emu/NAME_emulate.cpp.
# From plugins/backend-cuda/native:  sh test/emu/train_kernel_run.sh reduce|xent
# (reduce: the row-summing backward kernels, RMSNorm, dt, conv1d, biases; xent: the loss head's
# fused cross-entropy).
set -e
name="${1:?usage: sh test/emu/train_kernel_run.sh reduce|xent}"
[ -f "src/kernels/train_$name.cu" ] && [ -f "test/emu/${name}_emulate.cpp" ] || { echo "error: no kernel file or emulator for '$name'" >&2; exit 2; }
define="EMU_$(echo "$name" | tr '[:lower:]' '[:upper:]')"
T=$(mktemp -d)
mkdir -p "$T/src/kernels"
cp test/emu/nmc_internal.h test/emu/gemm.h "$T/src/"
cp test/emu/kernels.h src/kernels/train_kernels.h "$T/src/kernels/"
grep -v 'cuda_bf16.h\|cuda_fp16.h' src/kernels/device_math.cuh > "$T/src/kernels/device_math.cuh"
python3 test/emu/launch_rewrite.py "src/kernels/train_$name.cu" "$T/src/kernels/train_$name.cu"
g++ -std=c++20 -O2 -pthread -Wall -Wno-unused-function -Iinclude -I"$T/src/kernels" -D"$define"="\"$T/src/kernels/train_$name.cu\"" \
    "test/emu/${name}_emulate.cpp" -o "$T/${name}_emulate"
"$T/${name}_emulate"
