#!/bin/sh
# The host wiring of NMC_FP8_QUANT=fused (src/train_linear_lt.cu) on the CPU: the real file and
# test/emu/fp8_wiring_check.cpp (host stand-ins: a recording cuBLASLt, the quantisers' contracts)
# compiled as host C++ (nvcc -x c++: the host compiler with the CUDA headers), no GPU.
# From plugins/backend-cuda/native:
#   sh test/emu/fp8_wiring_run.sh                train_linear_lt.cu as it is
#   sh test/emu/fp8_wiring_run.sh 'SED EXPR'     train_linear_lt.cu mutated by the sed expression
set -e
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp src/train_linear_lt.cu "$T/train_linear_lt.cu"
if [ -n "$1" ]; then
    sed -i "$1" "$T/train_linear_lt.cu"
    if cmp -s src/train_linear_lt.cu "$T/train_linear_lt.cu"; then echo "error: the mutation changed nothing" >&2; exit 3; fi
fi
CXX="${NVCC:-nvcc} -std=c++17 -O1 -x c++ -Iinclude -Isrc"
$CXX -c "$T/train_linear_lt.cu" -o "$T/lt.o"
$CXX -c test/emu/fp8_wiring_check.cpp -o "$T/check.o"
g++ "$T/check.o" "$T/lt.o" -o "$T/check"
"$T/check"
