#!/bin/sh
# The row-summing backward kernels (train_reduce.cu) on the CPU: sh test/emu/reduce_run.sh
exec sh test/emu/train_kernel_run.sh reduce
